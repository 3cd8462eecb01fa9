import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/** Paths of the Temporal CLI and the Java test server, as scripts/toolchain.sh yields them. */
export type Toolchain = { temporalCli: string; testServer: string };

declare module 'vitest' {
  export interface ProvidedContext {
    toolchain: Toolchain;
  }
}

export default function setup(project: TestProject): void {
  const output = execFileSync('bash', [path.join(__dirname, '../../scripts/toolchain.sh'), 'all'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const vars = Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
  project.provide('toolchain', {
    temporalCli: required(vars, 'TEMPORAL_CLI'),
    testServer: required(vars, 'TEMPORAL_TEST_SERVER'),
  });
}

function required(vars: Record<string, string>, key: string): string {
  const value = vars[key];
  if (!value) throw new Error(`scripts/toolchain.sh did not yield ${key}`);
  return value;
}
