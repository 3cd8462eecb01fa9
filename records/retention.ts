import type { Kysely } from 'kysely';
import type { ErasureCount, ErasureKind, RetentionPolicy } from '../machines/retention.schema';
import type { RecordsTables } from './records.tables';

/** Something that erases its own records older than a cut-off and says how many went. */
export type Eraser = { eraseBefore(cutoff: Date): Promise<number> };

export type RetentionDeps = {
  db: Kysely<RecordsTables>;
  /** The access log erases itself: it keeps its hash chains anchored where the erased rows ended. */
  accessLog: Eraser;
  feed: Eraser;
};

/**
 * Erases every record older than its period at `now`: closed cases (their tasks and photos cascade), access-log rows,
 * feed entries and the first answers kept for retries. Logs one `erasures` row per kind, counts and cut-off only, even when nothing went. A rerun at
 * the same `now` finds nothing more to erase, so retries are safe.
 */
export async function eraseExpired(
  deps: RetentionDeps,
  policy: RetentionPolicy,
  now: Date,
): Promise<ErasureCount[]> {
  const { db } = deps;
  const before = (ms: number) => new Date(now.getTime() - ms);
  const log = async (executor: Kysely<RecordsTables>, kind: ErasureKind, erased: number, cutoff: Date) => {
    await executor.insertInto('erasures').values({ at: now, kind, erased, before: cutoff }).execute();
    return { kind, erased, before: cutoff.toISOString() };
  };

  const casesBefore = before(policy.closedCases);
  // The deletion and its count commit together: an erasure is never left unlogged.
  const closedCases = await db.transaction().execute(async (tx) => {
    const deleted = await tx
      .deleteFrom('case_records')
      .where('closed_at', 'is not', null)
      .where('closed_at', '<', casesBefore)
      .executeTakeFirst();
    return log(tx, 'closedCases', Number(deleted.numDeletedRows), casesBefore);
  });

  const accessBefore = before(policy.accessLog);
  const accessLog = await log(db, 'accessLog', await deps.accessLog.eraseBefore(accessBefore), accessBefore);

  const feedBefore = before(policy.feedEntries);
  const feedEntries = await log(db, 'feedEntries', await deps.feed.eraseBefore(feedBefore), feedBefore);

  const keysBefore = before(policy.idempotencyKeys);
  const idempotencyKeys = await db.transaction().execute(async (tx) => {
    const deleted = await tx
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', keysBefore)
      .executeTakeFirst();
    return log(tx, 'idempotencyKeys', Number(deleted.numDeletedRows), keysBefore);
  });

  return [closedCases, accessLog, feedEntries, idempotencyKeys];
}
