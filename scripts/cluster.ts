// `npm run cluster`: Vermist's production shape on this machine, without Docker. PostgreSQL (Debian's),
// the Temporal server v1.29.1 on it with the `vermist` namespace, two case workers and two API instances
// run as the compose file runs them, a local JWKS for their tokens, and one address in front.
//
//   npm run cluster                      in the foreground, throwaway data; Ctrl-C stops everything
//   npm run cluster -- --detach          returns once healthy; `npm run cluster -- --stop` stops it
//   npm run cluster -- --data DIR        keeps the data (databases, keys) in DIR across restarts
//   npm run cluster -- --backup DIR      dumps the running cluster's three databases into DIR (no keys)
//   npm run cluster -- --restore DIR --data NEW
//                                        starts a cluster on NEW with its databases restored from DIR; NEW's
//                                        secrets/payload-keys must already hold the backup's payload keys
//   options: --port N (the address), --pg-port N, --log-level L, --contacts FILE, --smtp URL,
//            --policy FILE (deadlines and retention; config/policy.json unless given)
//
// Tests and benchmarks start the same cluster with startCluster() and stop it with its stop().
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backupDatabases, type BackupManifest } from './cluster/backup';
import { alive, sameProcess, signalGroup, tail } from './cluster/service';
import { readState, stateFile, type ClusterState } from './cluster/state';
import { REPO_ROOT, runCluster, type ClusterOptions, type LogLevel } from './cluster/supervisor';
import { clusterTools } from './cluster/tools';

export type { BackupManifest } from './cluster/backup';
export { clusterTokenSigner } from './cluster/identity';
export { UPSTREAM_HEADER } from './cluster/proxy';
export { WORKER_HEAP_MIB } from './cluster/supervisor';
export type { ClusterState } from './cluster/state';

/** What startCluster takes: the cluster's options, with a throwaway data dir unless one is given. */
export type StartOptions = Omit<ClusterOptions, 'dataDir' | 'throwaway'> & {
  /** A persistent data dir; unset, a throwaway one under the system temp dir. */
  dataDir?: string;
  /**
   * The process the cluster belongs to: when it dies, the cluster stops itself, so a test run that is
   * killed leaves nothing behind. Defaults to this process; `null` for a cluster that outlives it.
   */
  owner?: number | null;
};

/** A cluster running under its own supervisor process. */
export type ClusterHandle = {
  state: ClusterState;
  base: string;
  /** The state as it is now (pids change when a crashed process is restarted). */
  current(): ClusterState;
  stop(): Promise<void>;
};

const SCRIPT = path.join(REPO_ROOT, 'scripts/cluster.ts');
/** Where the CLI notes the data dir of the cluster it started, so `--stop` finds a throwaway one. */
const CURRENT = path.join(REPO_ROOT, 'data/cluster.current');

/**
 * Starts the cluster under a supervisor process of its own (detached, its output in `<data>/cluster.log`)
 * and resolves once it is healthy. Rejects with the failing part's log if it does not get there.
 */
export async function startCluster(options: StartOptions = {}): Promise<ClusterHandle> {
  const throwaway = options.dataDir === undefined;
  const dataDir = throwaway
    ? mkdtempSync(path.join(tmpdir(), 'vermist-cluster-'))
    : path.resolve(options.dataDir!);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const previous = throwaway ? undefined : previousState(dataDir);
  if (previous && sameProcess(previous.supervisorPid, previous.supervisorStarted)) {
    throw new Error(
      `a cluster already runs on ${dataDir} (${previous.base}): stop it with --stop --data ${dataDir}`,
    );
  }
  const owner = options.owner === undefined ? process.pid : options.owner;
  const log = path.join(dataDir, 'cluster.log');
  const fd = openSync(log, 'a', 0o600);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SCRIPT, ...supervisorArgs(options, dataDir, throwaway, owner)],
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', fd, fd, 'ipc'],
    },
  );
  closeSync(fd);
  const outcome = await new Promise<{ state?: ClusterState; error?: string }>((resolve) => {
    child.on('message', (message: { state?: ClusterState; error?: string }) => resolve(message));
    child.once('exit', (code) =>
      resolve({ error: `the cluster's supervisor exited (code ${code}):\n${tail(log, 40)}` }),
    );
  });
  if (!outcome.state) {
    if (throwaway) rmSync(dataDir, { recursive: true, force: true });
    throw new Error(outcome.error ?? 'the cluster did not start');
  }
  child.disconnect();
  child.unref();
  const { state } = outcome;
  return { state, base: state.base, current: () => readState(dataDir), stop: () => stopCluster(dataDir) };
}

