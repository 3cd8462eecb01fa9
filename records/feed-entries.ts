import { sql } from 'kysely';
import type { FeedEntry } from '../machines/notification.schema';
import type { FeedParty } from '../machines/party.schema';
import type { RecordsDatabase } from './records.database';
import type { Sealer } from './sealer';

/** A feed entry as the store lists it: with `seq`, its place in the store's order and the cursor after it. */
export type StoredFeedEntry = FeedEntry & { seq: string };

/** What `list` narrows to; every field narrows, and the party and tenant always apply. */
export type FeedFilter = {
  event?: string | undefined;
  /** Only entries whose `at` is after this instant. */
  since?: Date | undefined;
  /** Only entries after this `seq`: the cursor. */
  afterSeq?: string | undefined;
  limit?: number | undefined;
};

/** Where a subscription starts, and where its failures go. */
export type FeedSubscribeOptions = {
  /** Replays the entries after this `seq` first; without it, only entries appended from now on arrive. */
  afterSeq?: string | undefined;
  /**
   * A failed load or a throwing `onEntry`. The subscription stays open: the next notification loads
   * again from the last entry delivered, so nothing is skipped.
   */
  onError?: ((error: unknown) => void) | undefined;
};

/** The channel every append notifies; its payload names party, tenant and seq, never content. */
export const FEED_CHANNEL = 'vermist_feed';

/** What an append tells listeners: which feed has news, and up to where. */
type FeedNotice = { party: string; tenant: string; seq: string };

/** Entries one catch-up query loads at most; a subscriber far behind catches up page by page. */
const CATCH_UP_PAGE = 200;

const SEAL = (id: string) => ({ table: 'feed_entries', id, field: 'entry' });

/**
 * The in-app feeds of every role and tenant, one row per delivery id. The entry is sealed (its facts may
 * name places); the index columns hold ids, the event and the instant. Every new row is announced on
 * `vermist_feed` in its own transaction, so listeners in any process learn of it once it is committed.
 */
