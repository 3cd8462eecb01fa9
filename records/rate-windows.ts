import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { RecordsTables } from './records.tables';

/** A client's requests in its current window, and when that window ends. */
export type RateWindow = { hits: number; resetsAt: Date };

/** How often one process clears windows that ended: often enough to keep the table at its live clients. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Fixed-window request counters that every API instance shares, so two instances behind one address do
 * not give each client twice its limit. A client's key (an address, a person) is stored only as an HMAC
 * under a key derived from the first payload key: counting needs no one's address in clear text.
 */
export function createRateWindows(deps: { db: Kysely<RecordsTables>; keys: Buffer[] }) {
  const { db } = deps;
  const hmacKey = createHmac('sha256', deps.keys[0]!).update('vermist rate windows').digest();
  const pseudonym = (key: string) => createHmac('sha256', hmacKey).update(key).digest('hex');
  let nextSweep = 0;

  /** Deletes windows that ended; a late sweep only leaves a few rows longer. */
  async function sweep(now: Date): Promise<void> {
    if (now.getTime() < nextSweep) return;
    nextSweep = now.getTime() + SWEEP_EVERY_MS;
    await db.deleteFrom('rate_windows').where('resets_at', '<', now).execute();
  }

  return {
    /** Counts one request of `key`: in its window if that still runs, else as the first of a new one. */
    async hit(key: string, windowMs: number, now = new Date()): Promise<RateWindow> {
      const resetsAt = new Date(now.getTime() + windowMs);
      // One statement, so two instances counting the same client at once both count.
      const row = await db
        .insertInto('rate_windows')
        .values({ key: pseudonym(key), hits: 1, resets_at: resetsAt })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            hits: sql<number>`case when rate_windows.resets_at <= ${now} then 1 else rate_windows.hits + 1 end`,
            resets_at: sql<Date>`case when rate_windows.resets_at <= ${now} then ${resetsAt} else rate_windows.resets_at end`,
          }),
        )
        .returning(['hits', 'resets_at'])
        .executeTakeFirstOrThrow();
      await sweep(now);
      return { hits: row.hits, resetsAt: new Date(row.resets_at) };
    },

    /** Takes one request back (a limiter that skips some requests once they are answered). */
    async undo(key: string): Promise<void> {
      await db
        .updateTable('rate_windows')
        .set({ hits: sql<number>`greatest(hits - 1, 0)` })
        .where('key', '=', pseudonym(key))
        .execute();
    },

    /** Forgets a client's window. */
    async reset(key: string): Promise<void> {
      await db.deleteFrom('rate_windows').where('key', '=', pseudonym(key)).execute();
    },
  };
}

export type RateWindows = ReturnType<typeof createRateWindows>;
