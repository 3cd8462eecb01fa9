import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Connection } from '@temporalio/client';
import { grpc, temporal as proto } from '@temporalio/proto';
import type { ClusterHandle } from '../cluster';
import { alive } from '../cluster/service';
import { iso, sleep } from './stats';

export type FaultKind = 'worker-sigkill' | 'temporal-sigkill' | 'postgres-restart' | 'api-sigkill';

/** One fault as it happened: when the signal went, when the process was gone, and when service was back. */
export type Fault = {
  kind: FaultKind;
  target: string;
  signal: 'SIGKILL' | 'SIGINT';
  pid: number;
  /** When the plan put it, in seconds after the faults phase began. */
  plannedAtS: number;
  /** When the signal was sent. */
  at: string;
  /** When the process was seen gone. */
  exitedAt: string;
  /** The process the supervisor started in its place, and when the benchmark first saw it. */
  restartedPid: number | null;
  restartedAt: string | null;
  /** When it served again (see `recovery` for what that means for this kind). */
  backServingAt: string;
  recovery: string;
  downMs: number;
  /** Facts particular to the kind: the worker that kept going, when the workers polled again. */
  detail: Record<string, unknown>;
};

/** A planned fault: which kind, on which process, at what offset of the faults phase. */
export type PlannedFault = { kind: FaultKind; target: string; atMs: number };

/**
 * The faults the issue lists, spread evenly over the faults phase: `workerKills` SIGKILLs alternating
 * between the two workers, and one each of an API SIGKILL (at about a fifth), a Temporal SIGKILL (about
 * halfway) and a PostgreSQL restart (about two thirds).
 */
export function planFaults(workerKills: number, windowMs: number): PlannedFault[] {
  const kinds: { kind: FaultKind; target: string }[] = Array.from({ length: workerKills }, (_, i) => ({
    kind: 'worker-sigkill' as const,
    target: `worker-${(i % 2) + 1}`,
  }));
  const total = workerKills + 3;
  kinds.splice(Math.round(0.2 * (total - 1)), 0, { kind: 'api-sigkill', target: 'api-1' });
  kinds.splice(Math.round(0.45 * (total - 1)), 0, { kind: 'temporal-sigkill', target: 'temporal' });
  kinds.splice(Math.round(0.68 * (total - 1)), 0, { kind: 'postgres-restart', target: 'postgres' });
  return kinds.map((k, i) => ({ ...k, atMs: Math.round(windowMs * (0.06 + (0.84 * i) / (total - 1))) }));
}

const HEALTH_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';

/** What the benchmark asks the cluster to learn whether a part serves, each with a short deadline. */
export class ClusterProbe {
  constructor(
    private readonly cluster: ClusterHandle,
    private readonly connection: Connection,
    private readonly pgIsReady: string,
  ) {}

  /** The pid a process of the cluster has now (null while the supervisor restarts it). */
  pidOf(name: string): number | null {
    const found = this.cluster.current().processes.find((p) => p.name === name);
    if (!found) throw new Error(`the cluster runs no ${name}`);
    return found.pid;
  }

