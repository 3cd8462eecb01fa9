import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { loadPolicy } from '../../config/files';
import { CASE_TASK_QUEUE } from '../../temporal/worker';
import { checkRestore, restoreDatabases } from './backup';
import { ensureSigningKey, serveJwks } from './identity';
import { freePorts, portTaken } from './ports';
import {
  databaseUrl,
  ensureDatabase,
  initPostgres,
  postgresService,
  RECORDS_DB,
  waitForPostgres,
} from './postgres';
import { createProxy } from './proxy';
import { processStart, Service, waitFor } from './service';
import { writeState, type ClusterState } from './state';
import {
  ensureNamespace,
  setupTemporalSchemas,
  temporalCli,
  temporalEnv,
  temporalService,
  waitForTemporal,
  type TemporalPorts,
} from './temporal';
import { clusterTools } from './tools';

export const REPO_ROOT = path.join(__dirname, '../..');

/**
 * A worker's V8 heap limit in MiB, as compose sets it too (NODE_OPTIONS). Unset, V8 takes a quarter of the
 * machine's memory and collects lazily: a worker grew past 2 GB. The workflow cache's default (100 cases,
 * VERMIST_WORKER_MAX_CACHED_WORKFLOWS) fits in it (docs/operations.md, "Worker memory").
 */
export const WORKER_HEAP_MIB = 512;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** How to run the cluster. Everything but the data dir has a default. */
export type ClusterOptions = {
  dataDir: string;
  /** Delete the data dir when the cluster stops. */
  throwaway: boolean;
  /** The port of the one address (the proxy); a free one unless given. */
  port?: number;
  /** PostgreSQL's port; a free one unless given. */
  postgresPort?: number;
  workers?: number;
  apis?: number;
  /**
   * Each worker's V8 heap limit in MiB (`--max-old-space-size`), WORKER_HEAP_MIB unless given; with it, the
   * workflow cache (VERMIST_WORKER_MAX_CACHED_WORKFLOWS), about 2.6 MB a case, so both grow together.
   */
  workerHeapMiB?: number;
  /** Each worker's workflow cache, VERMIST_WORKER_MAX_CACHED_WORKFLOWS; its default unless given. */
  workerCache?: number;
  /** LOG_LEVEL of the Vermist processes and the Temporal server. */
  logLevel?: LogLevel;
  namespace?: string;
  /** Party contacts for the workers (VERMIST_CONTACTS_FILE), and the SMTP relay their e-mail needs. */
  contactsFile?: string;
  smtpUrl?: string;
  /** The policy the workers and APIs run under (VERMIST_POLICY_FILE); the shipped one unless given. */
  policyFile?: string;
  /** A backup (scripts/cluster/backup.ts) to restore the databases from, into a new data dir. */
  restoreFrom?: string;
};

export type RunningCluster = { state: ClusterState; stop(): Promise<void> };

const AUDIENCE = 'vermist-api';

/**
 * Runs the production shape in this process's care: PostgreSQL, the Temporal server on it, the namespace,
 * the case workers and API instances as the compose file runs them, a JWKS for their tokens and one
 * address in front. Resolves once every health check passes; on any failure it stops what it started and
 * throws with the failing part's log.
 */
