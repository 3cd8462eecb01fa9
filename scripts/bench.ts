// Vermist against raw Temporal, in one run, on one Temporal CLI dev server, at one concurrency:
//   raw: workflow starts per second, and start + 6 Updates + completion of a trivial workflow per second;
//   Vermist over real HTTP: intake (POST /v1/cases) per second, and full lifecycles (report to debrief) per
//   second; the ratios of the two; inbox and case-read latency with 10,000 open cases in the records store;
//   and how many history events one full lifecycle takes.
// Everything listens on loopback. Usage: npm run bench. Writes scripts/bench-results/bench.json.
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { initialTransition, transition } from 'xstate';
import { createApp } from '../api/app';
import type { Principal } from '../api/auth';
import { createApiMetrics } from '../api/metrics';
import { createLogger } from '../config/log';
import type { CommandEvent, CommandType } from '../machines/case.events';
import { caseMachine } from '../machines/case.machine';
import { caseState, nextView, type CaseView, type TimelineEntry } from '../machines/case.view';
import { resolvePolicy, type PolicyDocument } from '../machines/policy.schema';
import { CaseReportSchema } from '../machines/report.schema';
import type { RecordsStore } from '../records/records.store';
import { exampleBody } from '../test/support/action-examples';
import { testIdentityProvider } from '../test/support/tokens';
import { latency, round, sleep, type Latency } from './bench-stats';
import { BENCH_REGIONS, exampleReport, machineFacts, startBenchSystem, writeResults } from './bench-system';
import type { stepsWorkflow } from './bench.workflows';
import { stepUpdate } from './bench.workflows';

const CLIENTS = 16;
const LIFECYCLE_UPDATES = 6;
const CASE_QUEUE = 'bench-cases';
const RAW_QUEUE = 'bench-raw';
/** Every load phase stops at whichever bound it reaches first. */
const BOUNDS = {
  rawStarts: { ops: 3_000, seconds: 20 },
  rawLifecycles: { ops: 800, seconds: 30 },
  intake: { ops: 1_500, seconds: 30 },
  lifecycles: { ops: 400, seconds: 60 },
  inbox: { ops: 2_000, seconds: 30 },
  reads: { ops: 2_000, seconds: 20 },
} satisfies Record<string, Bounds>;
const GOALS = {
  intakeOverRawStarts: 0.7,
  lifecycleOverRawLifecycle: 0.5,
  inboxP99Ms: 200,
  caseReadP99Ms: 20,
  historyEventsPerLifecycle: 150,
};
/** The open cases the inbox phase stores, and where: 10 regions, the measured desk's holding half. */
const OPEN_CASES = 10_000;
const [DESK_REGION, ...OTHER_REGIONS] = BENCH_REGIONS;
/** The region the throughput cases are filed in, apart from the inbox's. */
const LOAD_REGION = 'bench-nl';

type Bounds = { ops: number; seconds: number };
type Cpu = {
  nodeCores: number;
  serverCores: number;
  mainThreadBusy: number;
  /**
   * Cores each kind of thread of this process used: `main`, `node` (the workflow thread and V8's helpers),
   * `tokio-runtime-w` (the SDK core), and the rest by their names.
   */
  threads: Record<string, number>;
};
type Run = { ops: number; seconds: number; perSecond: number; latencyMs: Latency; cpu: Cpu };

/** The processes this one started (the dev server), found once: threads come and go, it stays. */
let children: string[] | undefined;

/** CPU seconds the dev server has used so far. */
function childCpuSeconds(): number {
  children ??= readdirSync(`/proc/${process.pid}/task`).flatMap((task) => {
    try {
      return readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8')
        .trim()
        .split(' ')
        .filter(Boolean);
    } catch {
      return []; // a thread that ended while we looked
    }
  });
  const tick = 100; // USER_HZ on Linux
  return children.reduce((total, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return total + (Number(fields[11]) + Number(fields[12])) / tick; // utime, stime
  }, 0);
}

