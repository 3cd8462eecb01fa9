import { required, scriptVars } from './script-vars';

/**
 * Paths of docker-compose, prometheus and promtool, and the bin directory of Debian's newest PostgreSQL,
 * installed from Debian by scripts/ops-tools.sh if missing.
 */
export type OpsTools = { dockerCompose: string; prometheus: string; promtool: string; pgBin: string };

export function opsTools(): OpsTools {
  const vars = scriptVars('ops-tools.sh');
  return {
    dockerCompose: required(vars, 'DOCKER_COMPOSE', 'ops-tools.sh'),
    prometheus: required(vars, 'PROMETHEUS', 'ops-tools.sh'),
    promtool: required(vars, 'PROMTOOL', 'ops-tools.sh'),
    pgBin: required(vars, 'PG_BIN', 'ops-tools.sh'),
  };
}
