import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { waitFor, type ServiceSpec } from './service';

/** The role every part connects as, as `TEMPORAL_DB_USER` in the compose file's .env.example. */
export const DB_USER = 'temporal';
/** The records store's database, beside Temporal's two (`POSTGRES_DB` in the compose file). */
export const RECORDS_DB = 'vermist_records';

export type PostgresPlan = {
  pgBin: string;
  /** `<data>/postgres`: PGDATA and the socket dir live under it, owned by the server's user. */
  dir: string;
  port: number;
  password: string;
  log: string;
  /** A throwaway cluster skips fsync: nothing in it has to survive a crash of the machine. */
  throwaway: boolean;
};

const dataOf = (plan: PostgresPlan) => path.join(plan.dir, 'data');
const socketsOf = (plan: PostgresPlan) => path.join(plan.dir, 'run');

/**
 * PostgreSQL refuses to run as root: as root, every PostgreSQL program runs as Debian's `postgres` user,
 * through setpriv, which execs (no parent left over to forward signals), so the pid is the postmaster's.
 */
function asServerUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]];
}

function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error("running as root but there is no 'postgres' user: install Debian's postgresql package");
  }
}

/** Makes the server's directories and, on first use, its cluster (initdb) with the role and password. */
export async function initPostgres(plan: PostgresPlan): Promise<void> {
  const owner = serverOwner();
  for (const dir of [plan.dir, socketsOf(plan)]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (owner) chownSync(dir, owner.uid, owner.gid);
  }
  if (owner) {
    // The server's user only passes through the data dir to reach its own; it reads nothing else there.
    chmodSync(path.dirname(plan.dir), 0o711);
    try {
      execFileSync(...asServerUser('test', ['-w', plan.dir]), { stdio: 'ignore' });
    } catch {
      throw new Error(
        `the postgres user cannot reach ${plan.dir}: choose a --data dir it can reach (under /var/tmp, say)`,
      );
    }
  }
  if (existsSync(path.join(dataOf(plan), 'PG_VERSION'))) return;

  // initdb reads the password from a file the server's user can read; it is gone right after.
  const pwfile = path.join(plan.dir, 'initdb.pw');
  writeFileSync(pwfile, `${plan.password}\n`, { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  try {
    await run(plan, 'initdb', [
      ...['-D', dataOf(plan), '-U', DB_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256'],
      ...['--encoding=UTF8', '--locale=C'],
      ...(plan.throwaway ? ['--no-sync'] : []),
    ]);
  } finally {
    rmSync(pwfile, { force: true });
  }
  appendFileSync(
    path.join(dataOf(plan), 'postgresql.conf'),
    [
      '',
      '# npm run cluster: loopback only; the port and socket dir come on the command line (-p, -k).',
      "listen_addresses = '127.0.0.1'",
      // Temporal's two pools (30), four Vermist processes' pools and LISTEN connections, psql, benchmarks.
      'max_connections = 200',
      ...(plan.throwaway ? ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] : []),
      '',
    ].join('\n'),
  );
}

/** The server as a supervised process: the postmaster itself, stopped with a fast shutdown. */
export function postgresService(plan: PostgresPlan, env: Record<string, string>): ServiceSpec {
  const [command, args] = asServerUser(path.join(plan.pgBin, 'postgres'), [
    ...['-D', dataOf(plan), '-p', String(plan.port), '-k', socketsOf(plan)],
  ]);
  return {
    name: 'postgres',
    command,
    args,
    env,
    cwd: plan.dir,
    log: plan.log,
    stopSignal: 'SIGINT',
    stopTimeoutMs: 30_000,
  };
}

/** The URL of one database on the cluster's server. */
export function databaseUrl(plan: Pick<PostgresPlan, 'port' | 'password'>, database: string): string {
  return `postgres://${DB_USER}:${encodeURIComponent(plan.password)}@127.0.0.1:${plan.port}/${database}`;
}

/** Waits until the server takes connections (it says "starting up" for a moment after it listens). */
export async function waitForPostgres(plan: PostgresPlan, abort: () => string | undefined): Promise<void> {
  await waitFor(
    'PostgreSQL ready',
    async () => {
      const client = new pg.Client({ connectionString: databaseUrl(plan, 'postgres') });
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    { timeoutMs: 60_000, intervalMs: 100, abort },
  );
}

/** Creates a database unless it exists. */
export async function ensureDatabase(plan: PostgresPlan, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(plan, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

async function run(plan: PostgresPlan, tool: string, args: string[]): Promise<void> {
  const [command, argv] = asServerUser(path.join(plan.pgBin, tool), args);
  try {
    // cwd is the server's own dir: the postgres user may not be allowed into ours.
    await promisify(execFile)(command, argv, { cwd: plan.dir, timeout: 120_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${tool} failed: ${[stderr, stdout].filter(Boolean).join('\n').trim()}`, {
      cause: error,
    });
  }
}