/** CPU seconds of this process's threads so far, by thread name (the main thread as `main`). */
function threadCpuSeconds(): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.split(') ')[1]!.split(' ');
      const name =
        tid === String(process.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // a thread that ended while we looked
    }
  }
  return byName;
}

/** Starts measuring CPU: this process (all threads), the dev server, and how busy the main thread is. */
function cpuMeter() {
  const started = performance.now();
  const node = process.cpuUsage();
  const server = childCpuSeconds();
  const loop = performance.eventLoopUtilization();
  const threads = threadCpuSeconds();
  return (): Cpu => {
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(node);
    const byThread: Record<string, number> = {};
    for (const [name, total] of threadCpuSeconds()) {
      const cores = round((total - (threads.get(name) ?? 0)) / seconds, 2);
      if (cores >= 0.01) byThread[name] = cores;
    }
    return {
      threads: byThread,
      nodeCores: round((used.user + used.system) / 1e6 / seconds, 2),
      serverCores: round((childCpuSeconds() - server) / seconds, 2),
      mainThreadBusy: round(performance.eventLoopUtilization(loop).utilization, 2),
    };
  };
}

/** Runs `op` from `clients` concurrent clients until `bounds` is reached; any failure stops the benchmark. */
async function load(bounds: Bounds, op: (i: number) => Promise<void>, clients = CLIENTS): Promise<Run> {
  let next = 0;
  const samples: number[] = [];
  const meter = cpuMeter();
  const started = performance.now();
  const deadline = started + bounds.seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bounds.ops && performance.now() < deadline) {
        const i = next++;
        const t = performance.now();
        await op(i);
        samples.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    ops: samples.length,
    seconds: round(seconds, 2),
    perSecond: round(samples.length / seconds),
    latencyMs: latency(samples),
    cpu: meter(),
  };
}

/** Waits until the worker and the server are idle: work a phase left behind must not count to the next. */
async function settle(maxMs = 60_000): Promise<void> {
  const until = performance.now() + maxMs;
  while (performance.now() < until) {
    const meter = cpuMeter();
    await sleep(500);
    const cpu = meter();
    if (cpu.nodeCores < 0.05 && cpu.serverCores < 0.05) return;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The SDK's latency histograms (sum and count per series), from the worker's Prometheus endpoint. */
async function sdkLatencies(metricsUrl: string): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(metricsUrl)).text();
  const series = new Map<string, { sum: number; count: number }>();
  for (const m of text.matchAll(/^(temporal_\w*latency\w*)_(sum|count)\{([^}]*)\} (\S+)$/gm)) {
    const queue = /task_queue="([^"]*)"/.exec(m[3]!)?.[1] ?? '';
    const type = /(?:activity_type|workflow_type)="([^"]*)"/.exec(m[3]!)?.[1];
    const key = `${m[1]}{${queue}${type ? `,${type}` : ''}}`;
    const entry = series.get(key) ?? { sum: 0, count: 0 };
    entry[m[2] as 'sum' | 'count'] += Number(m[4]);
    series.set(key, entry);
  }
  return series;
}

/** Mean of each SDK latency series over a phase, in the unit the SDK reports (milliseconds). */
function meanLatencies(
  before: Map<string, { sum: number; count: number }>,
  after: Map<string, { sum: number; count: number }>,
): Record<string, { count: number; meanMs: number }> {
  const out: Record<string, { count: number; meanMs: number }> = {};
  for (const [key, { sum, count }] of after) {
    const prior = before.get(key) ?? { sum: 0, count: 0 };
    const n = count - prior.count;
    if (n > 0) out[key] = { count: n, meanMs: round((sum - prior.sum) / n, 2) };
  }
  return out;
}