export async function runCluster(
  options: ClusterOptions,
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<RunningCluster> {
  const launched = Date.now();
  const root = REPO_ROOT;
  const dataDir = path.resolve(options.dataDir);
  const logs = path.join(dataDir, 'logs');
  const secretsDir = path.join(dataDir, 'secrets');
  for (const dir of [dataDir, logs, secretsDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const logLevel = options.logLevel ?? 'info';
  const namespace = options.namespace ?? 'vermist';
  const workerCount = options.workers ?? 2;
  const apiCount = options.apis ?? 2;

  // Each step first checks whether the launch was called off (Ctrl-C, the owner gone) meanwhile.
  const step = (line: string) => {
    if (signal?.aborted) throw new Error('stopped while starting');
    say(`${((Date.now() - launched) / 1000).toFixed(1).padStart(5)} s  ${line}`);
  };
  // Before ensureSecrets, which would make a new payload key that opens nothing in the backup.
  const restoreFrom = options.restoreFrom && path.resolve(options.restoreFrom);
  const backup = restoreFrom ? checkRestore(restoreFrom, dataDir) : undefined;
  step('finding the tools (the first run builds the Temporal server, a few minutes)');
  const tools = clusterTools(root);
  const secrets = ensureSecrets(secretsDir);
  const signingKey = path.join(secretsDir, 'jwt-signing-key.json');
  const jwks = await ensureSigningKey({ signingKey, jwks: path.join(secretsDir, 'jwks.json') });

  const ports = await allocatePorts(options, workerCount, apiCount);
  const postgres = {
    pgBin: tools.pgBin,
    dir: path.join(dataDir, 'postgres'),
    port: ports.postgres,
    password: secrets.dbPassword,
    log: path.join(logs, 'postgres.log'),
    throwaway: options.throwaway,
  };
  const temporalAddress = `127.0.0.1:${ports.temporal.grpc}`;
  const base = `http://127.0.0.1:${ports.proxy}`;
  const recordsUrl = databaseUrl(postgres, RECORDS_DB);
  const apis = ports.apis.map((api, i) => ({
    name: `api-${i + 1}`,
    base: `http://127.0.0.1:${api.port}`,
    metrics: `127.0.0.1:${api.metrics}`,
  }));
  const workers = ports.workers.map((metrics, i) => ({
    name: `worker-${i + 1}`,
    metrics: `127.0.0.1:${metrics}`,
  }));
  const issuer = `http://127.0.0.1:${ports.jwks}`;

  const services: Service[] = [];
  let proxy: Server | undefined;
  let jwksServer: Server | undefined;
  const state: ClusterState = {
    status: 'starting',
    supervisorPid: process.pid,
    supervisorStarted: processStart(process.pid) ?? null,
    dataDir,
    throwaway: options.throwaway,
    base,
    apis,
    workers,
    identity: { jwksUrl: `${issuer}/.well-known/jwks.json`, issuer, audience: AUDIENCE, signingKey },
    temporal: {
      address: temporalAddress,
      namespace,
      metrics: `127.0.0.1:${ports.temporal.metrics}`,
      taskQueue: CASE_TASK_QUEUE,
    },
    postgres: { port: ports.postgres, dataDir: path.join(postgres.dir, 'data') },
    recordsUrl,
    logs,
    processes: [],
    startedAt: new Date(launched).toISOString(),
  };
  const save = () => {
    state.processes = services.map(({ spec, pid, started }) => ({
      name: spec.name,
      pid: pid ?? null,
      started: pid === undefined ? null : started,
      stopSignal: spec.stopSignal,
      log: spec.log,
    }));
    writeState(state);
  };
  const supervise = async (spec: Service['spec']) => {
    const service = new Service(spec, save, say);
    services.push(service);
    await service.start();
    return service;
  };
  const exitedWhileStarting = (service: Service) => () =>
    signal?.aborted
      ? 'stopped while starting'
      : service.pid === undefined
        ? `${service.spec.name} exited:\n${service.logTail()}`
        : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      state.status = 'stopping';
      // A data dir deleted under a running cluster must not keep it from stopping.
      try {
        save();
      } catch (error) {
        say(`could not note the stop in the state file: ${String(error)}`);
      }
      const closing = proxy && new Promise((resolve) => proxy!.close(resolve));
      proxy?.closeAllConnections();
      await closing;
      const tier = async (prefix: string) => {
        const began = Date.now();
        await Promise.all(services.filter((s) => s.spec.name.startsWith(prefix)).map((s) => s.stop()));
        say(`stopped ${prefix}* in ${((Date.now() - began) / 1000).toFixed(1)} s`);
      };
      // Callers first, then what they call: no request meets a server that is already gone.
      await tier('api-');
      await tier('worker-');
      await tier('temporal');
      await tier('postgres');
      await new Promise((resolve) => (jwksServer ? jwksServer.close(resolve) : resolve(undefined)));
      if (options.throwaway) rmSync(dataDir, { recursive: true, force: true });
      else save();
    })());

  try {
    writeState(state);
    step(`PostgreSQL on 127.0.0.1:${ports.postgres}`);
    await initPostgres(postgres);
    const pgService = await supervise(postgresService(postgres, baseEnv()));
    await waitForPostgres(postgres, exitedWhileStarting(pgService));
    if (restoreFrom && backup) {
      step(`restoring the databases from ${restoreFrom} (taken ${backup.takenAt})`);
      await restoreDatabases(postgres, restoreFrom, backup);
    }
    await ensureDatabase(postgres, RECORDS_DB);

    // On restored databases setup-schema finds a newer version and skips; update-schema applies what a
    // newer server brings.
    step('Temporal schemas (temporal-sql-tool)');
    await setupTemporalSchemas(tools.sqlTool, tools.schemaDir, postgres);
    const temporal = await supervise(
      temporalService(
        root,
        path.join(dataDir, 'temporal'),
        tools.temporalServer,
        { ...baseEnv(), ...temporalEnv(root, postgres, ports.temporal, logLevel) },
        path.join(logs, 'temporal.log'),
      ),
    );
    step(`Temporal server on ${temporalAddress}`);
    const cli = temporalCli(tools.temporalCli, temporalAddress);
    await waitForTemporal(cli, exitedWhileStarting(temporal));
    step(`namespace ${namespace} and its search attributes`);
    const policyFile = path.resolve(root, options.policyFile ?? 'config/policy.json');
    const { retention } = loadPolicy(policyFile);
    await ensureNamespace(cli, namespace, retention.temporalNamespace);

    jwksServer = (await serveJwks(jwks, ports.jwks)).server;
    const shared = {
      ...baseEnv(),
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      VERMIST_PAYLOAD_KEYS: secrets.payloadKeys,
      VERMIST_PATIENT_KEY_SECRET: secrets.patientKeySecret,
      VERMIST_RECORDS_URL: recordsUrl,
      LOG_LEVEL: logLevel,
      VERMIST_POLICY_FILE: policyFile,
    };
    step(`${workerCount} workers and ${apiCount} API instances`);
    const vermist = (name: string, entry: string, env: Record<string, string>) =>
      supervise({
        name,
        command: process.execPath,
        args: ['--import', 'tsx', entry],
        env: { ...shared, ...env },
        cwd: root,
        log: path.join(logs, `${name}.log`),
        stopSignal: 'SIGTERM',
        // Docker's default stop_grace_period, which the compose file keeps.
        stopTimeoutMs: 10_000,
      });
    const started = await Promise.all([
      ...workers.map((worker) =>
        vermist(worker.name, 'bin/worker.ts', {
          NODE_OPTIONS: `--max-old-space-size=${options.workerHeapMiB ?? WORKER_HEAP_MIB}`,
          ...(options.workerCache !== undefined && {
            VERMIST_WORKER_MAX_CACHED_WORKFLOWS: String(options.workerCache),
          }),
          VERMIST_WORKER_METRICS_ADDRESS: worker.metrics,
          VERMIST_PUBLIC_URL: base,
          ...(options.contactsFile && { VERMIST_CONTACTS_FILE: path.resolve(options.contactsFile) }),
          ...(options.smtpUrl && { VERMIST_SMTP_URL: options.smtpUrl }),
        }),
      ),
      ...apis.map((api, i) =>
        vermist(api.name, 'bin/api.ts', {
          PORT: String(ports.apis[i]!.port),
          // The proxy in front is the one hop: its X-Forwarded-For names the client.
          VERMIST_TRUST_PROXY: '1',
          VERMIST_JWKS_URL: state.identity.jwksUrl,
          VERMIST_JWT_ISSUER: issuer,
          VERMIST_JWT_AUDIENCE: AUDIENCE,
          VERMIST_API_METRICS_ADDRESS: api.metrics,
        }),
      ),
    ]);

    proxy = createProxy(
      ports.apis.map((api, i) => ({ name: apis[i]!.name, host: '127.0.0.1', port: api.port })),
    );
    await new Promise<void>((resolve, reject) => {
      proxy!.once('error', reject);
      proxy!.listen(ports.proxy, '127.0.0.1', resolve);
    });

    const abort = () => started.map((s) => exitedWhileStarting(s)()).find(Boolean);
    await Promise.all(
      apis.map((api) =>
        waitFor(
          `${api.name} /healthz`,
          async () => ((await fetch(`${api.base}/healthz`)).ok ? true : undefined),
          {
            timeoutMs: 120_000,
            abort,
          },
        ),
      ),
    );
    step('APIs healthy; waiting for the workers to poll');
    const workerPids = started.filter((s) => s.spec.name.startsWith('worker-')).map((s) => s.pid!);
    await waitForPollers(temporalAddress, namespace, workerPids, abort);

    step('healthy');
    for (const service of services) service.keepRunning();
    state.status = 'ready';
    state.healthyAfterMs = Date.now() - launched;
    save();
    return { state, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** What every child gets from our environment: no more, so a developer's shell cannot change the cluster. */
function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' };
}

/** The database password and the payload key, made on first start and kept with the data (mode 0600). */
function ensureSecrets(dir: string): { dbPassword: string; payloadKeys: string; patientKeySecret: string } {
  const kept = (name: string, make: () => string) => {
    const file = path.join(dir, name);
    if (!existsSync(file)) writeFileSync(file, make(), { mode: 0o600 });
    return readFileSync(file, 'utf8').trim();
  };
  return {
    dbPassword: kept('db-password', () => randomBytes(24).toString('base64url')),
    // VERMIST_PAYLOAD_KEYS: comma-separated; add a new key in front to rotate.
    payloadKeys: kept('payload-keys', () => randomBytes(32).toString('base64')),
    // VERMIST_PATIENT_KEY_SECRET: the patient keys' HMAC secret; kept with the payload keys in a backup.
    patientKeySecret: kept('patient-key-secret', () => randomBytes(32).toString('base64')),
  };
}

type Ports = {
  proxy: number;
  postgres: number;
  jwks: number;
  temporal: TemporalPorts;
  apis: { port: number; metrics: number }[];
  workers: number[];
};

async function allocatePorts(options: ClusterOptions, workers: number, apis: number): Promise<Ports> {
  for (const [flag, port] of [
    ['--port', options.port],
    ['--pg-port', options.postgresPort],
  ] as const) {
    if (port !== undefined && (await portTaken(port)))
      throw new Error(`${flag} ${port}: something listens there`);
  }
  // Below 32768: Temporal keeps membership ports in a smallint column, and the kernel's ephemeral range
  // starts above it.
  const free = await freePorts(13 + 2 * apis + workers);
  const take = () => free.shift()!;
  return {
    proxy: options.port ?? take(),
    postgres: options.postgresPort ?? take(),
    jwks: take(),
    temporal: {
      grpc: take(),
      http: take(),
      metrics: take(),
      membership: { frontend: take(), history: take(), matching: take(), worker: take() },
      internal: { history: take(), matching: take(), worker: take() },
    },
    apis: Array.from({ length: apis }, () => ({ port: take(), metrics: take() })),
    workers: Array.from({ length: workers }, take),
  };
}

/** Waits until every worker process polls the case task queue (the SDK's identity is `<pid>@<host>`). */
async function waitForPollers(
  address: string,
  namespace: string,
  pids: number[],
  abort: () => string | undefined,
): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await waitFor(
      'workers polling',
      async () => {
        const { pollers } = await connection.workflowService.describeTaskQueue({
          namespace,
          taskQueue: { name: CASE_TASK_QUEUE },
          taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        });
        const polling = new Set(pollers.map((p) => Number(p.identity?.split('@')[0])));
        return pids.every((pid) => polling.has(pid)) ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500, abort },
    );
  } finally {
    await connection.close();
  }
}
