import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Contact } from '../../activities/contacts.schema';
import type { CaseView } from '../../machines/case.view';
import type { ClusterState } from '../cluster';
import type { BenchCase } from './cases';
import type { RetryingClient } from './client';
import type { deliveries, Goal } from './counts';
import { lostTaskDiagnosis, type WorkerWarnings } from './diagnosis';
import type { Fault } from './faults';
import type { Execution, Histories, timerLateness } from './history';
import { BENCH_DEADLINES } from './setup';
import { countBy, distribution, seconds, type loadAverage } from './stats';

const ROOT = path.join(__dirname, '../..');

/** Everything a run measured, as the results file needs it. */
export type Measured = {
  options: {
    cases: number;
    seed: number;
    concurrency: number;
    rate: number;
    windowS: number;
    workerKills: number;
    workerHeapMiB: number;
    deadlineMin: number;
  };
  argv: string[];
  began: number;
  runId: string;
  cluster: ClusterState;
  contacts: Contact[];
  cases: BenchCase[];
  /** The cases' clients (their retries). */
  client: RetryingClient;
  faults: Fault[];
  faultErrors: string[];
  deadlineHit: number | undefined;
  times: Record<
    'clusterStartedAt' | 'filedAt' | 'faultsDoneAt' | 'endedAt' | 'settledAt' | 'countedAt',
    number
  >;
  goals: Record<string, Goal | (Omit<Goal, 'value'> & { value: number | null })>;
  alsoChecked: Record<string, Goal>;
  executions: Execution[];
  settled: { running: number };
  histories: Histories;
  lateness: ReturnType<typeof timerLateness>;
  warnings: WorkerWarnings;
  delivered: Awaited<ReturnType<typeof deliveries>>;
  views: Map<string, CaseView | string>;
  loadBefore: ReturnType<typeof loadAverage>;
  loadAfter: ReturnType<typeof loadAverage>;
};

