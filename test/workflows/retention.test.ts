import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetentionActivities } from '../../activities/retention.activities';
import { PolicyDocumentSchema } from '../../machines/policy.schema';
import type { ErasureCount } from '../../machines/retention.schema';
import { createAccessLog } from '../../records/access-log';
import { createFeedEntries } from '../../records/feed-entries';
import { openRecordsDatabase, type RecordsDatabase } from '../../records/records.database';
import { createSealer } from '../../records/sealer';
import {
  describeNamespaceRetention,
  ensureRetentionSchedule,
  RETENTION_SCHEDULE_ID,
  setNamespaceRetention,
} from '../../temporal/retention';
import { bundleCaseWorkflows, startDevServer, testDataConverter } from '../support/temporal';

const TASK_QUEUE = 'retention-test';
const DAY = 86_400_000;
const { retention } = PolicyDocumentSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, '../../config/policy.json'), 'utf8')),
);
const sealer = createSealer([randomBytes(32)]);

describe('records retention on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let database: RecordsDatabase;
  let worker: Worker;
  let running: Promise<void>;
  const namespace = () => env.namespace ?? 'default';

  beforeAll(async () => {
    const [started, bundle, opened] = await Promise.all([
      startDevServer(),
      bundleCaseWorkflows(),
      openRecordsDatabase('memory://'),
    ]);
    env = started;
    database = opened;
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: namespace(),
      taskQueue: TASK_QUEUE,
      dataConverter: testDataConverter,
      workflowBundle: bundle,
      activities: createRetentionActivities({
        records: {
          database,
          accessLog: createAccessLog({ db: database.db }),
          feed: createFeedEntries({ database, sealer }),
        },
        retention,
        now: () => new Date(),
      }),
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await database?.close();
  });

  it('sets how long the namespace keeps closed workflows to the policy’s 30 days', async () => {
    await setNamespaceRetention(env.connection, namespace(), retention.temporalNamespace);

    expect(await describeNamespaceRetention(env.connection, namespace())).toBe(30 * DAY);
  });

  it('creates one daily schedule that skips overlaps, however often it is ensured', async () => {
    const first = await (await ensureRetentionSchedule(env.client, { taskQueue: TASK_QUEUE })).describe();

    const again = await (await ensureRetentionSchedule(env.client, { taskQueue: TASK_QUEUE })).describe();

    expect(again.scheduleId).toBe(RETENTION_SCHEDULE_ID);
    expect(again.info.createdAt).toEqual(first.info.createdAt);
    expect(again.info.lastUpdatedAt).toEqual(first.info.lastUpdatedAt);
    expect(again.spec.intervals?.map((i) => i.every)).toEqual([DAY]);
    expect(again.policies.overlap).toBe('SKIP');
    expect(again.action).toMatchObject({ workflowType: 'retentionWorkflow', taskQueue: TASK_QUEUE });
  });

  it('brings an existing schedule in line when its interval differs', async () => {
    await ensureRetentionSchedule(env.client, { taskQueue: TASK_QUEUE });

    const updated = await (
      await ensureRetentionSchedule(env.client, { taskQueue: TASK_QUEUE, every: '12h' })
    ).describe();

    expect(updated.spec.intervals?.map((i) => i.every)).toEqual([DAY / 2]);
    await ensureRetentionSchedule(env.client, { taskQueue: TASK_QUEUE });
  });

  it('erases an expired closed case when the schedule runs, and logs the counts', async () => {
    const now = Date.now();
    await insertCase(database, 'case-expired', new Date(now - retention.closedCases - DAY));
    await insertCase(database, 'case-recent', new Date(now - DAY));
    const handle = await ensureRetentionSchedule(env.client, { taskQueue: TASK_QUEUE });

    await handle.trigger();
    const counts = await env.client.workflow.getHandle(await startedWorkflowId(handle)).result();

    expect((counts as ErasureCount[]).map(({ kind, erased }) => ({ kind, erased }))).toEqual([
      { kind: 'closedCases', erased: 1 },
      { kind: 'accessLog', erased: 0 },
      { kind: 'feedEntries', erased: 0 },
      { kind: 'idempotencyKeys', erased: 0 },
    ]);
    const kept = await database.db.selectFrom('case_records').select('case_id').execute();
    expect(kept).toEqual([{ case_id: 'case-recent' }]);
    const logged = await database.db
      .selectFrom('erasures')
      .select(['kind', 'erased'])
      .orderBy('id')
      .execute();
    expect(logged).toEqual([
      { kind: 'closedCases', erased: 1 },
      { kind: 'accessLog', erased: 0 },
      { kind: 'feedEntries', erased: 0 },
      { kind: 'idempotencyKeys', erased: 0 },
    ]);
  });
});

/** The workflow the schedule's latest action started; the server records the action just after a trigger. */
async function startedWorkflowId(handle: Awaited<ReturnType<typeof ensureRetentionSchedule>>) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const recent = (await handle.describe()).info.recentActions.at(-1);
    if (recent) return recent.action.workflow.workflowId;
    if (Date.now() > deadline) throw new Error('the retention schedule started no workflow');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A closed case record, written straight into the store. */
async function insertCase(database: RecordsDatabase, caseId: string, closedAt: Date) {
  await database.db
    .insertInto('case_records')
    .values({
      case_id: caseId,
      version: 1,
      region: 'noord-nl',
      institution_id: 'ggz-noord',
      status: 'closed',
      risk: 'low',
      urgent: false,
      kind: 'missing',
      reported_at: closedAt,
      closed_at: closedAt,
      outcome: 'returned',
      updated_at: closedAt,
      sealed: sealer.seal({ caseId }, { table: 'case_records', id: caseId, field: 'view' }),
    })
    .execute();
}
