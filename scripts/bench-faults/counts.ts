import type { Client } from '@temporalio/client';
import type { Principal } from '../../api/auth';
import type { CaseView } from '../../machines/case.view';
import type { DeliveryRecord } from '../../machines/notification.schema';
import type { BenchCase } from './cases';
import type { RetryingClient } from './client';
import type { PartyEndpoints } from './setup';
import { countBy, Limiter } from './stats';
import type { Execution } from './history';

/**
 * A count the issue sets a goal for, as the results file states it; `cases` names every case it counts
 * (for the diagnosis, left out of the file).
 */
export type Goal = {
  value: number;
  goal: number;
  met: boolean;
  definition: string;
  examples?: string[];
  cases?: string[];
};

/** Each example names its case first: `<caseId>…` or `<channel> ntf.<caseId>.…`. */
const goal = (value: number, definition: string, examples: string[] = []): Goal => ({
  value,
  goal: 0,
  met: value === 0,
  definition,
  ...(examples.length > 0 && { examples: examples.slice(0, 10) }),
  cases: [...new Set(examples.map((e) => /case-[^\s.:]+/.exec(e)?.[0] ?? e))],
});

const path = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}`;

/** Every case as its clinic reads it at the end (the clinic's view is the whole record), or why not. */
export async function readCases(
  client: RetryingClient,
  cases: BenchCase[],
  limiter: Limiter,
): Promise<Map<string, CaseView | string>> {
  const views = new Map<string, CaseView | string>();
  await Promise.all(
    cases.map((c) =>
      limiter.run(async () => {
        const read = await client.send({ method: 'GET', path: path(c.caseId), as: c.clinic }).catch(String);
        if (typeof read === 'string') views.set(c.caseId, read);
        else if (read.answer.status !== 200) views.set(c.caseId, `GET answered ${read.answer.status}`);
        else views.set(c.caseId, read.answer.body as CaseView);
      }),
    ),
  );
  return views;
}

/** Every run of every case workflow, from Temporal's visibility store. */
export async function listExecutions(client: Client): Promise<Execution[]> {
  const executions: Execution[] = [];
  for await (const info of client.workflow.list({ query: "WorkflowType = 'caseWorkflow'" })) {
    executions.push({ workflowId: info.workflowId, runId: info.runId, status: info.status.name });
  }
  return executions;
}

/**
 * Lost: a case its clinic was told exists that does not end closed, or cannot be read. Split by whether
 * its clients had every step answered (then nothing explains it but the engine) or not (a step went
 * unanswered before the run's deadline, or was refused).
 */
export function lost(
  cases: BenchCase[],
  views: Map<string, CaseView | string>,
): Goal & { everyStepAnswered: number; aStepUnanswered: number } {
  const missing = cases.flatMap((c) => {
    if (!c.accepted) return [];
    const view = views.get(c.caseId);
    const why =
      typeof view !== 'object' ? `unreadable (${view})` : view.status === 'closed' ? null : view.status;
    if (why === null) return [];
    const debriefed = c.actions.some((a) => a.step === 'debrief' && (a.outcome?.answer.status ?? 0) === 200);
    return [
      { line: `${c.caseId}: ${why}${debriefed ? ', though its debrief was answered 200' : ''}`, debriefed },
    ];
  });
  return {
    ...goal(
      missing.length,
      'cases answered 201 (or 200 to a retry of an unanswered filing) that do not end closed, or that GET /v1/cases/{id} cannot read',
      missing.map((m) => m.line),
    ),
    everyStepAnswered: missing.filter((m) => m.debriefed).length,
    aStepUnanswered: missing.filter((m) => !m.debriefed).length,
  };
}

/**
 * Duplicated: more than one workflow for one report id (runs chained by continue-as-new are one), a
 * workflow for a report the clients never filed, or more than one record for one report in the store.
 */
export async function duplicated(
  cases: BenchCase[],
  executions: Execution[],
  client: RetryingClient,
  reader: Principal,
): Promise<Goal & { workflows: number; records: number }> {
  const ours = new Set(cases.map((c) => c.caseId));
  const examples: string[] = [];
  const chains = new Map<string, number>();
  for (const e of executions) {
    if (e.status !== 'CONTINUED_AS_NEW') chains.set(e.workflowId, (chains.get(e.workflowId) ?? 0) + 1);
    if (!ours.has(e.workflowId)) examples.push(`workflow ${e.workflowId}: no report of this run`);
  }
  for (const [id, n] of chains) if (n > 1) examples.push(`workflow ${id}: ${n} runs not chained`);
  // The store's own list, page by page: one record per case id, none that no client filed.
  const records = new Map<string, number>();
  for (let cursor: string | null = ''; cursor !== null;) {
    const query = `?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await client.send({ method: 'GET', path: `/v1/cases${query}`, as: reader });
    const body = page.answer.body as { items: { caseId: string }[]; nextCursor: string | null };
    for (const item of body.items) records.set(item.caseId, (records.get(item.caseId) ?? 0) + 1);
    cursor = body.nextCursor;
  }
  for (const [id, n] of records) {
    if (n > 1) examples.push(`record ${id}: listed ${n} times`);
    if (!ours.has(id)) examples.push(`record ${id}: no report of this run`);
  }
  return {
    ...goal(
      examples.length,
      "case workflows per report id in Temporal's visibility (runs chained by continue-as-new count once) and case records per report id in the records store, beyond one each, plus any that no client filed",
      examples,
    ),
    workflows: chains.size,
    records: records.size,
  };
}