  /** The pids of the workers polling the case task queue now (the SDK's identity is `<pid>@<host>`). */
  async pollingPids(): Promise<Set<number>> {
    const { state } = this.cluster;
    const { pollers } = await this.connection.withDeadline(Date.now() + 2_000, () =>
      this.connection.workflowService.describeTaskQueue({
        namespace: state.temporal.namespace,
        taskQueue: { name: state.temporal.taskQueue },
        taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    return new Set(pollers.map((p) => Number(p.identity?.split('@')[0])));
  }

  /** The frontend says SERVING and the namespace can be described: what `temporal operator cluster health` checks, and more. */
  async temporalServing(): Promise<boolean> {
    const { namespace } = this.cluster.state.temporal;
    return this.connection.withDeadline(Date.now() + 1_000, async () => {
      const health = await this.connection.healthService.check({ service: HEALTH_SERVICE });
      if (health.status !== grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING) return false;
      await this.connection.workflowService.describeNamespace({ namespace });
      return true;
    });
  }

  /** `pg_isready` against the cluster's server. */
  async postgresReady(): Promise<boolean> {
    const port = String(this.cluster.state.postgres.port);
    return promisify(execFile)(this.pgIsReady, ['-h', '127.0.0.1', '-p', port, '-t', '1'], {
      timeout: 3_000,
    }).then(
      () => true,
      () => false,
    );
  }

  /** An API instance answers its /healthz itself, not through the proxy. */
  async apiHealthy(name: string): Promise<boolean> {
    const api = this.cluster.state.apis.find((a) => a.name === name);
    if (!api) throw new Error(`the cluster runs no ${name}`);
    const response = await fetch(`${api.base}/healthz`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  }

  /** Every process runs, both workers poll, Temporal and PostgreSQL serve, and both APIs answer. */
  async healthy(): Promise<boolean> {
    const { processes } = this.cluster.current();
    if (processes.some((p) => p.pid === null || !alive(p.pid))) return false;
    const polling = await this.pollingPids();
    const workers = processes.filter((p) => p.name.startsWith('worker-'));
    if (!workers.every((w) => polling.has(w.pid!))) return false;
    const apis = this.cluster.state.apis.map((a) => a.name);
    const checks = await Promise.all([
      this.temporalServing(),
      this.postgresReady(),
      ...apis.map((name) => this.apiHealthy(name)),
    ]);
    return checks.every(Boolean);
  }
}

/** Polls `check` every `intervalMs` until it is true; answers when (epoch ms). Errors count as false. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 300_000,
  intervalMs = 100,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await Promise.resolve()
      .then(check)
      .catch(() => false);
    if (ok) return Date.now();
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}

/**
 * Injects one fault and waits until its part serves again. The cluster's supervisor restarts whatever
 * exits (Docker's restart policy), so the benchmark only signals and watches.
 */
export async function inject(
  probe: ClusterProbe,
  planned: PlannedFault,
  prepared: Record<string, unknown> = {},
): Promise<Fault> {
  const { kind, target } = planned;
  const pid = probe.pidOf(target);
  if (pid === null) throw new Error(`${target} has no process to signal`);
  const detail: Record<string, unknown> = { ...prepared };
  if (kind === 'worker-sigkill') {
    // The condition: another worker keeps going. Checked right before the kill.
    const other = target === 'worker-1' ? 'worker-2' : 'worker-1';
    const otherPid = probe.pidOf(other);
    const polling = await probe.pollingPids();
    if (otherPid === null || !alive(otherPid) || !polling.has(otherPid)) {
      throw new Error(`${other} is not polling: refusing to kill ${target}`);
    }
    detail.keptGoing = { name: other, pid: otherPid };
  }
  const signal = kind === 'postgres-restart' ? 'SIGINT' : 'SIGKILL';
  const at = Date.now();
  process.kill(pid, signal);
  const exitedAt = await until(`${target} ${pid} exits`, () => !alive(pid), 60_000, 20);
  const restartedAt = await until(`${target} restarted`, () => {
    const now = probe.pidOf(target);
    return now !== null && now !== pid;
  });
  const restartedPid = probe.pidOf(target);
  let backServingAt: number;
  let recovery: string;
  switch (kind) {
    case 'worker-sigkill':
      recovery = 'the restarted worker polls the case task queue (describeTaskQueue lists its pid)';
      backServingAt = await until(`${target} polls again`, async () =>
        (await probe.pollingPids()).has(restartedPid!),
      );
      break;
    case 'api-sigkill':
      recovery = 'the restarted API instance answers GET /healthz on its own port';
      backServingAt = await until(`${target} healthy again`, () => probe.apiHealthy(target));
      break;
    case 'temporal-sigkill':
      recovery = 'the frontend health check says SERVING and DescribeNamespace succeeds';
      backServingAt = await until('Temporal serving again', () => probe.temporalServing());
      detail.workersPollingAgainAt = iso(await workersPolling(probe));
      break;
    case 'postgres-restart':
      recovery = 'pg_isready accepts connections again';
      backServingAt = await until('PostgreSQL ready again', () => probe.postgresReady());
      detail.temporalServingAt = iso(await until('Temporal serving', () => probe.temporalServing()));
      detail.workersPollingAgainAt = iso(await workersPolling(probe));
      break;
  }
  return {
    kind,
    target,
    signal,
    pid,
    plannedAtS: Math.round(planned.atMs / 1000),
    at: iso(at),
    exitedAt: iso(exitedAt),
    restartedPid,
    restartedAt: iso(restartedAt),
    backServingAt: iso(backServingAt),
    recovery,
    downMs: backServingAt - at,
    detail,
  };
}

/** Runs the planned faults in order, each at its time and once the cluster is whole again. */
export async function runFaults(
  probe: ClusterProbe,
  plan: PlannedFault[],
  startedAt: number,
  hooks: {
    /** Runs right before a fault's signal; what it answers goes into the fault's detail. */
    prepare: (planned: PlannedFault) => Promise<Record<string, unknown>>;
    pastDeadline: () => boolean;
    say: (line: string) => void;
  },
): Promise<{ faults: Fault[]; faultErrors: string[] }> {
  const faults: Fault[] = [];
  const faultErrors: string[] = [];
  for (const planned of plan) {
    await sleep(startedAt + planned.atMs - Date.now());
    if (hooks.pastDeadline()) {
      faultErrors.push(`${planned.kind} ${planned.target}: not injected, the run's deadline had passed`);
      continue;
    }
    try {
      await until('the cluster whole again', () => probe.healthy(), 300_000, 250);
      const fault = await inject(probe, planned, await hooks.prepare(planned));
      faults.push(fault);
      hooks.say(
        `${fault.kind} ${fault.target} (pid ${fault.pid}): back serving after ${(fault.downMs / 1000).toFixed(1)} s`,
      );
    } catch (error) {
      faultErrors.push(`${planned.kind} ${planned.target}: ${String(error)}`);
      hooks.say(`${planned.kind} ${planned.target} FAILED: ${String(error)}`);
    }
  }
  return { faults, faultErrors };
}

/** When both workers' current processes are seen polling. */
function workersPolling(probe: ClusterProbe): Promise<number> {
  return until('both workers polling', async () => {
    const polling = await probe.pollingPids();
    return ['worker-1', 'worker-2'].every((name) => {
      const pid = probe.pidOf(name);
      return pid !== null && polling.has(pid);
    });
  });
}
