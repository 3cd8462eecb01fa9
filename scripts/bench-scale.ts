// `npm run bench:scale` (issue 14): Vermist at scale on `npm run cluster` (PostgreSQL, the Temporal server,
// two workers and two API instances behind one address). Files N real cases over HTTP (10,000 unless
// --cases says otherwise), each a running workflow with its timers armed, then holds a measuring window in
// which a share of those timers falls due while police desks and clinics read and Prometheus scrapes:
//   worker RSS (goal <= 1 GiB), timer lateness p99 (goal <= 1 s), inbox and case-read p99 (npm run bench's
//   goals), /metrics scrape time and size, history events per case; PostgreSQL, Temporal and API memory for
//   context. Writes scripts/bench-results/scale.json; develop with `npm run bench:scale -- --cases 200`.
//
// Which timers fire: every case's title is a zorgmachtiging. For a --due-share of the cases, spread over the
// whole intake, the title ends at an instant the benchmark chooses, after intake is expected to be over:
// the title ends fall due one after another at --fire-rate a second. Every other title runs ten months on,
// and the policy stretches the acknowledgement deadline to 12 h, so the rest of the ~3 timers a case arms
// stay armed. The title ends go to cases of the second half of the intake; when the first can fall due is
// estimated, halfway, from the rate of the last quarter of the first half (a worker whose memory fills
// slows intake down as it goes). The results say how many fired while cases were still being filed, and
// the window lasts at least --min-window seconds after the intake, whenever the title ends fell due.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { EnvSchema } from '../config/env.schema';
import { machineFacts, ROOT, writeResults } from './bench-system';
import { clusterTokenSigner, startCluster, WORKER_HEAP_MIB, type ClusterHandle } from './cluster';
import { historySizes, readHistory, timerLateness, type HistoryFacts } from './bench-scale/histories';
import { httpClient } from './bench-scale/http';
import { fileCases, type FiledCase, type IntakeRun } from './bench-scale/intake';
import { writeBenchPolicy } from './bench-scale/population';
import { startProcessSampler } from './bench-scale/processes';
import { startReaders, type ReadResults } from './bench-scale/readers';
import { scrapeRounds, startScraper, type ScrapeTarget } from './bench-scale/scrapes';
import { MiB, round, sleep } from './bench-stats';

