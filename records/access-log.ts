import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AccessRecord, AccessRecordEntry } from '../machines/access-record.schema';
import type { AccessLogTable, RecordsTables } from './records.tables';

/** The hash a partition's first row chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the supervisor asks the log: filters that each narrow, a page size, and the `seq` to read after. */
export type AccessLogFilter = {
  region?: string | undefined;
  caseId?: string | undefined;
  actorId?: string | undefined;
  /** Reads at or after this instant. */
  from?: Date | undefined;
  /** Reads before this instant. */
  to?: Date | undefined;
  limit: number;
  /** The `seq` of the last entry already read; the page starts after it. */
  after?: string | undefined;
};

/** One page of the log in `seq` order; `nextCursor` is null on the last page. */
export type AccessLogPage = { items: AccessRecordEntry[]; nextCursor: string | null };

/** One partition's chain as verification found it. A broken chain names the first position that fails. */
export type PartitionCheck = {
  partition: string;
  rows: number;
  ok: boolean;
  firstBrokenPosition?: number;
  reason?: string;
};

type Row = Selectable<AccessLogTable>;
type Head = { position: number; hash: string; anchorHash: string; anchorPosition: number };

/** Verification reads each partition in pages of this many rows, so a long chain never loads at once. */
const VERIFY_BATCH = 5_000;

/**
 * The access log (NEN 7513): one row per read of a case, append-only and hash-chained per partition (the
 * case's region), so that a changed, removed or inserted row shows when the chain is verified. Retention
 * erases the oldest rows and moves the partition's anchor, so what remains still verifies.
 */
