import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type Connection,
  type ScheduleHandle,
} from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import { DurationSchema } from '../machines/duration';
import type { retentionWorkflow } from '../workflows/retention.workflow';

/** The one schedule that erases expired records; its id is its identity, so every start-up finds it. */
export const RETENTION_SCHEDULE_ID = 'vermist-records-retention';

/**
 * Makes sure the retention schedule exists: it starts `retentionWorkflow` every `every` (a policy duration
 * such as `1d` or `12h`; daily by default), never while a previous run is still going. Idempotent: an
 * existing schedule is kept, and brought in line when its interval, task queue or overlap policy differ.
 */
export async function ensureRetentionSchedule(
  client: Client,
  opts: { taskQueue: string; every?: string },
): Promise<ScheduleHandle> {
  const every = DurationSchema.parse(opts.every ?? '1d');
  const spec = { intervals: [{ every }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'retentionWorkflow',
    workflowId: `${RETENTION_SCHEDULE_ID}-run`,
    taskQueue: opts.taskQueue,
    args: [] as Parameters<typeof retentionWorkflow>,
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP };
  try {
    return await client.schedule.create({ scheduleId: RETENTION_SCHEDULE_ID, spec, action, policies });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  const current = await handle.describe();
  const [interval, ...more] = current.spec.intervals ?? [];
  const same =
    interval?.every === every &&
    !interval.offset &&
    more.length === 0 &&
    !current.spec.calendars?.length &&
    current.action.workflowType === action.workflowType &&
    current.action.taskQueue === action.taskQueue &&
    current.policies.overlap === policies.overlap;
  if (!same) {
    await handle.update((previous) => ({
      ...previous,
      spec,
      action,
      policies: { ...previous.policies, ...policies },
    }));
  }
  return handle;
}

/**
 * Sets how long Temporal keeps closed workflows in `namespace`. That is for debugging and replay only: the
 * records that must last are in the records store, under their own periods.
 */
export async function setNamespaceRetention(
  connection: Connection,
  namespace: string,
  ttlMs: number,
): Promise<void> {
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(ttlMs) },
  });
}

/** How long Temporal keeps closed workflows in `namespace`, in milliseconds. */
export async function describeNamespaceRetention(connection: Connection, namespace: string): Promise<number> {
  const { config } = await connection.workflowService.describeNamespace({ namespace });
  return tsToMs(config?.workflowExecutionRetentionTtl);
}