/** Times every records-store call the worker and the API make, without changing what they do. */
function timeRecords(records: RecordsStore) {
  const timings = new Map<string, number[]>();
  const wrap = <T extends object>(name: string, target: T) => {
    for (const key of Object.keys(target) as (keyof T)[]) {
      const fn = target[key];
      if (typeof fn !== 'function') continue;
      const label = `${name}.${String(key)}`;
      (target as Record<keyof T, unknown>)[key] = async (...args: unknown[]) => {
        const t = performance.now();
        try {
          const call = fn as (...a: unknown[]) => Promise<unknown>;
          return await call.apply(target, args);
        } finally {
          const list = timings.get(label) ?? [];
          list.push(performance.now() - t);
          timings.set(label, list);
        }
      };
    }
  };
  wrap('cases', records.cases);
  wrap('accessLog', records.accessLog);
  wrap('feed', records.feed);
  return {
    /** Per call: how many, mean and p99 in ms, since the last take. */
    take(): Record<string, { calls: number; meanMs: number; p99Ms: number }> {
      const out: Record<string, { calls: number; meanMs: number; p99Ms: number }> = {};
      for (const [label, list] of timings) {
        if (list.length === 0) continue;
        const mean = list.reduce((a, b) => a + b, 0) / list.length;
        out[label] = { calls: list.length, meanMs: round(mean, 2), p99Ms: latency(list).p99 };
      }
      timings.clear();
      return out;
    },
  };
}

/** A report as a clinic files it, for now: reported missing a few minutes ago, legal title running. */
function reportBody(reportId: string, region: string, institutionId: string, now = Date.now()) {
  return {
    ...exampleReport(),
    reportId,
    region,
    institutionId,
    absenceNoticedAt: new Date(now - 10 * 60_000).toISOString(),
    lastSeen: { at: new Date(now - 30 * 60_000).toISOString(), place: 'Tuin, afdeling De Linde' },
    legalTitle: { kind: 'wzd_rechterlijke_machtiging', startsOn: '2026-06-01', endsOn: '2031-06-01' },
  };
}

/**
 * An open case at one of the stages a desk's inbox holds, built as its workflow builds it: the machine's
 * initial transition and then commands, each a pure transition, and the view of the result.
 */