export function createAccessLog(deps: { db: Kysely<RecordsTables> }) {
  const { db } = deps;

  return {
    /**
     * Appends one read to its region's chain; the caller answers only after this succeeded, so no read goes
     * unrecorded. Appends to one partition queue on its head row, from any number of API instances.
     */
    async record(record: AccessRecord): Promise<void> {
      const partition = record.region;
      // Milliseconds, as the column gives them back: the hash must be recomputable from the row.
      const at = new Date(record.at).toISOString();
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('access_log_heads')
          .values({
            partition,
            position: '0',
            hash: GENESIS_HASH,
            anchor_hash: GENESIS_HASH,
            anchor_position: '0',
          })
          .onConflict((oc) => oc.column('partition').doNothing())
          .execute();
        const head = await tx
          .selectFrom('access_log_heads')
          .select(['position', 'hash'])
          .where('partition', '=', partition)
          .forUpdate()
          .executeTakeFirstOrThrow();
        const row = {
          partition,
          position: String(Number(head.position) + 1),
          at,
          case_id: record.caseId,
          region: record.region,
          actor_id: record.by.id,
          actor_role: record.by.role,
          view: record.view,
          resource: record.resource,
          request_id: record.requestId,
          prev_hash: head.hash,
        };
        const hash = rowHash({ ...row, at: new Date(at) });
        await tx
          .insertInto('access_log')
          .values({ ...row, hash })
          .execute();
        await tx
          .updateTable('access_log_heads')
          .set({ position: row.position, hash })
          .where('partition', '=', partition)
          .execute();
      });
    },

    /** One page of reads matching every filter given, in `seq` order. */
    async list(filter: AccessLogFilter): Promise<AccessLogPage> {
      let q = db.selectFrom('access_log').selectAll();
      if (filter.region !== undefined) q = q.where('region', '=', filter.region);
      if (filter.caseId !== undefined) q = q.where('case_id', '=', filter.caseId);
      if (filter.actorId !== undefined) q = q.where('actor_id', '=', filter.actorId);
      if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
      if (filter.to !== undefined) q = q.where('at', '<', filter.to);
      if (filter.after !== undefined) q = q.where('seq', '>', filter.after);
      const rows = await q
        .orderBy('seq')
        .limit(filter.limit + 1)
        .execute();
      const items = rows.slice(0, filter.limit).map(toEntry);
      const more = rows.length > filter.limit;
      return { items, nextCursor: more ? (items.at(-1)?.seq ?? null) : null };
    },

    /**
     * Recomputes each partition's chain (or only `partition`'s) from its anchor through every row in position
     * order, and checks that the head names the last row. A partition without rows or head is an empty,
     * intact chain.
     */
    async verify(partition?: string): Promise<{ partitions: PartitionCheck[] }> {
      const names = partition !== undefined ? [partition] : await partitionNames();
      const partitions: PartitionCheck[] = [];
      for (const name of names) partitions.push(await verifyPartition(name));
      return { partitions };
    },

    /**
     * Erases every partition's oldest rows, read before `cutoff`, and anchors what remains to the last row
     * erased. Only a prefix of each chain goes: a row read before the cutoff but appended after a newer one
     * waits for the next erasure. Returns how many rows were erased.
     */
    async eraseBefore(cutoff: Date): Promise<number> {
      let erased = 0;
      for (const name of await partitionNames()) {
        erased += await db.transaction().execute(async (tx) => {
          const head = await tx
            .selectFrom('access_log_heads')
            .select(['position', 'anchor_position'])
            .where('partition', '=', name)
            .forUpdate()
            .executeTakeFirst();
          if (!head) return 0;
          const firstKept = await tx
            .selectFrom('access_log')
            .select((eb) => eb.fn.min('position').as('position'))
            .where('partition', '=', name)
            .where('at', '>=', cutoff)
            .executeTakeFirst();
          const lastErased =
            firstKept?.position == null ? Number(head.position) : Number(firstKept.position) - 1;
          if (lastErased <= Number(head.anchor_position)) return 0;
          const anchor = await tx
            .selectFrom('access_log')
            .select('hash')
            .where('partition', '=', name)
            .where('position', '=', String(lastErased))
            .executeTakeFirst();
          // Without the row to anchor to, the chain is already broken: erasing would hide that.
          if (!anchor) return 0;
          const deleted = await tx
            .deleteFrom('access_log')
            .where('partition', '=', name)
            .where('position', '<=', String(lastErased))
            .executeTakeFirst();
          await tx
            .updateTable('access_log_heads')
            .set({ anchor_hash: anchor.hash, anchor_position: String(lastErased) })
            .where('partition', '=', name)
            .execute();
          return Number(deleted.numDeletedRows);
        });
      }
      return erased;
    },
  };

  /** Every partition with a head or a row: rows whose head went missing must not escape verification. */
  async function partitionNames(): Promise<string[]> {
    const { rows } = await sql<{ partition: string }>`
      select partition from access_log_heads
      union
      select distinct partition from access_log
      order by partition`.execute(db);
    return rows.map((r) => r.partition);
  }

  async function verifyPartition(partition: string): Promise<PartitionCheck> {
    const stored = await db
      .selectFrom('access_log_heads')
      .selectAll()
      .where('partition', '=', partition)
      .executeTakeFirst();
    const head: Head | undefined = stored && {
      position: Number(stored.position),
      hash: stored.hash,
      anchorHash: stored.anchor_hash,
      anchorPosition: Number(stored.anchor_position),
    };
    let rows = 0;
    let broken: { position: number; reason: string } | undefined;
    const breakAt = (position: number, reason: string) => (broken ??= { position, reason });
    let position = head?.anchorPosition ?? 0;
    let hash = head?.anchorHash ?? GENESIS_HASH;
    let after: string | undefined;
    for (;;) {
      let q = db
        .selectFrom('access_log')
        .selectAll()
        .where('partition', '=', partition)
        .orderBy('position')
        .limit(VERIFY_BATCH);
      if (after !== undefined) q = q.where('position', '>', after);
      const batch = await q.execute();
      for (const row of batch) {
        rows += 1;
        if (broken) continue;
        const at = Number(row.position);
        if (!head) breakAt(at, 'the partition has rows but no head');
        else if (at <= head.anchorPosition) breakAt(at, `row ${at} lies in the erased range`);
        else if (at !== position + 1) breakAt(position + 1, `row ${position + 1} is missing`);
        else if (row.prev_hash !== hash) breakAt(at, `row ${at} does not chain to the row before it`);
        else if (rowHash(row) !== row.hash) breakAt(at, `row ${at} does not match its hash`);
        position = at;
        hash = row.hash;
      }
      if (batch.length < VERIFY_BATCH) break;
      after = String(batch.at(-1)!.position);
    }
    if (!broken && head && head.position > position) {
      breakAt(position + 1, `row ${position + 1} is missing: the head names row ${head.position}`);
    } else if (!broken && head && head.position < position) {
      breakAt(head.position + 1, `row ${head.position + 1} lies beyond the head`);
    } else if (!broken && head && head.hash !== hash) {
      breakAt(head.position, `the head's hash does not match row ${head.position}`);
    }
    return broken
      ? { partition, rows, ok: false, firstBrokenPosition: broken.position, reason: broken.reason }
      : { partition, rows, ok: true };
  }
}

/** The access log of the records store. */
export type AccessLog = ReturnType<typeof createAccessLog>;

/**
 * A row's hash: sha256 over a JSON array of its partition, position, instant, facts and the hash it chains
 * to. A JSON array of strings has one spelling, so no two rows' fields can run into each other.
 */
function rowHash(row: Omit<Row, 'seq' | 'hash'>): string {
  const canonical = JSON.stringify([
    row.partition,
    String(row.position),
    row.at.toISOString(),
    row.case_id,
    row.region,
    row.actor_id,
    row.actor_role,
    row.view,
    row.resource,
    row.request_id,
    row.prev_hash,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function toEntry(row: Row): AccessRecordEntry {
  return {
    seq: String(row.seq),
    at: row.at.toISOString(),
    caseId: row.case_id,
    region: row.region,
    by: { id: row.actor_id, role: row.actor_role as AccessRecord['by']['role'] },
    view: row.view as AccessRecord['view'],
    resource: row.resource as AccessRecordEntry['resource'],
    requestId: row.request_id,
  };
}
