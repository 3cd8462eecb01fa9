import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRecord } from '../../machines/access-record.schema';
import {
  accessLogId,
  accessRecordedSignal,
  accessRecordsQuery,
  type accessLogWorkflow,
} from '../../workflows/access-log.workflow';
import { CaseHarness } from '../support/case-harness';

const h = new CaseHarness('access-log-test');

beforeAll(() => h.start());
afterAll(() => h.stop());

const record = (at: string, caseId: string): AccessRecord => ({
  at,
  caseId,
  region: 'noord-nl',
  by: { id: 'desk.noord', role: 'police_desk' },
  view: 'police_desk',
  resource: 'case',
  requestId: `req-${caseId}`,
});

describe('access log workflow', () => {
  it("keeps a day's reads in order, answers them as a query, and closes after the day with them", async () => {
    const now = await h.now();
    const day = now.toISOString().slice(0, 10);
    const start = (r: AccessRecord) =>
      h.env.client.workflow.signalWithStart<typeof accessLogWorkflow, [AccessRecord]>('accessLogWorkflow', {
        workflowId: accessLogId('noord-nl', day),
        taskQueue: 'access-log-test',
        args: [{ region: 'noord-nl', day }],
        signal: accessRecordedSignal,
        signalArgs: [r],
      });
    const handle = await start(record(now.toISOString(), 'case-a'));
    await start(record(now.toISOString(), 'case-b'));
    expect((await handle.query(accessRecordsQuery)).map((r) => r.caseId)).toEqual(['case-a', 'case-b']);
    await h.advance('26 hours');
    const closed = await handle.result();
    expect(closed.map((r) => r.caseId)).toEqual(['case-a', 'case-b']);
    expect((await handle.query(accessRecordsQuery)).length).toBe(2);
  });
});
