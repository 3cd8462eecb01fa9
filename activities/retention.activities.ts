import type { ErasureCount, RetentionPolicy } from '../machines/retention.schema';
import type { RecordsDatabase } from '../records/records.database';
import { eraseExpired, type Eraser } from '../records/retention';

export type RetentionDeps = {
  records: { database: RecordsDatabase; accessLog: Eraser; feed: Eraser };
  retention: RetentionPolicy;
  now: () => Date;
};

/** Builds the retention activity from injected dependencies. */
export function createRetentionActivities(deps: RetentionDeps) {
  return {
    /**
     * Erases every record past its retention period and returns what went, as counts. Safe to retry: a
     * second attempt erases only what expired in between.
     */
    async eraseExpiredRecords(): Promise<ErasureCount[]> {
      const { database, accessLog, feed } = deps.records;
      return eraseExpired({ db: database.db, accessLog, feed }, deps.retention, deps.now());
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
