import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Paths of docker-compose, prometheus and promtool, installed from Debian by scripts/ops-tools.sh if missing. */
export type OpsTools = { dockerCompose: string; prometheus: string; promtool: string };

export function opsTools(): OpsTools {
  const output = execFileSync('bash', [path.join(__dirname, '../../scripts/ops-tools.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const vars = Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
  return { dockerCompose: vars.DOCKER_COMPOSE!, prometheus: vars.PROMETHEUS!, promtool: vars.PROMTOOL! };
}
