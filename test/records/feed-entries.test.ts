import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedStore } from '../../activities/notification.activities';
import type { FeedEntry } from '../../machines/notification.schema';
import { createFeedEntries, FEED_CHANNEL, type StoredFeedEntry } from '../../records/feed-entries';
import { openRecordsDatabase, type RecordsDatabase } from '../../records/records.database';
import { createSealer } from '../../records/sealer';
import { startPostgres } from '../support/postgres';

type Engine = {
  engine: 'pglite' | 'postgres';
  start: () => Promise<{ location: string; stop: () => Promise<void> }>;
};

const engines: Engine[] = [
  {
    engine: 'pglite',
    start: () => Promise.resolve({ location: 'memory://', stop: () => Promise.resolve() }),
  },
  {
    engine: 'postgres',
    start: async () => {
      const server = await startPostgres();
      return { location: server.url, stop: () => server.stop() };
    },
  },
];

const PLACE = 'Station Assen';
let counter = 0;
/** A fresh tenant per spec: the specs share one database. */
const aTenant = () => `tenant-${++counter}`;

function anEntry(overrides: Partial<FeedEntry> = {}): FeedEntry {
  const n = ++counter;
  return {
    id: `case-${n}.case.reported.police_desk.feed`,
    caseId: `case-${n}`,
    event: 'case.reported',
    at: '2026-11-24T08:10:00.000Z',
    party: 'police_desk',
    tenant: 'noord-nl',
    urgency: 'immediate',
    template: 'alert',
    link: `/v1/cases/case-${n}`,
    facts: { lastSeenPlace: PLACE, urgent: true },
    ...overrides,
  };
}

/** Collects what a subscription delivers. */
function collector() {
  const received: StoredFeedEntry[] = [];
  return {
    received,
    ids: () => received.map((e) => e.id),
    onEntry: (e: StoredFeedEntry) => void received.push(e),
  };
}

const withoutSeq = ({ seq: _seq, ...entry }: StoredFeedEntry): FeedEntry => entry;

