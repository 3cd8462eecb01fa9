import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities/case.activities';
import { createCaseClient, type CaseClient } from '../../api/case-client';
import { deliveryId } from '../../machines/notification.plan';
import { CaseReportSchema } from '../../machines/report.schema';
import { createCaseWorker } from '../../temporal/worker';
import { aReport, clinician, police, testPolicyDocument } from '../support/fixtures';
import {
  advanceClock,
  bundleCaseWorkflows,
  startTimeSkippingServer,
  testDataConverter,
} from '../support/temporal';
import { PartyReceivers } from '../support/party-receivers';

/** Every payload's data in a history, found wherever the event keeps it. */
function payloadBytes(value: unknown, found: Buffer[] = []): Buffer[] {
  if (value instanceof Uint8Array) return found;
  if (Array.isArray(value)) for (const item of value) payloadBytes(item, found);
  else if (value && typeof value === 'object') {
    const { data, metadata } = value as { data?: unknown; metadata?: unknown };
    if (data instanceof Uint8Array && metadata && typeof metadata === 'object') found.push(Buffer.from(data));
    for (const child of Object.values(value)) payloadBytes(child, found);
  }
  return found;
}

describe('case workflow (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let worker: Worker;
  let running: Promise<void>;
  let cases: CaseClient;
  const parties = new PartyReceivers();
  let reportSeq = 0;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleCaseWorkflows()]);
    await parties.start();
    worker = await createCaseWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: 'case-workflow-test',
      dataConverter: testDataConverter,
      workflowBundle: bundle,
      activities: createActivities(parties.activityDeps()),
    });
    running = worker.run();
    cases = createCaseClient({
      client: env.client,
      taskQueue: 'case-workflow-test',
      policy: testPolicyDocument,
      records: parties.records,
    });
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await parties.stop();
  });

  const fileCase = async (overrides: Parameters<typeof aReport>[0] = {}) => {
    const report = CaseReportSchema.parse(aReport({ reportId: `wf-${++reportSeq}`, ...overrides }));
    return (await cases.file(report)).view;
  };
  const acknowledge = (caseId: string, commandId = `ack-${caseId}`, sentAt?: string) =>
    cases.command(caseId, 'police.acknowledge', {
      commandId,
      ...(sentAt !== undefined && { sentAt }),
      by: police,
      risk: 'high',
      urgent: true,
      knownFacts: 'left through the garden',
      source: 'ward nurse',
    });

  it('escalates to the supervisor when an ordinary report is not acknowledged within 60 minutes', async () => {
    const filed = await fileCase();
    await advanceClock(env, 'case-workflow-test', '59 minutes');
    expect((await cases.get(filed.caseId)).escalations).toEqual([]);
    await advanceClock(env, 'case-workflow-test', '2 minutes');
    const view = await cases.get(filed.caseId);
    expect(view.status).toBe('reported');
    const dueAt = filed.tasks[0]!.dueAt!;
    // Dated when the deadline fell due, not when a worker got to it: the same instant on every attempt.
    expect(view.escalations).toEqual([
      { reason: 'acknowledge_overdue', to: 'police_supervisor', at: dueAt, dueAt },
    ]);
    expect(Date.parse(filed.tasks[0]!.dueAt!) - Date.parse(filed.reportedAt)).toBe(60 * 60_000);
    expect(view.tasks).toEqual([
      expect.objectContaining({ task: 'acknowledge_report', escalatedTo: 'police_supervisor' }),
    ]);
    // Once the supervisor's webhook has settled, what Vermist sent it: the escalation, once, answered 2xx.
    await expect
      .poll(
        async () =>
          (await cases.get(filed.caseId)).deliveries.find(
            (d) => d.event === 'task.escalated' && d.party === 'police_supervisor' && d.channel === 'webhook',
          )?.status,
      )
      .toBe('delivered');
    expect(
      parties.webhook
        .forCase(filed.caseId)
        .filter((r) => r.id.endsWith('.police_supervisor.webhook'))
        .map((r) => `${r.body?.type} ${r.status}`),
    ).toEqual(['task.escalated 204']);
  });

  it('cancels the acknowledge deadline once police acknowledge', async () => {
    const filed = await fileCase({ urgent: true });
    await acknowledge(filed.caseId);
    await advanceClock(env, 'case-workflow-test', '1 hour');
    const view = await cases.get(filed.caseId);
    expect(view.status).toBe('search_active');
    expect(view.tasks.map((t) => t.task)).toEqual(['review_risk']);
    expect(view.escalations).toEqual([]);
  });

  it('runs a case from report to closing and returns the final view', async () => {
    const filed = await fileCase();
    await acknowledge(filed.caseId);
    const closed = await cases.command(filed.caseId, 'case.close', {
      commandId: `close-${filed.caseId}`,
      by: police,
      outcome: 'found_by_family',
    });
    expect(closed).toMatchObject({
      status: 'closed',
      outcome: 'found_by_family',
      risk: 'high',
      proposedRisk: 'medium',
    });
    const result = await env.client.workflow.getHandle(filed.caseId).result();
    expect(result).toEqual({ caseId: filed.caseId, status: 'closed', version: expect.any(Number) });
    expect((await cases.get(filed.caseId)).timeline.map((e) => e.type)).toEqual([
      'case.reported',
      'police.acknowledge',
      'case.close',
    ]);
  });

  it('dates a command by when the API took it, and names its deliveries by the command, not the clock', async () => {
    const filed = await fileCase();
    const sentAt = new Date(Date.parse(filed.reportedAt) + 1_234).toISOString();
    const commandId = `dated-${filed.caseId}`;
    await acknowledge(filed.caseId, commandId, sentAt);
    const view = await cases.get(filed.caseId);
    expect(view.timeline.find((e) => e.type === 'police.acknowledge')?.at).toBe(sentAt);
    const announced = view.deliveries.filter((d) => d.event === 'case.acknowledged');
    expect(announced.length).toBeGreaterThan(0);
    // Whenever a workflow task runs it (again, after a worker died holding it), the same ids.
    const elsewhen = { event: 'case.acknowledged', at: new Date(0).toISOString(), cause: commandId } as const;
    for (const d of announced) expect(d.id).toBe(deliveryId(filed.caseId, elsewhen, d.party, d.channel));
  });

  it("never dates an event before the one it follows, whatever the sender's clock says", async () => {
    const filed = await fileCase();
    const early = new Date(Date.parse(filed.reportedAt) - 60_000).toISOString();
    await acknowledge(filed.caseId, `early-${filed.caseId}`, early);
    const view = await cases.get(filed.caseId);
    expect(view.timeline.find((e) => e.type === 'police.acknowledge')?.at).toBe(filed.reportedAt);
  });

  it('answers a retried command with the first answer and applies it once', async () => {
    const filed = await fileCase();
    const first = await acknowledge(filed.caseId, 'retry-me-0001');
    const again = await acknowledge(filed.caseId, 'retry-me-0001');
    expect(again).toEqual(first);
    expect(
      (await cases.get(filed.caseId)).timeline.filter((e) => e.type === 'police.acknowledge'),
    ).toHaveLength(1);
  });

  it('refuses a command the machine does not allow, without recording it', async () => {
    const filed = await fileCase();
    const attempt = cases.command(filed.caseId, 'clinic.confirm_return', {
      commandId: 'early-return-1',
      by: clinician,
    });
    await expect(attempt).rejects.toMatchObject({ status: 409, extras: { caseStatus: 'reported' } });
    const history = await env.client.workflow.getHandle(filed.caseId).fetchHistory();
    const accepted = (history.events ?? []).flatMap((e) => {
      const name = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
      return name ? [name] : [];
    });
    expect(accepted).not.toContain('clinic.confirm_return');
  });

  it('keeps the report out of the history in clear text', async () => {
    const filed = await fileCase({ reportId: 'wf-secret' });
    await acknowledge(filed.caseId);
    const history = await env.client.workflow.getHandle(filed.caseId).fetchHistory();
    // The bytes of every payload the server keeps, as they are: no JSON.stringify of base64 that could
    // never contain a name.
    const bytes = payloadBytes(history).map((data) => data.toString('utf8'));
    expect(bytes.length).toBeGreaterThan(3);
    for (const text of bytes) {
      expect(text).not.toContain('Jan de Vries');
      expect(text).not.toContain('schizophrenia');
      expect(text).not.toContain('left through the garden');
    }
    expect((await cases.get(filed.caseId)).report.person.name).toBe('Jan de Vries');
  });
});
