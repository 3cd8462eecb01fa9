import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AccessRecord } from '../machines/access-record.schema';
import {
  accessLogId,
  accessRecordedSignal,
  accessRecordsQuery,
  type accessLogWorkflow,
} from '../workflows/access-log.workflow';

/**
 * Every read of a case, kept durably in Temporal itself: one workflow per region and day takes the records
 * as signals (encrypted like every payload) and answers them as a query, open or closed.
 */
export function createAccessLog(deps: { client: Client; taskQueue: string }) {
  return {
    /** Records a read; the caller answers only after this succeeded, so no read goes unrecorded. */
    async record(record: AccessRecord): Promise<void> {
      const day = record.at.slice(0, 10);
      await deps.client.workflow.signalWithStart<typeof accessLogWorkflow, [AccessRecord]>(
        'accessLogWorkflow',
        {
          workflowId: accessLogId(record.region, day),
          taskQueue: deps.taskQueue,
          args: [{ region: record.region, day }],
          signal: accessRecordedSignal,
          signalArgs: [record],
        },
      );
    },

    /** One region's records of one day, oldest first; none if nobody read anything that day. */
    async list(region: string, day: string): Promise<AccessRecord[]> {
      try {
        return await deps.client.workflow.getHandle(accessLogId(region, day)).query(accessRecordsQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return [];
        throw error;
      }
    },
  };
}
export type AccessLog = ReturnType<typeof createAccessLog>;