describe.each(engines)('feed entries on $engine', ({ engine, start }) => {
  let server: Awaited<ReturnType<Engine['start']>>;
  let database: RecordsDatabase;
  const sealer = createSealer([randomBytes(32)]);
  let feed: ReturnType<typeof createFeedEntries>;

  beforeAll(async () => {
    server = await start();
    database = await openRecordsDatabase(server.location);
    feed = createFeedEntries({ database, sealer }) satisfies FeedStore;
  });

  afterAll(async () => {
    await database?.close();
    await server?.stop();
  });

  it('keeps one entry per delivery id however often it is appended', async () => {
    const tenant = aTenant();
    const entry = anEntry({ tenant });

    await feed.append(entry);
    await feed.append({ ...entry, facts: { lastSeenPlace: 'elsewhere' } });
    await Promise.all([feed.append(entry), feed.append(entry)]);

    expect((await feed.list('police_desk', tenant)).map(withoutSeq)).toEqual([entry]);
  });

  it('announces a new entry once, by party, tenant and seq only, and a repeated one not at all', async () => {
    const tenant = aTenant();
    const payloads: string[] = [];
    const stop = await database.listen(FEED_CHANNEL, (payload) => {
      if (payload.includes(tenant)) payloads.push(payload);
    });
    try {
      const entry = anEntry({ tenant });
      await feed.append(entry);
      await feed.append(entry);
      await feed.append(anEntry({ tenant: aTenant() }));
      const [stored] = await feed.list('police_desk', tenant);

      await expect.poll(() => payloads).toHaveLength(1);
      expect(JSON.parse(payloads[0]!)).toEqual({ party: 'police_desk', tenant, seq: stored!.seq });
    } finally {
      await stop();
    }
  });

  it('lists only the party’s feed in its tenant, oldest first', async () => {
    const tenant = aTenant();
    const first = anEntry({ tenant });
    const otherTenant = anEntry({ tenant: aTenant() });
    const otherParty = anEntry({ tenant, party: 'clinic' });
    const second = anEntry({ tenant, at: '2026-11-24T07:00:00.000Z' });
    for (const entry of [first, otherTenant, otherParty, second]) await feed.append(entry);

    const listed = await feed.list('police_desk', tenant);

    expect(listed.map((e) => e.id)).toEqual([first.id, second.id]);
    expect(BigInt(listed[0]!.seq)).toBeLessThan(BigInt(listed[1]!.seq));
    expect((await feed.list('clinic', tenant)).map((e) => e.id)).toEqual([otherParty.id]);
    expect(await feed.list('ambulance', tenant)).toEqual([]);
  });

  it('pages with a limit and the seq of the last entry as cursor', async () => {
    const tenant = aTenant();
    const entries = [1, 2, 3, 4, 5].map(() => anEntry({ tenant }));
    for (const entry of entries) await feed.append(entry);

    const page1 = await feed.list('police_desk', tenant, { limit: 2 });
    const page2 = await feed.list('police_desk', tenant, { limit: 2, afterSeq: page1.at(-1)!.seq });
    const page3 = await feed.list('police_desk', tenant, { limit: 2, afterSeq: page2.at(-1)!.seq });

    expect([page1, page2, page3].map((page) => page.map((e) => e.id))).toEqual([
      [entries[0]!.id, entries[1]!.id],
      [entries[2]!.id, entries[3]!.id],
      [entries[4]!.id],
    ]);
  });

  it('narrows the list by event and by instant', async () => {
    const tenant = aTenant();
    const reported = anEntry({ tenant, at: '2026-11-24T08:00:00.000Z' });
    const closed = anEntry({ tenant, event: 'case.closed', at: '2026-11-25T08:00:00.000Z' });
    for (const entry of [reported, closed]) await feed.append(entry);

    const ids = async (filter: Parameters<typeof feed.list>[2]) =>
      (await feed.list('police_desk', tenant, filter)).map((e) => e.id);

    expect(await ids({ event: 'case.closed' })).toEqual([closed.id]);
    expect(await ids({ event: 'delivery.failed' })).toEqual([]);
    expect(await ids({ since: new Date('2026-11-24T08:00:00.000Z') })).toEqual([closed.id]);
  });

  it('seals the entry: the stored row shows no fact in clear, and the list opens it again', async () => {
    const tenant = aTenant();
    const entry = anEntry({ tenant });
    await feed.append(entry);

    const { rows } = await sql<{ sealed: Uint8Array; row: string }>`
      select sealed, row_to_json(f)::text as row from feed_entries f where id = ${entry.id}`.execute(
      database.db,
    );

    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.sealed).includes(Buffer.from(PLACE))).toBe(false);
    expect(rows[0]!.row).not.toContain(PLACE);
    expect(rows[0]!.row).not.toContain(Buffer.from(PLACE).toString('hex'));
    expect((await feed.list('police_desk', tenant))[0]?.facts.lastSeenPlace).toBe(PLACE);
  });

  it('delivers a new entry of its party and tenant to a subscriber, and not another tenant’s', async () => {
    const tenant = aTenant();
    const before = anEntry({ tenant });
    await feed.append(before);
    const { received, ids, onEntry } = collector();
    const stop = await feed.subscribe('police_desk', tenant, onEntry);
    try {
      const elsewhere = anEntry({ tenant: aTenant() });
      const otherParty = anEntry({ tenant, party: 'clinic' });
      const mine = anEntry({ tenant });
      for (const entry of [elsewhere, otherParty, mine]) await feed.append(entry);

      await expect.poll(ids, { timeout: 5_000 }).toContain(mine.id);
      expect(ids()).toEqual([mine.id]);
      expect(withoutSeq(received[0]!)).toEqual(mine);
    } finally {
      await stop();
    }
  });

  it('delivers every entry once and in order when appends come faster than it loads', async () => {
    const tenant = aTenant();
    const { ids, onEntry } = collector();
    const stop = await feed.subscribe('police_desk', tenant, onEntry);
    try {
      const entries = Array.from({ length: 30 }, () => anEntry({ tenant }));
      await Promise.all(entries.map((entry) => feed.append(entry)));
      const inStoreOrder = (await feed.list('police_desk', tenant)).map((e) => e.id);

      await expect.poll(ids, { timeout: 5_000 }).toHaveLength(30);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(ids()).toEqual(inStoreOrder);
    } finally {
      await stop();
    }
  });

  it('replays the entries after a given seq before the live ones', async () => {
    const tenant = aTenant();
    const [seen, missed] = [anEntry({ tenant }), anEntry({ tenant })];
    for (const entry of [seen, missed]) await feed.append(entry);
    const [stored] = await feed.list('police_desk', tenant);
    const { ids, onEntry } = collector();

    const stop = await feed.subscribe('police_desk', tenant, onEntry, { afterSeq: stored!.seq });
    try {
      const live = anEntry({ tenant });
      await feed.append(live);

      await expect.poll(ids, { timeout: 5_000 }).toEqual([missed.id, live.id]);
    } finally {
      await stop();
    }
  });

  it('calls a subscriber no more once it has stopped', async () => {
    const tenant = aTenant();
    const { ids, onEntry } = collector();
    const stop = await feed.subscribe('police_desk', tenant, onEntry);
    await feed.append(anEntry({ tenant }));
    await expect.poll(ids, { timeout: 5_000 }).toHaveLength(1);

    await stop();
    await feed.append(anEntry({ tenant }));
    const watcher = collector();
    const stopWatcher = await feed.subscribe('police_desk', tenant, watcher.onEntry, { afterSeq: '0' });
    await expect.poll(watcher.ids, { timeout: 5_000 }).toHaveLength(2);
    await stopWatcher();

    expect(ids()).toHaveLength(1);
  });

  it.runIf(engine === 'postgres')(
    'delivers to a subscriber on one pool an entry appended through another (two API instances)',
    async () => {
      const other = await openRecordsDatabase(server.location);
      try {
        const writer = createFeedEntries({ database: other, sealer });
        const tenant = aTenant();
        const { ids, onEntry } = collector();
        const stop = await feed.subscribe('police_desk', tenant, onEntry);
        try {
          const entry = anEntry({ tenant });
          await writer.append(entry);

          await expect.poll(ids, { timeout: 5_000 }).toEqual([entry.id]);
        } finally {
          await stop();
        }
      } finally {
        await other.close();
      }
    },
  );

  it.runIf(engine === 'postgres')(
    'delivers an entry whose append took its seq before a later one committed',
    async () => {
      const tenant = aTenant();
      const [slow, fast] = [anEntry({ tenant }), anEntry({ tenant })];
      const { ids, onEntry } = collector();
      const stop = await feed.subscribe('police_desk', tenant, onEntry);
      const blocker = new pg.Client({ connectionString: server.location });
      await blocker.connect();
      try {
        // An uncommitted row with the slow entry's id holds its append on the unique index.
        await blocker.query('begin');
        await blocker.query(
          `insert into feed_entries (id, party, tenant, case_id, event, at, sealed)
           values ($1, 'police_desk', $2, 'x', 'x', now(), '\\x00')`,
          [slow.id, tenant],
        );
        const slowAppend = feed.append(slow);
        const waiting = async () =>
          (await blocker.query<{ n: number }>('select count(*)::int as n from pg_locks where not granted'))
            .rows[0]!.n;
        await expect.poll(waiting).toBeGreaterThan(0);
        const fastAppend = feed.append(fast);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await blocker.query('rollback');
        await Promise.all([slowAppend, fastAppend]);

        await expect.poll(ids, { timeout: 5_000 }).toHaveLength(2);
        expect(ids()).toEqual((await feed.list('police_desk', tenant)).map((e) => e.id));
      } finally {
        await blocker.end();
        await stop();
      }
    },
  );

  it('erases the entries before the cut-off and keeps the later ones', async () => {
    const tenant = aTenant();
    const old = anEntry({ tenant, at: '2020-06-01T00:00:00.000Z' });
    const kept = anEntry({ tenant, at: '2021-06-01T00:00:00.000Z' });
    for (const entry of [old, kept]) await feed.append(entry);

    const erased = await feed.eraseBefore(new Date('2021-01-01T00:00:00.000Z'));

    expect(erased).toBe(1);
    expect((await feed.list('police_desk', tenant)).map((e) => e.id)).toEqual([kept.id]);
  });
});