function openCaseView(i: number, policy: PolicyDocument, now: number): CaseView {
  const region = i % 2 === 0 ? DESK_REGION : OTHER_REGIONS[i % OTHER_REGIONS.length]!;
  const institutionId = `ggz-${region.replace(/-nl$/, '')}-${i % 3}`;
  const reported = now - (i % 4_320) * 60_000; // spread over three days: some deadlines long past
  const at = (minutes: number) => new Date(reported + minutes * 60_000).toISOString();
  const report = CaseReportSchema.parse({
    ...reportBody(`fill-${i}`, region, institutionId, reported),
    urgent: i % 7 === 0,
    proposedRisk: (['low', 'medium', 'high'] as const)[i % 3],
    kind: { unauthorisedAbsence: true, missing: i % 5 === 0 },
  });
  const caseId = `case-${institutionId}-fill-${i}`;
  let [snapshot] = initialTransition(caseMachine, {
    caseId,
    reportedAt: at(0),
    report,
    policy: resolvePolicy(policy, region, institutionId),
  });
  const timeline: TimelineEntry[] = [{ type: 'case.reported', at: at(0), by: null }];
  const desk = { id: `desk-${i % 5}`, role: 'police_desk' } as const;
  const step = (type: CommandType, minutes: number, payload: Record<string, unknown> = exampleBody(type)) => {
    const event = { ...payload, type, at: at(minutes), by: desk } as CommandEvent;
    [snapshot] = transition(caseMachine, snapshot, event);
    timeline.push({ type, at: event.at, by: desk });
  };
  const stage = i % 10;
  if (stage === 1 || stage === 2) step('task.claim', 2, { task: 'acknowledge_report' });
  if (stage >= 3) {
    step('police.acknowledge', 15, { ...exampleBody('police.acknowledge'), risk: report.proposedRisk });
    if (stage === 4) step('task.claim', 20, { task: 'review_risk' });
    if (stage === 5) step('case.record_sighting', 60);
  }
  if (stage >= 8) step('case.record_located', 90);
  if (stage === 9)
    step('transport.arrange', 95, {
      mode: 'ambulance',
      pickup: 'Station Assen',
      destination: 'De Linde, GGZ Noord',
    });
  return nextView(caseState(snapshot, report), undefined, { timeline, entries: [], deliveries: [] });
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const metricsPort = await freePort();
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const system = await startBenchSystem(CASE_QUEUE, undefined, {
    metricsBindAddress: `127.0.0.1:${metricsPort}`,
  });
  const { env, records, policy } = system;
  if (childCpuSeconds() === 0 && children?.length === 0)
    console.warn('no dev server process found: its CPU reads 0');
  const timed = timeRecords(records);
  const run = Date.now().toString(36);

  // The baseline: a worker of its own, the default data converter (no payload encryption), no store.
  const rawWorker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: RAW_QUEUE,
    workflowsPath: path.join(__dirname, 'bench.workflows.ts'),
  });
  const rawRunning = rawWorker.run();
  const raw = new Client({ connection: env.connection, namespace: 'default' });

  const idp = await testIdentityProvider();
  const app = createApp({
    cases: system.cases,
    records,
    auth: idp.auth,
    metrics: createApiMetrics(),
    log: createLogger('error'),
    // The benchmark measures the engine: 16 clients of one user would meet the per-user limit at once.
    rateLimits: 'off',
  });
  const server: Server = app.listen(0, '127.0.0.1');
  // The client keeps its connections across the quiet minute of filling the store: so must the server.
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokenFor = async (principal: Principal) => `Bearer ${await idp.sign(principal, { expiresIn: '1h' })}`;
  const clinic = await tokenFor({ sub: 'clinician.bench', role: 'clinic', institutionId: 'ggz-bench' });
  const desk = await tokenFor({ sub: 'desk.bench', role: 'police_desk', region: LOAD_REGION });
  const crew = await tokenFor({ sub: 'rav.bench', role: 'ambulance', region: LOAD_REGION });
  const inboxDesk = await tokenFor({ sub: 'desk-1', role: 'police_desk', region: DESK_REGION });
  let keys = 0;

  async function call(method: string, route: string, token: string, expected: number, body?: unknown) {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        authorization: token,
        'content-type': 'application/json',
        ...(method === 'POST' && { 'idempotency-key': `bench-${run}-${++keys}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  }
  const file = async (reportId: string) =>
    (await call('POST', '/v1/cases', clinic, 201, reportBody(reportId, LOAD_REGION, 'ggz-bench')))
      .caseId as string;
  const act = (token: string, caseId: string, action: string, body: unknown) =>
    call('POST', `/v1/cases/${caseId}/${action}`, token, 200, body);
  async function lifecycle(reportId: string): Promise<string> {
    const caseId = await file(reportId);
    await act(desk, caseId, 'acknowledge', exampleBody('police.acknowledge'));
    await act(desk, caseId, 'located', exampleBody('case.record_located'));
    await act(desk, caseId, 'transport', {
      mode: 'ambulance',
      pickup: 'Station Assen',
      destination: 'De Linde, GGZ Noord',
    });
    await act(crew, caseId, 'tasks/transport_patient/complete', {});
    await act(clinic, caseId, 'tasks/confirm_arrival/complete', {});
    const closed = await act(clinic, caseId, 'tasks/debrief/complete', {
      safeAndWell: true,
      whatHappened: 'took the train to see his sister',
    });
    if (closed.status !== 'closed') throw new Error(`${caseId} ended ${String(closed.status)}`);
    return caseId;
  }
  const rawLifecycle = async (workflowId: string) => {
    const handle = await raw.workflow.start<typeof stepsWorkflow>('stepsWorkflow', {
      taskQueue: RAW_QUEUE,
      workflowId,
      args: [LIFECYCLE_UPDATES],
    });
    for (let u = 0; u < LIFECYCLE_UPDATES; u++) await handle.executeUpdate(stepUpdate);
    await handle.result();
  };

  /** One measured phase: warmed up, settled before, with the SDK's latencies and store calls it caused. */
  async function phase<T extends Run>(name: string, measure: () => Promise<T>) {
    await settle();
    timed.take();
    const before = await sdkLatencies(metricsUrl);
    const result = await measure();
    const sdk = meanLatencies(before, await sdkLatencies(metricsUrl));
    const store = timed.take();
    console.log(
      `${name}: ${result.perSecond}/s (${result.ops} in ${result.seconds} s), p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; cores: node ${result.cpu.nodeCores} ${JSON.stringify(result.cpu.threads)}, server ${result.cpu.serverCores}`,
    );
    return { ...result, sdkLatencies: sdk, recordsStore: store };
  }

  // Warm-up: bundles loaded, caches and JIT warm, connections open. Not measured.
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      await raw.workflow.start('emptyWorkflow', { taskQueue: RAW_QUEUE, workflowId: `warm-${run}-${i}` });
      await rawLifecycle(`warm-steps-${run}-${i}`);
      await lifecycle(`warm-${run}-${i}`);
    }),
  );

  const rawStarts = await phase('raw starts', () =>
    load(BOUNDS.rawStarts, async (i) => {
      await raw.workflow.start('emptyWorkflow', { taskQueue: RAW_QUEUE, workflowId: `raw-${run}-${i}` });
    }),
  );
  const rawLifecycles = await phase('raw lifecycles', () =>
    load(BOUNDS.rawLifecycles, (i) => rawLifecycle(`raw-steps-${run}-${i}`)),
  );
  const intake = await phase('intake', () =>
    load(BOUNDS.intake, async (i) => {
      await file(`intake-${run}-${i}`);
    }),
  );
  const lifecycleCases: string[] = [];
  const lifecycles = await phase('lifecycles', async () => {
    const drainMeter = performance.now();
    const result = await load(BOUNDS.lifecycles, async (i) => {
      lifecycleCases.push(await lifecycle(`lifecycle-${run}-${i}`));
    });
    // The HTTP answer comes before the workflow has made its last announcements: count those in too.
    await Promise.all(lifecycleCases.map((id) => env.client.workflow.getHandle(id).result()));
    const drainedSeconds = (performance.now() - drainMeter) / 1000;
    return {
      ...result,
      drainedSeconds: round(drainedSeconds, 2),
      perSecondDrained: round(result.ops / drainedSeconds),
    };
  });

  const { EventType } = temporal.api.enums.v1;
  const history = await env.client.workflow.getHandle(lifecycleCases[0]!).fetchHistory();
  const eventsByType: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const type = EventType[event.eventType ?? 0] ?? String(event.eventType);
    const name = type.replace(/^EVENT_TYPE_/, '');
    eventsByType[name] = (eventsByType[name] ?? 0) + 1;
  }
  const historyEvents = history.events?.length ?? 0;
  console.log(`history events per lifecycle: ${historyEvents}`);

  // The inbox: open cases written straight into the store, as their workflows would have written them.
  await settle();
  const now = Date.now();
  const fillStarted = performance.now();
  const byStatus: Record<string, number> = {};
  const deskCases: string[] = [];
  for (let i = 0; i < OPEN_CASES; i++) {
    const view = openCaseView(i, policy, now);
    byStatus[view.status] = (byStatus[view.status] ?? 0) + 1;
    if (view.region === DESK_REGION) deskCases.push(view.caseId);
    await records.cases.save(1, view);
  }
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  console.log(`stored ${OPEN_CASES} open cases in ${round(fillSeconds)} s`);
  timed.take();

  const firstPage = await call('GET', '/v1/tasks', inboxDesk, 200);
  const filters = [
    '',
    `?cursor=${String(firstPage.nextCursor)}`,
    '?state=reported',
    '?state=search_active&risk=high',
    '?overdue=true',
    '?overdue=false&assigned=none',
    '?assigned=me',
    '?task=review_risk&limit=200',
    '?role=police_supervisor',
    '?state=in_transport&risk=low',
  ];
  const inboxSamples = new Map<string, number[]>(filters.map((f) => [f, []]));
  const inboxOnce = async (i: number) => {
    const filter = filters[i % filters.length]!;
    const t = performance.now();
    await call('GET', `/v1/tasks${filter}`, inboxDesk, 200);
    inboxSamples.get(filter)!.push(performance.now() - t);
  };
  const inboxSerial = await phase('inbox, 1 client', () =>
    load({ ops: filters.length * 20, seconds: 30 }, inboxOnce, 1),
  );
  for (const list of inboxSamples.values()) list.length = 0;
  const inbox = await phase('inbox', () => load(BOUNDS.inbox, inboxOnce));
  const inboxByFilter = Object.fromEntries(
    [...inboxSamples].map(([f, list]) => [f || '(none)', latency(list)]),
  );

  const readOnce = async (i: number) => {
    await call('GET', `/v1/cases/${deskCases[(i * 7919) % deskCases.length]!}`, inboxDesk, 200);
  };
  const readsSerial = await phase('case reads, 1 client', () => load({ ops: 300, seconds: 20 }, readOnce, 1));
  const reads = await phase('case reads', () => load(BOUNDS.reads, readOnce));

  server.close();
  rawWorker.shutdown();
  await rawRunning;
  await system.stop();

  const ratio = (a: number, b: number) => round(a / b, 2);
  const results = {
    command: 'npm run bench',
    totalSeconds: round((performance.now() - started) / 1000),
    setup: {
      temporal: 'Temporal CLI dev server (in-memory SQLite), loopback',
      clients: CLIENTS,
      lifecycleUpdates: LIFECYCLE_UPDATES,
      bounds: BOUNDS,
      vermist:
        'one process: Express API on 127.0.0.1, case worker, records store in a PGlite directory, shipped policy, no contacts (deliveries withheld, feeds written)',
      raw: 'same process and server: a worker on its own task queue, default data converter, trivial workflows in scripts/bench.workflows.ts',
    },
    machine: {
      ...machineFacts(),
      // The machine may be shared: a load average above the cores means the numbers below are pessimistic.
      loadAverage1mBefore: round(loadBefore[0]!, 2),
      loadAverage1mAfter: round(os.loadavg()[0]!, 2),
    },
    goals: GOALS,
    ratios: {
      intakeOverRawStarts: ratio(intake.perSecond, rawStarts.perSecond),
      lifecycleOverRawLifecycle: ratio(lifecycles.perSecond, rawLifecycles.perSecond),
      lifecycleDrainedOverRawLifecycle: ratio(lifecycles.perSecondDrained, rawLifecycles.perSecond),
    },
    raw: { starts: rawStarts, lifecycles: rawLifecycles },
    vermist: { intake, lifecycles },
    history: { eventsPerLifecycle: historyEvents, byType: eventsByType },
    inbox: {
      openCases: OPEN_CASES,
      inDeskRegion: deskCases.length,
      byStatus,
      fillSeconds: round(fillSeconds),
      serial: inboxSerial,
      concurrent: inbox,
      byFilter: inboxByFilter,
    },
    caseReads: { serial: readsSerial, concurrent: reads },
  };
  writeResults('bench', results);
  console.log(
    [
      '',
      `intake ${intake.perSecond}/s vs raw starts ${rawStarts.perSecond}/s: ${results.ratios.intakeOverRawStarts} (goal >= ${GOALS.intakeOverRawStarts})`,
      `lifecycles ${lifecycles.perSecond}/s (${lifecycles.perSecondDrained}/s drained) vs raw ${rawLifecycles.perSecond}/s: ${results.ratios.lifecycleOverRawLifecycle} (goal >= ${GOALS.lifecycleOverRawLifecycle})`,
      `inbox p99 ${inbox.latencyMs.p99} ms at ${CLIENTS} clients, ${inboxSerial.latencyMs.p99} ms alone (goal <= ${GOALS.inboxP99Ms})`,
      `case read p99 ${reads.latencyMs.p99} ms at ${CLIENTS} clients, ${readsSerial.latencyMs.p99} ms alone (goal <= ${GOALS.caseReadP99Ms})`,
      `history events per lifecycle ${historyEvents} (target <= ${GOALS.historyEventsPerLifecycle})`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
