import type { TestProject } from 'vitest/node';
import { required, scriptVars } from './script-vars';

/** Paths of the Temporal CLI and the Java test server, as scripts/toolchain.sh yields them. */
export type Toolchain = { temporalCli: string; testServer: string };

declare module 'vitest' {
  export interface ProvidedContext {
    toolchain: Toolchain;
  }
}

export default function setup(project: TestProject): void {
  const vars = scriptVars('toolchain.sh', ['all']);
  project.provide('toolchain', {
    temporalCli: required(vars, 'TEMPORAL_CLI', 'toolchain.sh'),
    testServer: required(vars, 'TEMPORAL_TEST_SERVER', 'toolchain.sh'),
  });
}
