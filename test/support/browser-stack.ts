import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

const ROOT = path.join(__dirname, '../..');
const START_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 20_000;
const OUTPUT_KEPT = 200;

/** One `npm start` of its own: Temporal dev server, worker, API and PGlite, on free ports and a temp data dir. */
export type Stack = {
  /** Where the API serves the web app, e.g. `http://127.0.0.1:41234`. */
  url: string;
  dataDir: string;
  /** The launcher's last lines of output, for a failure message. */
  output(): string;
  /** Stops the whole process group (the dev server too), checks nothing is left and deletes the data dir. */
  stop(): Promise<void>;
};

/**
 * Starts `node --import tsx bin/dev.ts` as `npm start` does, and waits until it answers `/healthz`.
 * Stacks start one at a time: the launcher rebuilds web/dist when the app's sources changed, and two builds
 * into the same folder at once would delete each other's files.
 */
export async function startStack(
  /** The Temporal CLI; by default the one the suite's toolchain setup found. A benchmark passes its own. */
  temporalCli?: string,
): Promise<Stack> {
  // Imported here, not at the top: a benchmark runs this outside vitest, where vitest cannot be loaded.
  const cli = temporalCli ?? (await import('vitest')).inject('toolchain').temporalCli;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vermist-stack-'));
  const [port, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const output = () => lines.join('\n');

  const release = await acquireLock(BUILD_LOCK);
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ['-e', GUARD, String(process.pid), 'bin/dev.ts', dataDir], {
      cwd: ROOT,
      env: {
        ...launcherEnv(),
        PORT: String(port),
        TEMPORAL_DEV_PORT: String(devPort),
        TEMPORAL_UI_PORT: String(uiPort),
        TEMPORAL_CLI: cli,
        VERMIST_DATA_DIR: dataDir,
        VERMIST_API_METRICS_ADDRESS: 'off',
        VERMIST_WORKER_METRICS_ADDRESS: 'off',
        VERMIST_PUBLIC_URL: url,
        LOG_LEVEL: 'warn',
      },
      // Its own process group, so stopping it reaches the Temporal dev server it starts as well; and
      // signals meant for the test process (Ctrl-C) do not reach it: the guard stops it then.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
      lines.splice(0, Math.max(0, lines.length - OUTPUT_KEPT));
      if (process.env.VERMIST_STACK_LOG === '1') process.stderr.write(chunk);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await waitForHealth(url, child, output);
  } catch (error) {
    // The error that stopped the start is the one to see, not what stopping then finds.
    if (child?.pid) await stopGroup(child, devPort).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    release();
  }

  const running = child;
  const group = running.pid!;
  // Should the test process die without its teardown, the stack must not outlive it.
  const onExit = () => killGroup(group, 'SIGKILL');
  process.once('exit', onExit);
  let stopped: Promise<void> | undefined;
  return {
    url,
    dataDir,
    output,
    stop: () =>
      (stopped ??= (async () => {
        process.removeListener('exit', onExit);
        try {
          await stopGroup(running, devPort);
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      })()),
  };
}

/**
 * The launcher's parent in the stack's process group (argv: the test process's pid, the script, the data
 * dir). It runs `node --import tsx <script>` and exits as it does. Should the test process die without
 * stopping the stack (a worker killed, Ctrl-C), it stops the group itself: SIGTERM, and after 15 s the data
 * dir goes and SIGKILL takes what is left.
 */
const GUARD = `
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const [owner, script, dataDir] = process.argv.slice(1);
const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' });
// The group's SIGTERM is for the launcher; this one leaves when it has.
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
const alive = () => { try { process.kill(Number(owner), 0); return true; } catch { return false; } };
const end = () => {
  rmSync(dataDir, { recursive: true, force: true });
  process.kill(-process.pid, 'SIGKILL');
};
let orphaned = false;
const orphan = () => {
  if (orphaned) return;
  orphaned = true;
  try { process.kill(-process.pid, 'SIGTERM'); } catch {}
  // Whatever of the group ignores SIGTERM goes after a while, this guard with it, and the data with them.
  setTimeout(end, 15000);
};
child.on('exit', (code, signal) => {
  if (!alive()) orphan();
  else if (!orphaned) process.exit(code ?? (signal ? 1 : 0));
});
setInterval(() => alive() || orphan(), 500);
`;

/** The caller's environment without anything the launcher reads: each stack is configured here alone. */
function launcherEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === 'NODE_ENV' || key.startsWith('VITEST') || key === 'PORT') continue;
    if (/^(VERMIST_|TEMPORAL_)/.test(key) && key !== 'VERMIST_CACHE_DIR') continue;
    env[key] = value;
  }
  return env;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `npm start (bin/dev.ts) exited with ${child.exitCode ?? child.signalCode}:\n${output()}`,
      );
    }
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(
    `npm start (bin/dev.ts) did not answer ${url}/healthz in ${START_TIMEOUT_MS / 1000} s:\n${output()}`,
  );
}

/**
 * SIGTERM to the whole group, SIGKILL to what is left after a while; then no process of the group, and no
 * Temporal dev server on this stack's port, may remain.
 */
async function stopGroup(child: ChildProcess, devPort: number): Promise<void> {
  const group = child.pid!;
  killGroup(group, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupAlive(group) && Date.now() < deadline) await sleep(100);
  if (groupAlive(group)) {
    killGroup(group, 'SIGKILL');
    await sleep(500);
  }
  const left = devServersOn(devPort);
  if (groupAlive(group) || left.length > 0) {
    throw new Error(`the stack left processes behind: group ${group}, dev servers ${left.join(', ')}`);
  }
}

function killGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // Already gone.
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of `temporal server start-dev … --port <port>` still running (Linux /proc). */
export function devServersOn(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = args.indexOf('--port');
    if (args.includes('start-dev') && at >= 0 && args[at + 1] === String(port)) pids.push(Number(entry));
  }
  return pids;
}

const BUILD_LOCK = path.join(tmpdir(), 'vermist-web-build.lock');

/** A lock across test processes: a directory made atomically, holding its owner's pid; a dead owner's is taken over. */
async function acquireLock(dir: string): Promise<() => void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!ownerAlive(dir)) rmSync(dir, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`waited too long for ${dir}`);
    else await sleep(200);
  }
}

function ownerAlive(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dir, 'pid'), 'utf8'));
  } catch {
    // Made but not yet written: its owner is between two calls, or died there.
    const made = statSync(dir, { throwIfNoEntry: false });
    return made !== undefined && Date.now() - made.mtimeMs < 10_000;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
