import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SearchAttributeType } from '@temporalio/common';
import { CaseSearchAttributes } from '../../workflows/case.search-attributes';
import { DB_USER } from './postgres';
import { waitFor, type ServiceSpec } from './service';

/** The ports the server listens on, all on loopback. */
export type TemporalPorts = {
  grpc: number;
  http: number;
  metrics: number;
  membership: { frontend: number; history: number; matching: number; worker: number };
  internal: { history: number; matching: number; worker: number };
};

type Db = { port: number; password: string };

/**
 * The server's environment for ops/temporal/vermist.yaml.tmpl. The names are the temporalio/server image's,
 * so the compose file sets the same ones.
 */
export function temporalEnv(root: string, db: Db, ports: TemporalPorts, logLevel: string) {
  return {
    DB: 'postgres12',
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(db.port),
    POSTGRES_USER: DB_USER,
    POSTGRES_PWD: db.password,
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    FRONTEND_GRPC_PORT: String(ports.grpc),
    FRONTEND_HTTP_PORT: String(ports.http),
    FRONTEND_MEMBERSHIP_PORT: String(ports.membership.frontend),
    HISTORY_GRPC_PORT: String(ports.internal.history),
    HISTORY_MEMBERSHIP_PORT: String(ports.membership.history),
    MATCHING_GRPC_PORT: String(ports.internal.matching),
    MATCHING_MEMBERSHIP_PORT: String(ports.membership.matching),
    WORKER_GRPC_PORT: String(ports.internal.worker),
    WORKER_MEMBERSHIP_PORT: String(ports.membership.worker),
    PROMETHEUS_ENDPOINT: `127.0.0.1:${ports.metrics}`,
    DYNAMIC_CONFIG_FILE_PATH: path.join(root, 'ops/temporal/dynamicconfig/vermist.yaml'),
    LOG_LEVEL: logLevel,
  };
}

/**
 * Creates (if missing) and migrates Temporal's two databases with temporal-sql-tool. Every step is
 * idempotent, so it runs at every start: after an upgrade of the server it applies the new versions.
 */
export async function setupTemporalSchemas(sqlTool: string, schemaDir: string, db: Db): Promise<void> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: '127.0.0.1',
    SQL_PORT: String(db.port),
    SQL_USER: DB_USER,
    // In the environment, not on the command line, where ps would show it.
    SQL_PASSWORD: db.password,
  };
  const tool = async (args: string[]) => {
    try {
      await promisify(execFile)(sqlTool, args, { env, timeout: 120_000 });
    } catch (error) {
      const { stderr } = error as { stderr?: string };
      throw new Error(`temporal-sql-tool ${args.join(' ')} failed:\n${stderr ?? String(error)}`, {
        cause: error,
      });
    }
  };
  for (const [database, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    await tool(['--db', database, 'create-database']);
    await tool(['--db', database, 'setup-schema', '-v', '0.0']);
    await tool(['--db', database, 'update-schema', '-d', path.join(schemaDir, schema, 'versioned')]);
  }
}

/**
 * The server as a supervised process. v1.29.1 has no --config-file flag: it reads <root>/<config>/<env>.yaml
 * (and makes an absolute --config relative to --root), so the template goes to `<dir>/config/vermist.yaml`,
 * afresh at every start.
 */
export function temporalService(
  root: string,
  dir: string,
  server: string,
  env: Record<string, string>,
  log: string,
): ServiceSpec {
  mkdirSync(path.join(dir, 'config'), { recursive: true, mode: 0o700 });
  copyFileSync(path.join(root, 'ops/temporal/vermist.yaml.tmpl'), path.join(dir, 'config/vermist.yaml'));
  return {
    name: 'temporal',
    command: server,
    args: [
      ...['--root', dir, '--config', 'config', '--env', 'vermist'],
      // Loopback only, and every caller is ours; the compose file puts an authorizer in front instead.
      '--allow-no-auth',
      'start',
    ],
    env,
    cwd: root,
    log,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 20_000,
  };
}

/** Runs the Temporal CLI against the cluster and answers its stdout. */
export function temporalCli(cli: string, address: string) {
  return async (args: string[]): Promise<string> => {
    const { stdout } = await promisify(execFile)(cli, [...args, '--address', address], {
      timeout: 30_000,
      // The developer's own CLI profile (address, TLS, namespace) must not leak into the cluster's.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' },
    });
    return stdout;
  };
}

/** Waits for `temporal operator cluster health` to say SERVING. */
export async function waitForTemporal(
  cli: (args: string[]) => Promise<string>,
  abort: () => string | undefined,
): Promise<void> {
  await waitFor(
    'Temporal SERVING',
    async () => ((await cli(['operator', 'cluster', 'health'])).includes('SERVING') ? true : undefined),
    { timeoutMs: 90_000, intervalMs: 200, abort },
  );
}

const CLI_TYPE: Partial<Record<SearchAttributeType, string>> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/**
 * The namespace with the policy's retention, and the case search attributes the workflows upsert. Both
 * idempotent: a persistent cluster gets its retention brought in line with the policy at every start.
 */
export async function ensureNamespace(
  cli: (args: string[]) => Promise<string>,
  namespace: string,
  retentionMs: number,
): Promise<void> {
  const retention = `${Math.round(retentionMs / 1000)}s`;
  const exists = await cli(['operator', 'namespace', 'describe', '--namespace', namespace]).then(
    () => true,
    () => false,
  );
  const verb = exists ? 'update' : 'create';
  await cli(['operator', 'namespace', verb, '--namespace', namespace, '--retention', retention]);
  // A new namespace reaches the server's namespace cache a moment after it is registered.
  await waitFor(
    `namespace ${namespace} in use`,
    async () => Boolean(await cli(['operator', 'search-attribute', 'list', '--namespace', namespace])),
    { timeoutMs: 30_000, intervalMs: 200 },
  );

  // The CLI takes one --type per call: one call per type, with every attribute of that type.
  const byType = new Map<string, string[]>();
  for (const key of Object.values(CaseSearchAttributes)) {
    const type = CLI_TYPE[key.type];
    if (!type) throw new Error(`no CLI type for search attribute ${key.name} (${key.type})`);
    byType.set(type, [...(byType.get(type) ?? []), key.name]);
  }
  for (const [type, names] of byType) {
    await cli([
      ...['operator', 'search-attribute', 'create', '--namespace', namespace, '--type', type],
      ...names.flatMap((name) => ['--name', name]),
    ]);
  }
}