/** The issue's goals, and `npm run bench`'s for the reads (the issue names the figures, not their bounds). */
const GOALS = {
  workerRssMiB: { max: 1024, source: 'issue 14: worker RSS at most 1 GiB' },
  timerLatenessP99Ms: { max: 1_000, source: 'issue 14: timers firing late, p99 at most 1 s' },
  inboxP99Ms: { max: 200, source: 'npm run bench (scripts/bench.ts GOALS.inboxP99Ms)' },
  caseReadP99Ms: { max: 20, source: 'npm run bench (scripts/bench.ts GOALS.caseReadP99Ms)' },
} as const;
/** Before the first title end: time for the last filings to settle. */
const LEAD_MS = 20_000;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      cases: { type: 'string', default: '10000' },
      clients: { type: 'string', default: '24' },
      'due-share': { type: 'string', default: '0.1' },
      'fire-rate': { type: 'string', default: '2' },
      'read-rate': { type: 'string', default: '20' },
      'scrape-every': { type: 'string', default: '5' },
      settle: { type: 'string', default: '60' },
      'intake-slack': { type: 'string', default: '1.25' },
      'min-window': { type: 'string', default: '180' },
      'history-sample': { type: 'string', default: '200' },
      'intake-minutes': { type: 'string', default: '120' },
      workers: { type: 'string', default: '2' },
      apis: { type: 'string', default: '2' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const number = (flag: keyof typeof values, min: number, max: number) => {
    const n = Number(values[flag]);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${flag} must be ${min}..${max}`);
    return n;
  };
  const level = values['log-level'];
  if (!isLogLevel(level)) throw new Error('--log-level must be debug, info, warn or error');
  return {
    cases: Math.round(number('cases', 20, 1_000_000)),
    clients: Math.round(number('clients', 1, 512)),
    dueShare: number('due-share', 0, 1),
    fireRate: number('fire-rate', 0.01, 1_000),
    readRate: number('read-rate', 0.1, 1_000),
    scrapeEverySeconds: number('scrape-every', 1, 600),
    settleSeconds: number('settle', 0, 3_600),
    intakeSlack: number('intake-slack', 1, 100),
    minWindowSeconds: number('min-window', 10, 24 * 3_600),
    historySample: Math.round(number('history-sample', 0, 1_000_000)),
    intakeMinutes: number('intake-minutes', 1, 24 * 60),
    workers: Math.round(number('workers', 1, 16)),
    apis: Math.round(number('apis', 1, 16)),
    logLevel: level,
  };
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const isLogLevel = (text: string): text is (typeof LOG_LEVELS)[number] =>
  (LOG_LEVELS as readonly string[]).includes(text);

const say = (line: string) => console.log(`bench:scale ${new Date().toISOString().slice(11, 19)}  ${line}`);
const iso = (ms: number) => new Date(ms).toISOString();

/** The commit the cluster ran, and the files that differed from it (other people's work in progress too). */
function gitFacts() {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  try {
    return {
      commit: git('rev-parse', 'HEAD'),
      changedFiles: git('status', '--short').split('\n').filter(Boolean),
    };
  } catch {
    return { commit: 'unknown', changedFiles: [] };
  }
}

/** Warnings and errors in each process's log (the cluster's logs go when a throwaway cluster stops). */
function logFindings(dir: string) {
  const out: Record<string, { warn: number; error: number; examples: string[] }> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
    // JSON logs (Vermist's, Temporal's) by their level; PostgreSQL's by its severity word.
    const warn = lines.filter((l) => /"level":"warn"|\bWARNING: /.test(l));
    const error = lines.filter((l) =>
      /"level":"(error|dpanic|panic|fatal)"|\b(ERROR|FATAL|PANIC): |heap out of memory/.test(l),
    );
    const examples = [...new Set([...error, ...warn].map((l) => l.slice(0, 300)))].slice(0, 5);
    out[file.replace(/\.log$/, '')] = { warn: warn.length, error: error.length, examples };
  }
  return out;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const started = performance.now();
  const loadBefore = os.loadavg();
  const loads: number[] = [];
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0]!), 5_000);
  const git = gitFacts();
  const policy = writeBenchPolicy();
  const run = Date.now().toString(36);
  say(
    `${opts.cases} cases, ${opts.workers} workers, ${opts.apis} APIs; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );

  let cluster: ClusterHandle | undefined;
  try {
    const launched = performance.now();
    cluster = await startCluster({
      policyFile: policy.file,
      workers: opts.workers,
      apis: opts.apis,
      logLevel: opts.logLevel,
    });
    const { state } = cluster;
    const startupSeconds = round((performance.now() - launched) / 1000);
    say(`cluster healthy in ${startupSeconds} s at ${state.base} (data ${state.dataDir})`);
    const handle = cluster;
    const sampler = startProcessSampler(() => handle.current());
    const filed: FiledCase[] = [];
    // A signal ends the run: the log says so and how far it got, and the cluster stops on the way out.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        say(`interrupted by ${signal} after ${filed.length} cases filed; stopping the cluster`);
        void handle.stop().finally(() => process.exit(1));
      });
    }
    const call = httpClient(state.base, await clusterTokenSigner(state.identity));
    const targets: ScrapeTarget[] = [
      ...state.apis.map((a) => ({ name: a.name, kind: 'api' as const, address: a.metrics })),
      ...state.workers.map((w) => ({ name: w.name, kind: 'worker' as const, address: w.metrics })),
      { name: 'temporal', kind: 'temporal', address: state.temporal.metrics },
    ];
    const baselineScrapes = await scrapeRounds(targets, 3, 2_000);

    // Intake: the first half tells how fast cases go in, and so when the first title end can fall due.
    sampler.phase('intake');
    const workersRss = () =>
      state.workers.map((w) => `${w.name} ${sampler.latestRssMiB(w.name)} MiB`).join(', ');
    const progress = (line: string) => say(`${line}; ${workersRss()}`);
    const intakeStarted = Date.now();
    const intakeUntil = intakeStarted + opts.intakeMinutes * 60_000;
    const calibrate = Math.min(opts.cases, Math.max(20, Math.round(opts.cases * 0.5)));
    const first = await fileCases({
      call,
      run,
      from: 0,
      to: calibrate,
      clients: opts.clients,
      titleEndsAt: () => undefined,
      filed,
      progress,
      until: intakeUntil,
    });
    const remaining = opts.cases - calibrate;
    const dueCount = Math.min(remaining, Math.round(opts.cases * opts.dueShare));
    const recent = filed.slice(-Math.max(5, Math.round(filed.length / 4)));
    const recentRate =
      (recent.length - 1) / Math.max(0.001, (recent.at(-1)!.filedAt - recent[0]!.filedAt) / 1000);
    const predictedIntakeEnd = Date.now() + ((remaining / recentRate) * opts.intakeSlack + 1) * 1000;
    const firstDue = predictedIntakeEnd + LEAD_MS;
    const spacingMs = 1000 / opts.fireRate;
    const dueAt = new Map<number, Date>();
    for (let j = 0; j < dueCount; j++) {
      dueAt.set(calibrate + Math.floor((j * remaining) / dueCount), new Date(firstDue + j * spacingMs));
    }
    const lastDue = firstDue + Math.max(0, dueCount - 1) * spacingMs;
    say(
      `${calibrate} filed at ${first.perSecond}/s (${round(recentRate, 2)}/s lately); ${dueCount} title ends from ${iso(firstDue)} to ${iso(lastDue)}, ${opts.fireRate}/s`,
    );
    const rest = await fileCases({
      call,
      run,
      from: calibrate,
      to: opts.cases,
      clients: opts.clients,
      titleEndsAt: (i) => dueAt.get(i),
      filed,
      progress,
      until: intakeUntil,
    });
    const intakeEnded = Date.now();
    const intakeSeconds = (intakeEnded - intakeStarted) / 1000;
    say(
      `filed ${filed.length} cases in ${round(intakeSeconds)} s (${round(filed.length / intakeSeconds, 2)}/s)`,
    );
    if (filed.length < opts.cases)
      say(`intake stopped after ${opts.intakeMinutes} min: ${filed.length} of ${opts.cases} cases filed`);

    // Armed and quiet until the first title end is near, if intake finished early; then the window.
    let quietReads: ReadResults | undefined;
    if (firstDue - LEAD_MS - Date.now() > 10_000) {
      sampler.phase('armed-quiet');
      const readers = startReaders({ call, perSecond: opts.readRate, filed });
      await sleep(firstDue - LEAD_MS - Date.now());
      quietReads = await readers.stop();
    }
    sampler.phase('window');
    const windowStarted = Date.now();
    const readers = startReaders({ call, perSecond: opts.readRate, filed });
    const scraper = startScraper(targets, opts.scrapeEverySeconds * 1000);
    const windowEnds = Math.max(
      lastDue + opts.settleSeconds * 1000,
      windowStarted + opts.minWindowSeconds * 1000,
    );
    while (Date.now() < windowEnds) {
      const due = [...dueAt.values()].filter((d) => d.getTime() <= Date.now()).length;
      say(
        `window: ${due}/${dueCount} title ends due; ${round((windowEnds - Date.now()) / 1000, 0)} s to go; ${workersRss()}`,
      );
      await sleep(Math.min(30_000, windowEnds - Date.now()));
    }
    const reads = await readers.stop();
    const windowScrapes = await scraper.stop();
    const windowEnded = Date.now();
    say(`window over: inbox p99 ${reads.inbox.p99} ms, case read p99 ${reads.caseRead.p99} ms`);

    // What the cluster holds now, from Temporal's visibility and from the records store.
    sampler.phase('histories');
    const connection = await Connection.connect({ address: state.temporal.address });
    const client = new Client({ connection, namespace: state.temporal.namespace });
    const running = await client.workflow.count(
      `WorkflowType = 'caseWorkflow' AND ExecutionStatus = 'Running'`,
    );
    const records = new pg.Pool({ connectionString: state.recordsUrl, max: 2 });
    const scalar = async (text: string) => Number((await records.query<{ n: string }>(text)).rows[0]!.n);
    const store = {
      openCases: await scalar('select count(*) as n from case_records where closed_at is null'),
      openTasks: await scalar('select count(*) as n from case_tasks'),
      escalatedTasks: await scalar('select count(*) as n from case_tasks where escalated_to is not null'),
      accessLogRows: await scalar('select count(*) as n from access_log'),
      feedEntries: await scalar('select count(*) as n from feed_entries'),
      databaseMiB: Object.fromEntries(
        (
          await records.query<{ datname: string; bytes: string }>(
            `select datname, pg_database_size(datname) as bytes from pg_database where datname not like 'template%'`,
          )
        ).rows.map((r) => [r.datname, round(Number(r.bytes) / MiB)]),
      ),
    };
    await records.end();

    // Histories: every case meant to fall due, and an even sample of the others.
    const dueCases = filed.filter((c) => c.titleEndsAt !== undefined);
    const armedCases = filed.filter((c) => c.titleEndsAt === undefined);
    const stride = Math.max(1, Math.floor(armedCases.length / Math.max(1, opts.historySample)));
    const sample = armedCases.filter((_, k) => k % stride === 0).slice(0, opts.historySample);
    const read = (c: FiledCase) =>
      client.workflow
        .getHandle(c.caseId)
        .fetchHistory()
        .then((h) => readHistory(h, c.titleEndsAt === undefined ? undefined : Date.parse(c.titleEndsAt)));
    const dueHistories = await pool(dueCases, 8, read);
    const armedHistories: HistoryFacts[] = await pool(sample, 8, read);
    await connection.close();
    sampler.stop();

    const firings = dueHistories.flatMap((h) => h.firings);
    const inWindow = firings.filter((f) => f.firedAt >= intakeEnded);
    const lateness = timerLateness(firings);
    const logs = logFindings(state.logs);
    const processes = sampler.summary();
    const rssSeries = Object.fromEntries(
      state.processes
        .filter((p) => !p.name.startsWith('postgres'))
        .map((p) => [p.name, sampler.series(p.name)]),
    );
    await cluster.stop();
    cluster = undefined;
    clearInterval(loadTimer);

    const workerNames = state.workers.map((w) => w.name);
    const workerPeak = Math.max(...workerNames.map((n) => processes[n]?.rssMiB.peak ?? NaN));
    const notActed = dueCases.length - firings.filter((f) => f.actedAt !== null).length;
    const apiScrapes = state.apis.map((a) => windowScrapes[a.name]!);
    const goals: GoalResult[] = [
      {
        name: 'openCases',
        description:
          'cases open with a running workflow at the end (Temporal visibility; the records store agrees)',
        value: Number(running.count),
        bound: '>=',
        goal: opts.cases,
        met: Number(running.count) >= opts.cases && store.openCases >= opts.cases,
        source: 'issue 14: 10,000 open cases with armed timers (--cases)',
      },
      goal('workerRssMiB', 'peak RSS of the busiest worker process', workerPeak),
      {
        ...goal(
          'timerLatenessP99Ms',
          'timer lateness p99 over every title end that fell due',
          lateness.latenessMs.p99,
        ),
        ...(notActed > 0 && { met: false, note: `${notActed} due timers were not acted on by the end` }),
      },
      goal('inboxP99Ms', 'GET /v1/tasks p99 during the window', reads.inbox.p99),
      goal('caseReadP99Ms', 'GET /v1/cases/{id} p99 during the window', reads.caseRead.p99),
      {
        name: 'apiMetricsScrapeP99Ms',
        description: "an API's /metrics scrape p99 during the window (it counts open cases in the store)",
        value: Math.max(...apiScrapes.map((s) => s.ms.p99)),
        bound: null,
        goal: null,
        met: null,
        source: 'no goal in issue 14; Prometheus gives up on a scrape after scrape_timeout, 10 s by default',
      },
      {
        name: 'historyEventsPerCase',
        description: 'mean history events of a case with its timers armed, and of one whose title ended',
        value: { armed: historySizes(armedHistories).events, titleEnded: historySizes(dueHistories).events },
        bound: null,
        goal: null,
        met: null,
        source: 'no goal in issue 14; npm run bench targets <= 150 events for a whole lifecycle',
      },
    ];

    const results = {
      command: `npm run bench:scale -- ${process.argv.slice(2).join(' ')}`.trim(),
      totalSeconds: round((performance.now() - started) / 1000),
      machine: {
        ...machineFacts(),
        // Other people's tests and clusters share this machine: a load above the core count means the
        // figures below are pessimistic.
        loadAverageBefore: loadBefore.map((l) => round(l, 2)),
        loadAverageAfter: os.loadavg().map((l) => round(l, 2)),
        loadAverage1mDuringRun: {
          mean: round(loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length), 2),
          max: round(Math.max(0, ...loads), 2),
        },
      },
      goals,
      setup: {
        cluster: `npm run cluster's shape via startCluster(): PostgreSQL 15, Temporal server v1.29.1 on it, ${opts.workers} workers, ${opts.apis} API instances behind one round-robin proxy, LOG_LEVEL ${opts.logLevel}, all on loopback`,
        options: opts,
        policy: {
          version: policy.version,
          changes:
            'shipped config/policy.json with internalSearch.within and acknowledge.urgent/ordinary at 12h, so only the scheduled title ends fall due',
        },
        population:
          'cases round-robin over 10 regions x 3 clinics, filed by 2 clinicians per clinic; 1 in 3 also missing (3 threshold timers); every title a zorgmachtiging',
        readers:
          'open loop at --read-rate: half GET /v1/tasks (desks of all regions with 10 filters, 1 in 5 by clinicians), half GET /v1/cases/{id} (desk of the case region, 1 in 4 by its clinician)',
        scrapes: `each API, worker and the Temporal server in turn every ${opts.scrapeEverySeconds} s`,
        startupSeconds,
        git,
      },
      phases: {
        intakeStartedAt: iso(intakeStarted),
        intakeEndedAt: iso(intakeEnded),
        windowStartedAt: iso(windowStarted),
        windowEndedAt: iso(windowEnded),
        intakeSeconds: round(intakeSeconds),
        windowSeconds: round((windowEnded - windowStarted) / 1000),
      },
      intake: { firstHalf: first, secondHalf: rest, overall: intakeOverall(first, rest, intakeSeconds) },
      openCases: {
        filed: filed.length,
        temporalRunning: Number(running.count),
        recordsStore: store,
        apiGauge: apiScrapes.at(-1)?.lastFacts.openCases ?? null,
        armedTimers: {
          perCase: historySizes(armedHistories).armedTimers,
          // The sample's mean over every case: the other cases were filed the same way.
          estimatedTotal: Math.round(
            historySizes(armedHistories).armedTimers.mean * armedCases.length +
              historySizes(dueHistories).armedTimers.mean * dueCases.length,
          ),
        },
      },
      memory: {
        processes,
        workflowCache: workerNames.map((name) => {
          const cached = windowScrapes[name]?.lastFacts.stickyCacheSize ?? NaN;
          const growth = (processes[name]?.rssMiB.peak ?? NaN) - (processes[name]?.rssMiB.atStart ?? NaN);
          return {
            worker: name,
            restarts: (processes[name]?.pids.length ?? 1) - 1,
            cachedWorkflows: cached,
            forcedEvictions: windowScrapes[name]?.lastFacts.stickyCacheForcedEvictions ?? NaN,
            rssGrowthMiB: growth,
            mibPerCachedWorkflow: round(growth / cached, 2),
          };
        }),
        // The workers run as shipped: WORKER_HEAP_MIB of heap and the cache setting's default.
        heapLimitMiB: WORKER_HEAP_MIB,
        maxCachedWorkflows: EnvSchema.shape.VERMIST_WORKER_MAX_CACHED_WORKFLOWS.parse(undefined),
        rssMiBEvery10s: rssSeries,
      },
      timers: {
        definition:
          'lateness = first WorkflowTaskCompleted after TimerFired - (workflow clock when the timer was started + its duration); parts: arm (task duration before the timer starts), server (TimerFired - TimerStarted - duration), worker (TimerFired to the task completed). See scripts/bench-scale/histories.ts',
        dueCases: dueCases.length,
        plannedFirstDueAt: iso(firstDue),
        plannedLastDueAt: iso(lastDue),
        plannedPerSecond: opts.fireRate,
        plannedFromIntakeRate: round(recentRate, 2),
        firedWhileFiling: firings.length - inWindow.length,
        notActedOn: notActed,
        all: lateness,
        firedInWindow: timerLateness(inWindow),
      },
      reads: { window: reads, ...(quietReads && { armedQuietBeforeWindow: quietReads }) },
      scrapes: { baselineEmpty: baselineScrapes, window: windowScrapes },
      histories: { armedSample: historySizes(armedHistories), titleEnded: historySizes(dueHistories) },
      logs,
    };
    writeResults('scale', results);
    for (const g of goals) {
      const verdict = g.met === null ? 'no goal' : g.met ? 'met' : 'MISSED';
      say(
        `${g.name}: ${JSON.stringify(g.value)}${g.goal === null ? '' : ` (goal ${g.bound} ${g.goal})`} ${verdict}`,
      );
    }
  } finally {
    clearInterval(loadTimer);
    await cluster?.stop();
    rmSync(path.dirname(policy.file), { recursive: true, force: true });
  }
}

/** One figure against its goal; `goal` and `met` are null where the issue sets none. */
type GoalResult = {
  name: string;
  description: string;
  value: unknown;
  /** Whether the value must stay at or below the goal, or reach it. */
  bound: '<=' | '>=' | null;
  goal: number | null;
  met: boolean | null;
  source: string;
  note?: string;
};

function goal(name: keyof typeof GOALS, description: string, value: number): GoalResult {
  const { max, source } = GOALS[name];
  return {
    name,
    description,
    value,
    bound: '<=',
    goal: max,
    met: Number.isFinite(value) && value <= max,
    source,
  };
}

function intakeOverall(first: IntakeRun, rest: IntakeRun, seconds: number) {
  const cases = first.cases + rest.cases;
  return { cases, seconds: round(seconds), perSecond: round(cases / seconds, 2) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