/** The results file: the command, the setup, each fault, every count against its goal, and what explains a miss. */
export function resultsOf(m: Measured) {
  const { options, times, cases, client, faults, delivered } = m;
  const sent = cases.flatMap((c) => [...(c.filing ? [c.filing] : []), ...c.actions]);
  return {
    benchmark: 'bench:faults (issue 14, item 3)',
    command: ['npm run bench:faults', ...(m.argv.length > 0 ? ['--', ...m.argv] : [])].join(' '),
    setup: {
      source: sourceTree(),
      cases: options.cases,
      seed: options.seed,
      runId: m.runId,
      cluster: {
        shape:
          'npm run cluster: PostgreSQL 15 (Debian), Temporal server v1.29.1 on it, 2 case workers, 2 API instances behind a round-robin proxy that retries nothing',
        healthyAfterS: seconds(m.cluster.healthyAfterMs ?? 0),
        workers: m.cluster.workers.map((w) => w.name),
        apis: m.cluster.apis.map((a) => a.name),
      },
      policy: {
        version: 'bench-faults-1',
        note: 'config/policy.json with these deadlines cut to seconds or minutes; the notification matrix as shipped',
        deadlines: BENCH_DEADLINES,
      },
      parties: {
        receivers:
          'test/support/webhook-receiver.ts (Standard Webhooks, verifies signatures) and an SMTP sink (scripts/bench-faults/smtp-sink.ts, the smtp-server package), on loopback',
        contacts: m.contacts.map((c) => ({
          party: c.party,
          channels: [...(c.webhook ? ['webhook'] : []), ...(c.email ? ['email'] : [])],
        })),
      },
      lifecycle:
        'clinic files (urgent 30 %, proposed risk = police grade, drawn); then at two sorted uniform times in the faults window police acknowledge and record the person located; after the faults the clinic confirms the return and completes the debrief (safe and well), which closes the case. Deadlines these steps miss (risk review, arranging transport) fire as escalations. Eight seconds before the Temporal SIGKILL and the PostgreSQL restart, police record a risk review on up to 60 searching cases with the next review due 0.1–2 s (Temporal) or 0.1–1 s (PostgreSQL) after the signal, so timers fall due inside those short outages too',
      clients: {
        filingConcurrency: 16,
        concurrency: options.concurrency,
        requestsPerSecondAtMost: options.rate,
        people: '8 clinic users and 8 police desk users, so no one user nears the per-user rate limit',
        retry:
          'network error, 5xx or 429: the same request with the same Idempotency-Key after 250 ms doubling to 5 s (jittered), until answered; an attempt unanswered after 120 s is abandoned and retried; given up after 600 s',
      },
      faultsWindowS: options.windowS,
      workerKills: options.workerKills,
      workerHeapMiB: options.workerHeapMiB,
      loadAverage: { before: m.loadBefore, after: m.loadAfter },
    },
    deadline: {
      minutes: options.deadlineMin,
      hit: m.deadlineHit !== undefined,
      ...(m.deadlineHit !== undefined && {
        hitAtS: seconds(m.deadlineHit - m.began),
        note: 'the clients stopped sending at the deadline; cases not closed by then count as lost (see goals.casesLost.aStepUnanswered)',
      }),
    },
    phases: {
      clusterStartS: seconds(times.clusterStartedAt - m.began),
      intakeS: seconds(times.filedAt - times.clusterStartedAt),
      faultsS: seconds(times.faultsDoneAt - times.filedAt),
      toTheEndS: seconds(times.endedAt - times.faultsDoneAt),
      workflowsCompleteS: seconds(times.settledAt - times.endedAt),
      countingS: seconds(times.countedAt - times.settledAt),
    },
    faults,
    faultErrors: m.faultErrors,
    goals: withoutCases(m.goals),
    alsoChecked: withoutCases(m.alsoChecked),
    goalsMet: Object.values(m.goals).every((g) => g.met),
    clients: {
      requests: sent.length,
      attempts: sent.reduce((n, s) => n + (s.outcome?.attempts ?? 0), 0),
      answeredByStatus: countBy(sent.map((s) => String(s.outcome?.answer.status ?? 'unanswered'))),
      retriesByCause: countBy(client.retries.map((r) => r.cause)),
      retriesDuringEachFault: faults.map((f) => ({
        kind: f.kind,
        target: f.target,
        retries: client.retries.filter(
          (r) => r.at >= Date.parse(f.at) && r.at <= Date.parse(f.backServingAt) + 5_000,
        ).length,
      })),
      givenUp: client.givenUp.length,
      casesFiled: cases.filter((c) => c.accepted).length,
      surprises: cases.flatMap((c) => c.surprises.map((s) => `${c.caseId}: ${s}`)).slice(0, 20),
    },
    workflows: {
      runs: m.executions.length,
      byStatus: countBy(m.executions.map((e) => e.status)),
      stillRunningAfterWait: m.settled.running,
      historyEventsPerRun: distribution(m.histories.eventsPerRun),
    },
    deliveries: {
      distinctArrived: delivered.distinctArrived,
      redeliveries: delivered.redeliveries,
      arrivedThoughRecordedOtherwise: delivered.arrivedThoughRecordedOtherwise,
      recordByChannelAndStatus: delivered.recordByChannelAndStatus,
      webhookAnswers: delivered.webhookAnswers,
      webhookSignaturesRejected: delivered.webhookSignaturesRejected,
      smtpConnectionErrors: delivered.smtpConnectionErrors,
    },
    timers: { ...m.lateness, escalationsOnRecord: escalations(m.views) },
    workflowTasksThrownAway: lostTaskDiagnosis(m.histories.lostTasks, m.warnings, faults, {
      ...(m.goals as Record<string, Goal>),
      ...m.alsoChecked,
    }),
    totalSeconds: seconds(Date.now() - m.began),
  };
}

/** The commit the cluster ran, and the files changed in the working tree beside it (others' work too). */
function sourceTree(): { commit: string; uncommitted: string[] } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  try {
    const changed = git('status', '--porcelain').split('\n').filter(Boolean);
    return { commit: git('rev-parse', 'HEAD'), uncommitted: changed.map((line) => line.slice(3)) };
  } catch {
    return { commit: 'unknown', uncommitted: [] };
  }
}

/** The results file names examples, not every case a count covers. */
function withoutCases<T extends Record<string, object>>(goals: T): T {
  return Object.fromEntries(
    Object.entries(goals).map(([name, { cases: _cases, ...rest }]: [string, { cases?: unknown }]) => [
      name,
      rest,
    ]),
  ) as T;
}

/** The escalations on the cases' records, by reason. */
function escalations(views: Map<string, CaseView | string>): Record<string, number> {
  return countBy(
    [...views.values()].flatMap((view) =>
      typeof view === 'object' ? view.escalations.map((e) => e.reason) : [],
    ),
  );
}