export function createFeedEntries(deps: { database: RecordsDatabase; sealer: Sealer }) {
  const { database, sealer } = deps;
  const { db } = database;

  // One LISTEN per store, shared by every subscriber: opened on the first subscribe, kept while the
  // database is open.
  const noticed = new Set<(notice: FeedNotice) => void>();
  let listening: Promise<unknown> | undefined;
  const dispatch = (payload: string) => {
    const notice = parseNotice(payload);
    if (notice) for (const subscriber of noticed) subscriber(notice);
  };

  const list = async (
    party: FeedParty,
    tenant: string,
    filter: FeedFilter = {},
  ): Promise<StoredFeedEntry[]> => {
    let q = db
      .selectFrom('feed_entries')
      .select(['id', 'sealed', sql<string>`seq::text`.as('seq')])
      .where('party', '=', party)
      .where('tenant', '=', tenant);
    if (filter.event !== undefined) q = q.where('event', '=', filter.event);
    if (filter.since !== undefined) q = q.where('at', '>', filter.since);
    if (filter.afterSeq !== undefined) q = q.where('seq', '>', filter.afterSeq);
    // The table's seq, not the text alias: as text, '10' sorts before '9'.
    q = q.orderBy('feed_entries.seq');
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    const rows = await q.execute();
    return rows.map((row) => ({ ...sealer.open<FeedEntry>(row.sealed, SEAL(row.id)), seq: row.seq }));
  };

  return {
    /** Adds `entry` to its party's feed in its tenant; an entry whose delivery id is stored already changes nothing. */
    async append(entry: FeedEntry): Promise<void> {
      await db.transaction().execute(async (tx) => {
        // Appends to one feed take their seq one after another and commit in that order: without it, a
        // reader could see seq 5 committed before seq 4 and move its cursor past 4 for good.
        await sql`select pg_advisory_xact_lock(hashtextextended(${`${entry.party}/${entry.tenant}`}, 0))`.execute(
          tx,
        );
        const inserted = await tx
          .insertInto('feed_entries')
          .values({
            id: entry.id,
            party: entry.party,
            tenant: entry.tenant,
            case_id: entry.caseId,
            event: entry.event,
            at: entry.at,
            sealed: sealer.seal(entry, SEAL(entry.id)),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning(sql<string>`seq::text`.as('seq'))
          .executeTakeFirst();
        if (!inserted) return;
        const notice: FeedNotice = { party: entry.party, tenant: entry.tenant, seq: inserted.seq };
        await sql`select pg_notify(${FEED_CHANNEL}, ${JSON.stringify(notice)})`.execute(tx);
      });
    },

    /** One party's feed in one tenant, oldest first, narrowed by `filter`. */
    list,

    /**
     * Calls `onEntry` with each entry of this party and tenant appended from now on (or after
     * `options.afterSeq`), in order, each once, from this process or any other. Each notification loads
     * everything after the last entry delivered, so coalesced or lost notifications skip nothing. The
     * returned function stops it; once it resolves, `onEntry` is not called again.
     */
    async subscribe(
      party: FeedParty,
      tenant: string,
      onEntry: (entry: StoredFeedEntry) => void,
      options: FeedSubscribeOptions = {},
    ): Promise<() => Promise<void>> {
      let last = options.afterSeq;
      let ready = false;
      let closed = false;
      let again = false;
      let loading: Promise<void> | undefined;

      const load = async () => {
        for (;;) {
          const entries = await list(party, tenant, { afterSeq: last, limit: CATCH_UP_PAGE });
          for (const entry of entries) {
            if (closed) return;
            last = entry.seq;
            onEntry(entry);
          }
          if (entries.length < CATCH_UP_PAGE) return;
        }
      };
      // Loads run one at a time; a notification during a load asks for one more load after it.
      const pull = () => {
        again = true;
        if (!ready || loading) return;
        loading = (async () => {
          while (again && !closed) {
            again = false;
            try {
              await load();
            } catch (error) {
              options.onError?.(error);
            }
          }
          loading = undefined;
        })();
      };
      const onNotice = (notice: FeedNotice) => {
        if (notice.party !== party || notice.tenant !== tenant) return;
        if (last !== undefined && BigInt(notice.seq) <= BigInt(last)) return;
        pull();
      };

      noticed.add(onNotice);
      try {
        listening ??= database.listen(FEED_CHANNEL, dispatch).catch((error: unknown) => {
          listening = undefined;
          throw error;
        });
        await listening;
        // Listening before reading where to start: an entry committed in between is read or notified.
        last ??= await latestSeq(party, tenant);
      } catch (error) {
        noticed.delete(onNotice);
        throw error;
      }
      ready = true;
      pull();

      return async () => {
        closed = true;
        noticed.delete(onNotice);
        await loading;
      };
    },

    /** Erases every entry whose `at` is before `cutoff`, for retention; answers how many. */
    async eraseBefore(cutoff: Date): Promise<number> {
      const result = await db.deleteFrom('feed_entries').where('at', '<', cutoff).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };

  /** The newest seq of a feed, or 0 when it has none yet. */
  async function latestSeq(party: FeedParty, tenant: string): Promise<string> {
    const row = await db
      .selectFrom('feed_entries')
      .select(sql<string>`coalesce(max(seq), 0)::text`.as('seq'))
      .where('party', '=', party)
      .where('tenant', '=', tenant)
      .executeTakeFirstOrThrow();
    return row.seq;
  }
}

export type FeedEntries = ReturnType<typeof createFeedEntries>;

function parseNotice(payload: string): FeedNotice | undefined {
  try {
    const notice = JSON.parse(payload) as Partial<FeedNotice>;
    if (typeof notice.party !== 'string' || typeof notice.tenant !== 'string') return undefined;
    if (typeof notice.seq !== 'string' || !/^\d+$/.test(notice.seq)) return undefined;
    return { party: notice.party, tenant: notice.tenant, seq: notice.seq };
  } catch {
    return undefined;
  }
}