/** Applied twice: an action type that the case's timeline holds more often than its clients applied it. */
export function appliedTwice(cases: BenchCase[], views: Map<string, CaseView | string>): Goal {
  const examples: string[] = [];
  for (const c of cases) {
    const view = views.get(c.caseId);
    if (typeof view !== 'object') continue;
    const applied = new Map<string, number>([['case.reported', 1]]);
    for (const a of c.actions) {
      const status = a.outcome?.answer.status ?? 0;
      if (status >= 200 && status < 300) applied.set(a.type, (applied.get(a.type) ?? 0) + 1);
    }
    const seen = new Map<string, number>();
    for (const entry of view.timeline) seen.set(entry.type, (seen.get(entry.type) ?? 0) + 1);
    for (const [type, n] of seen) {
      // The engine's own events (deadlines, failed deliveries) come from no client.
      if (type === 'deadline.passed' || type === 'delivery.failed') continue;
      if (n > (applied.get(type) ?? 0))
        examples.push(`${c.caseId}: ${type} ${n}× in the timeline, applied ${applied.get(type) ?? 0}×`);
    }
  }
  return goal(
    examples.length,
    "(case, action type) pairs whose count in the case's timeline exceeds the number of distinct Idempotency-Keys the clients had answered 2xx for that type",
    examples,
  );
}

/** What the parties' receivers got, against each case's delivery record. */
export async function deliveries(
  cases: BenchCase[],
  views: Map<string, CaseView | string>,
  endpoints: PartyEndpoints,
  client: RetryingClient,
  feedReaders: Principal[],
) {
  const record = new Map<string, DeliveryRecord>();
  for (const view of views.values())
    if (typeof view === 'object') for (const d of view.deliveries) record.set(d.id, d);
  const ours = new Set(cases.map((c) => c.caseId));

  // Arrivals by channel and delivery id, in arrival order (duplicates kept).
  const arrived: Record<'webhook' | 'email' | 'feed', Map<string, number>> = {
    webhook: new Map(),
    email: new Map(),
    feed: new Map(),
  };
  const add = (channel: keyof typeof arrived, id: string) =>
    arrived[channel].set(id, (arrived[channel].get(id) ?? 0) + 1);
  for (const r of endpoints.webhook.requests) add('webhook', r.id);
  for (const m of endpoints.smtp.received) add('email', m.deliveryId || `(no id: ${m.messageId})`);
  for (const reader of feedReaders) {
    for (let after: string | null = ''; after !== null;) {
      const query = `?limit=200${after ? `&after=${after}` : ''}`;
      const page = await client.send({ method: 'GET', path: `/v1/feed${query}`, as: reader });
      const body = page.answer.body as { entries: { id: string }[]; nextCursor: string | null };
      for (const entry of body.entries) add('feed', entry.id);
      after = body.nextCursor;
    }
  }

  const beyond: string[] = [];
  const notSettled: string[] = [];
  const redeliveries: Record<string, number> = {};
  const distinct: Record<string, number> = {};
  for (const [channel, ids] of Object.entries(arrived)) {
    redeliveries[channel] = 0;
    distinct[channel] = ids.size;
    for (const [id, n] of ids) {
      redeliveries[channel] += n - 1;
      const caseId = id.split('.')[1] ?? '';
      const recorded = record.get(id);
      if (!recorded || !ours.has(caseId)) beyond.push(`${channel} ${id}`);
      else if (recorded.status !== 'delivered' && recorded.status !== 'sent')
        notSettled.push(`${channel} ${id}: arrived, recorded ${recorded.status}`);
    }
  }
  const missing = [...record.values()].filter(
    (d) => (d.status === 'delivered' || d.status === 'sent') && !arrived[d.channel].has(d.id),
  );
  const byStatus: Record<string, number> = {};
  for (const d of record.values())
    byStatus[`${d.channel} ${d.status}`] = (byStatus[`${d.channel} ${d.status}`] ?? 0) + 1;
  const webhookAnswers: Record<string, number> = {};
  for (const r of endpoints.webhook.requests) {
    const key = String(r.status ?? 'none');
    webhookAnswers[key] = (webhookAnswers[key] ?? 0) + 1;
  }
  return {
    beyondRecord: goal(
      beyond.length,
      "distinct delivery ids (webhook-id header, X-Vermist-Delivery-Id e-mail header, feed entry id) that reached the parties' receivers and are not in their case's delivery record",
      beyond,
    ),
    recordedButNotReceived: goal(
      missing.length,
      "deliveries the record calls delivered (webhook, feed) or sent (e-mail) that no receiver got; not one of the issue's goals, checked beside it",
      missing.map((d) => `${d.channel} ${d.id}`),
    ),
    redeliveries: {
      ...redeliveries,
      note: 'the same delivery id arriving again (at-least-once delivery: an activity retried after a worker or server fault re-sends with the same id, which receivers de-duplicate on). Legitimate, not beyond the record. The feed stores one row per id, so it cannot show any.',
    },
    distinctArrived: distinct,
    arrivedThoughRecordedOtherwise: { count: notSettled.length, examples: notSettled.slice(0, 10) },
    recordByChannelAndStatus: byStatus,
    webhookAnswers,
    webhookSignaturesRejected: endpoints.webhook.rejected.length,
    smtpConnectionErrors: countBy(endpoints.smtp.connectionErrors),
  };
}
