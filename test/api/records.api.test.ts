import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBody } from '../support/action-examples';
import { ApiHarness, type Answer } from '../support/api-harness';
import { principals } from '../support/tokens';

const api = new ApiHarness('records-api-test');

/**
 * Three closed cases whose workflows are deleted, as Temporal's retention does a while after they close:
 * one worked by clinic and police and read by both, one withdrawn, and one whose closing command a client
 * will retry. Deletion is a background task on the server, so the file deletes them together and waits once.
 */
let worked: string;
let withdrawn: string;
let retried: { caseId: string; key: string; first: Answer };

const withdraw = (caseId: string, key: string) =>
  api.call('POST', `/v1/cases/${caseId}/withdraw`, {
    as: principals.clinic,
    key,
    body: exampleBody('case.withdraw'),
  });

beforeAll(async () => {
  await api.start();
  worked = await api.file(principals.clinic);
  const ack = await api.call('POST', `/v1/cases/${worked}/acknowledge`, {
    as: principals.police,
    key: api.key(),
    body: exampleBody('police.acknowledge'),
  });
  expect(ack.status).toBe(200);
  const closed = await api.call('POST', `/v1/cases/${worked}/close`, {
    as: principals.police,
    key: api.key(),
    body: { outcome: 'found_by_family' },
  });
  expect(closed.body).toMatchObject({ status: 'closed', outcome: 'found_by_family' });
  expect((await api.call('GET', `/v1/cases/${worked}`, { as: principals.police })).status).toBe(200);

  withdrawn = await api.file(principals.clinic);
  expect((await withdraw(withdrawn, api.key())).status).toBe(200);

  const caseId = await api.file(principals.clinic);
  const key = api.key();
  retried = { caseId, key, first: await withdraw(caseId, key) };
  expect(retried.first.status).toBe(200);

  await deleteWorkflows([worked, withdrawn, caseId]);
}, 180_000);

afterAll(() => api.stop());

async function deleteWorkflows(caseIds: string[]): Promise<void> {
  const handles = caseIds.map((id) => api.client.workflow.getHandle(id));
  await Promise.all(handles.map((h) => h.result()));
  for (const handle of handles) {
    await api.client.workflowService.deleteWorkflowExecution({
      namespace: api.namespace,
      workflowExecution: { workflowId: handle.workflowId },
    });
  }
  const gone = async () =>
    (
      await Promise.all(
        handles.map((h) =>
          h.describe().then(
            () => false,
            (error: unknown) => error instanceof WorkflowNotFoundError,
          ),
        ),
      )
    ).every(Boolean);
  // Deletion is a background task on the server: wait for it (expect.poll works inside tests only).
  const deadline = Date.now() + 150_000;
  while (!(await gone())) {
    if (Date.now() > deadline) throw new Error('the server did not delete the workflows within 150 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('records outlive Temporal', () => {
  it('serves a closed case in each party’s view after its workflow was deleted', async () => {
    const clinic = await api.call('GET', `/v1/cases/${worked}`, { as: principals.clinic });
    expect(clinic.status).toBe(200);
    expect(clinic.body).toMatchObject({ caseId: worked, status: 'closed', outcome: 'found_by_family' });
    expect(clinic.body.report.person.name).toBe('Jan de Vries');
    const police = await api.call('GET', `/v1/cases/${worked}`, { as: principals.police });
    expect(police.status).toBe(200);
    expect(JSON.stringify(police.body)).not.toContain('schizophrenia');
  });

  it('serves its timeline after its workflow was deleted', async () => {
    const timeline = await api.call('GET', `/v1/cases/${worked}/timeline`, { as: principals.clinic });
    expect(timeline.body.entries.map((e: { type: string }) => e.type)).toEqual([
      'case.reported',
      'police.acknowledge',
      'case.close',
    ]);
  });

  it('keeps every read of it in the access log, before and after the deletion', async () => {
    await api.call('GET', `/v1/cases/${worked}`, { as: principals.police });
    const records = await api.call('GET', `/v1/access-records?caseId=${worked}`, {
      as: principals.supervisor,
    });
    expect(records.status).toBe(200);
    const reads = records.body.items.map((r: { by: { id: string }; resource: string }) => r.by.id);
    // One read while it ran; the three reads of the two tests above and this one's, in order.
    expect(reads.slice(0, 1)).toEqual([principals.police.sub]);
    expect(reads.filter((id: string) => id === principals.police.sub).length).toBeGreaterThanOrEqual(2);
    expect(reads).toContain(principals.clinic.sub);
  });

  it('keeps tenancy for a case whose workflow is gone', async () => {
    expect((await api.call('GET', `/v1/cases/${withdrawn}`, { as: principals.otherClinic })).status).toBe(
      404,
    );
    expect((await api.call('GET', `/v1/cases/${withdrawn}`, { as: principals.otherPolice })).status).toBe(
      404,
    );
    expect((await api.call('GET', `/v1/cases/${withdrawn}`, { as: principals.police })).status).toBe(200);
  });

  it('answers a retried closing command after the workflow is gone, applying nothing twice', async () => {
    const retry = await withdraw(retried.caseId, retried.key);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ caseId: retried.caseId, status: 'closed', outcome: 'withdrawn' });
    const timeline = await api.call('GET', `/v1/cases/${retried.caseId}/timeline`, { as: principals.clinic });
    expect(timeline.body.entries.filter((e: { type: string }) => e.type === 'case.withdraw')).toHaveLength(1);
  });

  it('refuses a new command to a case whose workflow is gone', async () => {
    const other = await withdraw(retried.caseId, api.key());
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ caseStatus: 'closed' });
  });
});

describe('the cases list', () => {
  const list = (as: keyof typeof principals, query = '') =>
    api.call('GET', `/v1/cases${query}`, { as: principals[as] });
  const ids = (answer: Answer) => (answer.body.items as { caseId: string }[]).map((c) => c.caseId);

  it('lists a clinic its own cases, newest first, including those whose workflow is gone', async () => {
    const open = await api.file(principals.clinic);
    const res = await list('clinic');
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([open, retried.caseId, withdrawn, worked]);
    expect(res.body.items[0]).toMatchObject({ caseId: open, status: 'reported', closedAt: null });
    expect(JSON.stringify(res.body)).not.toContain('Jan de Vries');
  });

  it('lists nothing of another institution or region', async () => {
    expect(ids(await list('otherClinic'))).toEqual([]);
    expect(ids(await list('otherPolice'))).toEqual([]);
  });

  it('filters closed cases and pages with a cursor until there is none', async () => {
    const first = await list('police', '?open=false&limit=2');
    expect(ids(first)).toEqual([retried.caseId, withdrawn]);
    const second = await list('police', `?open=false&limit=2&cursor=${first.body.nextCursor}`);
    expect(ids(second)).toEqual([worked]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 400 naming a wrong filter or cursor', async () => {
    const res = await list('police', '?state=lost&cursor=bm9wZQ');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.state']);
    const cursor = await list('police', '?cursor=bm9wZQ');
    expect(cursor.body.errors).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
  });

  it('shows an ambulance crew no case it has no transport task on', async () => {
    expect(ids(await list('ambulance'))).toEqual([]);
  });
});
