import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { opsTools } from './ops-tools';
import { freePort } from './ports';

/** A throwaway PostgreSQL server holding an empty `vermist` database; `stop()` shuts it down and deletes it. */
export type PostgresServer = {
  url: string;
  /** Creates another empty database on the server and answers its URL: one per spec keeps rows apart. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
};

/**
 * Starts a real PostgreSQL (Debian's package, installed by scripts/ops-tools.sh if missing) in a temp dir,
 * listening on a free loopback port, with superuser `postgres` and no password.
 * Throws with the server log if it does not come up.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = opsTools().pgBin;
  const owner = serverOwner();
  const dir = mkdtempSync(path.join(tmpdir(), 'vermist-postgres-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const run = (tool: string, args: string[]) => runTool(owner, dir, path.join(bin, tool), args);
  const cleanUp = async () => {
    try {
      if (existsSync(path.join(data, 'postmaster.pid'))) {
        await run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_S)]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    await run('initdb', [
      ...['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C'],
      // Nothing here has to survive a crash, so skip every fsync, here and in the server below.
      '--no-sync',
    ]);
    appendFileSync(
      path.join(data, 'postgresql.conf'),
      [
        '',
        "listen_addresses = '127.0.0.1'",
        // A private socket dir: the system one (/var/run/postgresql) may be absent or not ours.
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    const port = await listen(run, data, log);
    await createDatabase(port);
    let stopped: Promise<void> | undefined;
    const url = `postgres://postgres@127.0.0.1:${port}/vermist`;
    return {
      url,
      createDatabase: () => createSpecDatabase(url),
      stop: () => (stopped ??= cleanUp()),
    };
  } catch (error) {
    const serverLog = existsSync(log) ? readFileSync(log, 'utf8') : '(no server log)';
    await cleanUp().catch(() => undefined);
    throw new Error(`PostgreSQL did not start: ${message(error)}\n--- server log ---\n${serverLog}`, {
      cause: error,
    });
  }
}

const START_TIMEOUT_S = 90;
const STOP_TIMEOUT_S = 60;
const PORT_ATTEMPTS = 3;

type Owner = { uid: number; gid: number; wrap: (file: string, args: string[]) => [string, string[]] };
type Run = (tool: string, args: string[]) => Promise<void>;

/** PostgreSQL refuses to run as root, so as root the server runs as Debian's `postgres` system user. */
function serverOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let uid: number, gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  } catch {
    throw new Error("running as root but there is no 'postgres' user: install Debian's postgresql package");
  }
  const wrap: Owner['wrap'] = hasCommand('runuser')
    ? (file, args) => ['runuser', ['-u', 'postgres', '--', file, ...args]]
    : (file, args) => ['su', ['postgres', '-s', '/bin/sh', '-c', [file, ...args].map(shellQuote).join(' ')]];
  return { uid, gid, wrap };
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

async function runTool(owner: Owner | undefined, cwd: string, file: string, args: string[]): Promise<void> {
  const [command, argv] = owner ? owner.wrap(file, args) : [file, args];
  try {
    // cwd is the temp dir because the postgres user may not be allowed into ours.
    await promisify(execFile)(command, argv, { cwd, timeout: (START_TIMEOUT_S + 30) * 1000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(file)} failed: ${[stderr, stdout].filter(Boolean).join('\n').trim()}`, {
      cause: error,
    });
  }
}

/** Starts the server on a free port; another process can take that port first, so it retries on a clash. */
async function listen(run: Run, data: string, log: string): Promise<number> {
  // -w waits until the postmaster reports itself ready to accept connections.
  const start = ['start', '-D', data, '-l', log, '-w', '-t', String(START_TIMEOUT_S)];
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const logged = logLength(log);
    try {
      await run('pg_ctl', [...start, '-o', `-p ${port}`]);
      return port;
    } catch (error) {
      const clash =
        existsSync(log) && readFileSync(log, 'utf8').slice(logged).includes('Address already in use');
      if (!clash || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

/** Creates `vermist`, retrying while the server still turns connections away just after start-up. */
async function createDatabase(port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_S * 1000;
  for (;;) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      await client.query('create database vermist');
      return;
    } catch (error) {
      // 57P03: "the database system is starting up"; anything else will not get better by waiting.
      const { code } = error as { code?: string };
      if (!(code === '57P03' || code === 'ECONNREFUSED') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function logLength(log: string): number {
  return existsSync(log) ? readFileSync(log, 'utf8').length : 0;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function createSpecDatabase(serverUrl: string): Promise<string> {
  const name = `spec_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
