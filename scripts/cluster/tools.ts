import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** The binaries the cluster runs, as scripts/toolchain.sh and scripts/ops-tools.sh yield them. */
export type ClusterTools = {
  temporalCli: string;
  temporalServer: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server's module: `temporal/versioned` and `visibility/versioned`. */
  schemaDir: string;
  /** Debian's PostgreSQL bin directory (initdb, postgres). */
  pgBin: string;
};

/** Builds or finds every tool (a build happens once per machine, into the toolchain's cache). */
export function clusterTools(root: string): ClusterTools {
  const toolchain = scriptVars(root, 'toolchain.sh', ['cli', 'server', 'sql-tool']);
  const ops = scriptVars(root, 'ops-tools.sh', []);
  return {
    temporalCli: required(toolchain, 'TEMPORAL_CLI', 'toolchain.sh'),
    temporalServer: required(toolchain, 'TEMPORAL_SERVER', 'toolchain.sh'),
    sqlTool: required(toolchain, 'TEMPORAL_SQL_TOOL', 'toolchain.sh'),
    schemaDir: required(toolchain, 'TEMPORAL_SCHEMA_DIR', 'toolchain.sh'),
    pgBin: required(ops, 'PG_BIN', 'ops-tools.sh'),
  };
}

function scriptVars(root: string, script: string, args: string[]): Record<string, string> {
  const output = execFileSync('bash', [path.join(root, 'scripts', script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

function required(vars: Record<string, string>, key: string, script: string): string {
  const value = vars[key];
  if (!value) throw new Error(`scripts/${script} did not yield ${key}`);
  return value;
}