/**
 * Stops the cluster whose data dir this is: asks its supervisor to stop everything in order, and kills
 * whatever process group is still alive after that (a supervisor that was itself killed leaves some).
 */
export async function stopCluster(dataDir: string): Promise<void> {
  if (!existsSync(stateFile(dataDir))) return;
  const state = readState(dataDir);
  const supervisor = () => sameProcess(state.supervisorPid, state.supervisorStarted);
  if (supervisor()) {
    // The process, not its group: in the foreground the supervisor shares the terminal's group.
    process.kill(state.supervisorPid, 'SIGTERM');
    const deadline = Date.now() + 120_000;
    while (supervisor() && Date.now() < deadline) await sleep(100);
    if (!supervisor()) return;
    process.kill(state.supervisorPid, 'SIGKILL');
  }
  // Without its supervisor, what still runs stops in the same order: the last started first. A pid is
  // signalled only while it is still the process the state names.
  const orphans = existsSync(stateFile(dataDir)) ? readState(dataDir).processes : state.processes;
  for (const { pid, started, stopSignal } of orphans.toReversed()) {
    if (pid === null || !sameProcess(pid, started)) continue;
    signalGroup(pid, stopSignal);
    const deadline = Date.now() + 10_000;
    while (sameProcess(pid, started) && Date.now() < deadline) await sleep(100);
    if (sameProcess(pid, started)) signalGroup(pid, 'SIGKILL');
  }
  if (state.throwaway) rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Backs up the databases of the cluster running on `dataDir` into `to` (scripts/cluster/backup.ts): the
 * dumps and a manifest, never the keys.
 */
export async function backupCluster(dataDir: string, to: string): Promise<BackupManifest> {
  const state = previousState(dataDir);
  if (!state || !sameProcess(state.supervisorPid, state.supervisorStarted)) {
    throw new Error(`no cluster runs on ${dataDir}: --backup dumps a running one`);
  }
  const tools = clusterTools(REPO_ROOT);
  const secret = (name: string) => readFileSync(path.join(dataDir, 'secrets', name), 'utf8').trim();
  return backupDatabases(
    {
      pgBin: tools.pgBin,
      port: state.postgres.port,
      password: secret('db-password'),
      payloadKeys: secret('payload-keys'),
      temporalServer: tools.temporalServer,
    },
    path.resolve(to),
  );
}

/** The state a cluster left in a persistent data dir, if any (a dir from an older version may hold none). */
function previousState(dataDir: string): ClusterState | undefined {
  try {
    return readState(dataDir);
  } catch {
    return undefined;
  }
}

function supervisorArgs(
  options: StartOptions,
  dataDir: string,
  throwaway: boolean,
  owner: number | null,
): string[] {
  const args = ['--supervise', '--data', dataDir];
  if (throwaway) args.push('--throwaway');
  if (owner !== null) args.push('--owner', String(owner));
  if (options.port !== undefined) args.push('--port', String(options.port));
  if (options.postgresPort !== undefined) args.push('--pg-port', String(options.postgresPort));
  if (options.workers !== undefined) args.push('--workers', String(options.workers));
  if (options.apis !== undefined) args.push('--apis', String(options.apis));
  if (options.workerHeapMiB !== undefined) args.push('--worker-heap', String(options.workerHeapMiB));
  if (options.workerCache !== undefined) args.push('--worker-cache', String(options.workerCache));
  if (options.logLevel) args.push('--log-level', options.logLevel);
  if (options.namespace) args.push('--namespace', options.namespace);
  if (options.contactsFile) args.push('--contacts', options.contactsFile);
  if (options.smtpUrl) args.push('--smtp', options.smtpUrl);
  if (options.policyFile) args.push('--policy', options.policyFile);
  if (options.restoreFrom) args.push('--restore', path.resolve(options.restoreFrom));
  return args;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => console.error(`cluster: ${line}`);

function parseCli(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      'pg-port': { type: 'string' },
      workers: { type: 'string' },
      apis: { type: 'string' },
      'worker-heap': { type: 'string' },
      'worker-cache': { type: 'string' },
      'log-level': { type: 'string' },
      namespace: { type: 'string' },
      contacts: { type: 'string' },
      smtp: { type: 'string' },
      policy: { type: 'string' },
      detach: { type: 'boolean' },
      stop: { type: 'boolean' },
      backup: { type: 'string' },
      restore: { type: 'string' },
      // The supervisor that startCluster spawns.
      supervise: { type: 'boolean' },
      throwaway: { type: 'boolean' },
      owner: { type: 'string' },
    },
  });
  const int = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0 || n > 65_535)
      throw new Error(`--${flag} must be a number, not ${text}`);
    return n;
  };
  const level = values['log-level'];
  if (level !== undefined && !['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new Error(`--log-level must be debug, info, warn or error, not ${level}`);
  }
  const options: StartOptions = {
    ...(values.data !== undefined && { dataDir: values.data }),
    ...(values.port !== undefined && { port: int('port', values.port)! }),
    ...(values['pg-port'] !== undefined && { postgresPort: int('pg-port', values['pg-port'])! }),
    ...(values.workers !== undefined && { workers: int('workers', values.workers)! }),
    ...(values.apis !== undefined && { apis: int('apis', values.apis)! }),
    ...(values['worker-heap'] !== undefined && { workerHeapMiB: int('worker-heap', values['worker-heap'])! }),
    ...(values['worker-cache'] !== undefined && {
      workerCache: int('worker-cache', values['worker-cache'])!,
    }),
    ...(level !== undefined && { logLevel: level as LogLevel }),
    ...(values.namespace !== undefined && { namespace: values.namespace }),
    ...(values.contacts !== undefined && { contactsFile: values.contacts }),
    ...(values.smtp !== undefined && { smtpUrl: values.smtp }),
    ...(values.policy !== undefined && { policyFile: values.policy }),
    ...(values.restore !== undefined && { restoreFrom: values.restore }),
  };
  return { values, options, owner: int('owner', values.owner) };
}

