// A 30-day missing-person case with a high-risk review every 2 hours, on the real dev server, with the
// shipped policy's clock scaled so that an hour lasts a second (30 days take 12 minutes). Measures how long
// each run's history gets: continue-as-new must keep every run bounded however long a case lasts.
// Usage: npx tsx scripts/bench-long-case.ts [days, default 30]. Writes scripts/bench-results/long-case.json.
import { temporal } from '@temporalio/proto';
import type { PolicyDocument } from '../machines/policy.schema';
import { CaseReportSchema } from '../machines/report.schema';
import { exampleReport, shippedPolicy, startBenchSystem, writeResults } from './bench-system';

const TASK_QUEUE = 'bench-long-case';
const { History } = temporal.api.history.v1;
const HOUR_LASTS_MS = 1_000;
const SCALE = 3_600_000 / HOUR_LASTS_MS;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The shipped policy with every duration divided by SCALE. */
function scaled(document: PolicyDocument): PolicyDocument {
  const defaults = Object.fromEntries(
    Object.entries(document.defaults).map(([name, section]) => [
      name,
      Object.fromEntries(
        Object.entries(section as Record<string, unknown>).map(([key, value]) => [
          key,
          typeof value === 'number' ? Math.max(1, Math.round(value / SCALE)) : value,
        ]),
      ),
    ]),
  ) as PolicyDocument['defaults'];
  return { ...document, version: `${document.version}-scaled-1h=${HOUR_LASTS_MS}ms`, defaults };
}

async function main(): Promise<void> {
  const days = Number(process.argv[2] ?? 30);
  const system = await startBenchSystem(TASK_QUEUE, scaled(shippedPolicy()));
  const { env, cases } = system;
  const now = new Date().toISOString();
  const report = CaseReportSchema.parse({
    ...exampleReport(),
    reportId: `long-case-${Date.now()}`,
    kind: { unauthorisedAbsence: true, missing: true },
    absenceNoticedAt: now,
    lastSeen: { at: now, place: 'Tuin, afdeling De Linde' },
    legalTitle: { kind: 'wzd_rechterlijke_machtiging', startsOn: '2026-06-01', endsOn: '2031-06-01' },
  });
  const { view } = await cases.file(report);
  const caseId = view.caseId;
  const by = { id: 'bench-desk', role: 'police_desk' } as const;
  const firstRun = (await env.client.workflow.getHandle(caseId).describe()).runId;
  const start = Date.now();
  await cases.command(caseId, 'police.acknowledge', {
    commandId: `${caseId}-ack`,
    by,
    risk: 'high',
    urgent: true,
    knownFacts: 'left via the garden',
    source: 'ward nurse',
  });

  // On time, every time: each review lands a little before the previous one falls due.
  const reviews = (days * 24) / 2;
  for (let i = 1; i <= reviews; i++) {
    await sleep(start + i * 2 * HOUR_LASTS_MS - 150 - Date.now());
    await cases.command(caseId, 'police.review_risk', {
      commandId: `${caseId}-review-${i}`,
      by,
      risk: 'high',
      urgent: true,
      knownFacts: `review ${i}: no news`,
      source: 'desk',
      nextReviewAt: new Date(Date.now() + 2 * HOUR_LASTS_MS).toISOString(),
    });
    if (i % 60 === 0) console.log(`day ${(i * 2) / 24}: ${i} reviews`);
  }
  const open = await cases.get(caseId);
  await cases.command(caseId, 'case.close', { commandId: `${caseId}-close`, by, outcome: 'found_by_family' });

  const runs: { runId: string; events: number; bytes: number }[] = [];
  let runId: string | undefined = firstRun;
  while (runId) {
    const history = await env.client.workflow.getHandle(caseId, runId).fetchHistory();
    runs.push({ runId, events: history.events?.length ?? 0, bytes: History.encode(history).finish().length });
    runId =
      history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId || undefined;
  }
  await system.stop();

  const events = runs.map((r) => r.events);
  const bytes = runs.map((r) => r.bytes);
  writeResults('long-case', {
    case: { days, reviewEveryHours: 2, reviews, hourLastsMs: HOUR_LASTS_MS },
    continueAsNewPast: '5,000 events or 2 MiB of history, or when the server suggests it',
    runs: runs.length,
    eventsPerRun: events,
    maxEventsInARun: Math.max(...events),
    bytesPerRun: bytes,
    maxBytesInARun: Math.max(...bytes),
    totalEvents: events.reduce((a, b) => a + b, 0),
    eventsPerReview: Math.round((events.reduce((a, b) => a + b, 0) / reviews) * 10) / 10,
    beforeClosing: {
      assessments: open.assessments.length,
      escalations: open.escalations.map((e) => e.reason),
      thresholdTasks: open.tasks.map((t) => t.task).filter((t) => t !== 'review_risk'),
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
