import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention.activities';
import type { ErasureCount } from '../machines/retention.schema';

const { eraseExpiredRecords } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '15 minutes',
  // A daily run that keeps failing must show as a failed workflow, not retry into the next day's run.
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

/** The store's daily clean-up: erases what outlived its retention period and returns the counts it logged. */
export async function retentionWorkflow(): Promise<ErasureCount[]> {
  return eraseExpiredRecords();
}
