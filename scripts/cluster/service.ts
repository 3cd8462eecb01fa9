import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/** How to run one of the cluster's processes: a command in its own process group, its output in a log. */
export type ServiceSpec = {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  log: string;
  /** What asks it to stop cleanly: SIGTERM for most, SIGINT (fast shutdown) for PostgreSQL. */
  stopSignal: 'SIGTERM' | 'SIGINT';
  /** How long a clean stop may take before the whole group gets SIGKILL. */
  stopTimeoutMs: number;
};

/** How long a process must run before its next crash counts as a first one again (Docker's figure). */
const STABLE_AFTER_MS = 10_000;

/**
 * One supervised process. It runs in a process group of its own, so a stop reaches everything it started
 * (PostgreSQL's backends, esbuild under tsx) and Ctrl-C in the launcher's terminal does not. Once
 * `keepRunning()` is on it is restarted after it exits, as `restart: unless-stopped` does in compose.
 */
export class Service {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private restarting = false;
  private restarts = 0;
  /** When the current process was spawned, to tell a crash loop from a crash after a good run. */
  private spawnedAt = 0;

  constructor(
    readonly spec: ServiceSpec,
    private readonly onChange: () => void,
    private readonly say: (line: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** When the current process started (see processStart), to tell it from a later one with its pid. */
  started: string | null = null;

  /** Starts the process; resolves once it is spawned (readiness is the caller's to check). */
  async start(): Promise<void> {
    const fd = openSync(this.spec.log, 'a', 0o600);
    try {
      const child = spawn(this.spec.command, this.spec.args, {
        cwd: this.spec.cwd,
        env: this.spec.env,
        detached: true,
        stdio: ['ignore', fd, fd],
      });
      this.child = child;
      this.spawnedAt = Date.now();
      this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      this.started = child.pid === undefined ? null : (processStart(child.pid) ?? null);
      child.once('exit', (code, signal) => this.onExit(child, code, signal));
    } finally {
      closeSync(fd);
    }
    this.onChange();
  }

  /** From now on an exit is a crash: kill what is left of the group and start it again. */
  keepRunning(): void {
    this.restarting = true;
  }

  /** Resolves when the current process has exited (at once when none runs). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** Asks the group to stop, waits up to the spec's timeout, then kills whatever is left of it. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child?.pid) return;
    signalGroup(child.pid, this.spec.stopSignal);
    const clean = await Promise.race([
      this.exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), this.spec.stopTimeoutMs).unref()),
    ]);
    if (!clean) this.say(`${this.spec.name} did not stop within ${this.spec.stopTimeoutMs} ms: killing it`);
    signalGroup(child.pid, 'SIGKILL');
    await this.exited;
    this.onChange();
  }

  /** The last lines of its log, for an error message. */
  logTail(lines = 30): string {
    return tail(this.spec.log, lines);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    // A child it started may outlive it (a backend, esbuild): the group goes with it.
    if (child.pid) signalGroup(child.pid, 'SIGKILL');
    this.onChange();
    if (this.stopping || !this.restarting) return;
    // As Docker does for `restart:` policies: the delay doubles per crash, and a process that ran for 10 s
    // before it exited starts the count again, so a crash after a good run is restarted at once.
    if (Date.now() - this.spawnedAt >= STABLE_AFTER_MS) this.restarts = 0;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(this.restarts++, 6));
    this.say(`${this.spec.name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
    setTimeout(() => {
      if (this.stopping) return;
      this.start().catch((error: unknown) => this.say(`${this.spec.name} did not restart: ${String(error)}`));
    }, delay);
  }
}

/** Sends `signal` to the process group led by `pid`; a group that is already gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * When the process `pid` started, in clock ticks since boot (/proc/<pid>/stat, field 22); undefined when it
 * is gone or there is no /proc. With the pid it names one process even after the pid is reused.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether `pid` is still the process that started at `start` (any process with that pid, without /proc). */
export function sameProcess(pid: number, start: string | null): boolean {
  if (!alive(pid)) return false;
  const now = processStart(pid);
  return start === null || now === undefined || now === start;
}

/** Whether the process `pid` is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The last `lines` lines of a file, or a note that it does not exist. */
export function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return `(no ${file})`;
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
    .join('\n');
}

/** Polls `check` until it answers something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    const aborted = opts.abort?.();
    if (aborted) throw new Error(`${what}: ${aborted}`);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`${what}: not within ${opts.timeoutMs / 1000} s${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 200));
  }
}