function describe(state: ClusterState): string {
  const apiList = state.apis.map((a) => a.base).join(', ');
  return [
    `Vermist cluster is running (healthy after ${((state.healthyAfterMs ?? 0) / 1000).toFixed(1)} s).`,
    `  API            ${state.base}   (round-robin over ${apiList})`,
    `  Temporal       ${state.temporal.address}   namespace ${state.temporal.namespace}, metrics http://${state.temporal.metrics}/metrics`,
    `  Records        ${state.recordsUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `  JWKS           ${state.identity.jwksUrl}   (issuer ${state.identity.issuer}, audience ${state.identity.audience})`,
    `  Signing key    ${state.identity.signingKey}`,
    `  Data           ${state.dataDir}${state.throwaway ? '   (throwaway: deleted on stop)' : ''}`,
    `  Logs           ${state.logs}`,
  ].join('\n');
}

/** The supervisor: runs the cluster, tells its starter, and stops it on a signal or when its owner dies. */
async function supervise(options: ClusterOptions, owner: number | undefined): Promise<void> {
  let running: Awaited<ReturnType<typeof runCluster>> | undefined;
  const launch = new AbortController();
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    say(`stopping (${why})`);
    // While starting, the launch stops what it started and throws (below).
    if (!running) return launch.abort();
    await running.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
  if (owner !== undefined) {
    setInterval(() => {
      if (!alive(owner)) void stop(`its owner ${owner} is gone`);
    }, 1_000);
  }
  try {
    running = await runCluster(options, say, launch.signal);
  } catch (error) {
    process.send?.({ error: error instanceof Error ? error.message : String(error) });
    if (stopping) process.exit(0);
    throw error;
  }
  console.log(describe(running.state));
  process.send?.({ state: running.state });
}

async function main(argv: string[]): Promise<void> {
  const { values, options, owner } = parseCli(argv);
  // --stop and --backup act on the cluster --data names, else on the one the CLI started last.
  const running = () =>
    options.dataDir ?? (existsSync(CURRENT) ? readFileSync(CURRENT, 'utf8').trim() : undefined);
  if (values.backup !== undefined) {
    const dataDir = running();
    if (!dataDir) throw new Error('no cluster to back up: pass --data DIR');
    const began = Date.now();
    const manifest = await backupCluster(dataDir, values.backup);
    const bytes = manifest.databases.reduce((sum, d) => sum + d.bytes, 0);
    say(
      `backed up ${manifest.databases.map((d) => d.name).join(', ')} of ${dataDir} to ${path.resolve(values.backup)} ` +
        `(${(bytes / 1024).toFixed(0)} KiB, ${((Date.now() - began) / 1000).toFixed(1)} s; writes held ${manifest.cutMs} ms)`,
    );
    say(
      `not in it: the keys. Keep ${path.join(dataDir, 'secrets/payload-keys')} apart; without it the backup is unreadable`,
    );
    return;
  }
  if (values.restore !== undefined && options.dataDir === undefined) {
    throw new Error(
      "--restore needs --data DIR: a new data dir whose secrets/payload-keys holds the backup's keys",
    );
  }
  if (values.stop) {
    const dataDir = running();
    if (!dataDir || !existsSync(stateFile(dataDir))) {
      say('no cluster to stop (start one with `npm run cluster`, or pass --data DIR)');
      return;
    }
    const { processes } = readState(dataDir);
    await stopCluster(dataDir);
    rmSync(CURRENT, { force: true });
    say(`stopped ${processes.length} processes and the supervisor of ${dataDir}`);
    return;
  }
  if (values.supervise) {
    if (!options.dataDir) throw new Error('--supervise needs --data');
    await supervise({ ...options, dataDir: options.dataDir, throwaway: values.throwaway ?? false }, owner);
    return;
  }
  if (values.detach) {
    say('starting (the first run builds the Temporal server first: minutes); progress in <data>/cluster.log');
    const cluster = await startCluster({ ...options, owner: null });
    mkdirSync(path.dirname(CURRENT), { recursive: true });
    writeFileSync(CURRENT, cluster.state.dataDir);
    console.log(describe(cluster.state));
    console.log('Stop it with:  npm run cluster -- --stop');
    return;
  }
  // The foreground: this process is the supervisor, and Ctrl-C stops the cluster.
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'vermist-cluster-'));
  mkdirSync(path.dirname(CURRENT), { recursive: true });
  writeFileSync(CURRENT, dataDir);
  process.once('exit', () => rmSync(CURRENT, { force: true }));
  const throwaway = options.dataDir === undefined;
  await supervise({ ...options, dataDir, throwaway }, undefined).catch((error: unknown) => {
    if (throwaway) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  say('Ctrl-C stops everything.');
}

// Run as a script (npm run cluster, or the supervisor startCluster spawns), not when imported.
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    say(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
