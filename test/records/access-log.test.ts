import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AccessRecord } from '../../machines/access-record.schema';
import { createAccessLog, type AccessLog } from '../../records/access-log';
import { openRecordsDatabase, type RecordsDatabase } from '../../records/records.database';
import type { RecordsTables } from '../../records/records.tables';
import { startPostgres, type PostgresServer } from '../support/postgres';

const ROOT = path.join(__dirname, '../..');

/** A fresh, empty store, and where another process can open it (for PGlite: once this one has closed it). */
type Opened = { database: RecordsDatabase; location: string; close(): Promise<void> };

type Engine = { name: string; open(options?: { onDisk: boolean }): Promise<Opened> };

function opened(database: RecordsDatabase, location: string): Opened {
  let closed: Promise<void> | undefined;
  return { database, location, close: () => (closed ??= database.close()) };
}

let server: PostgresServer | undefined;
const cleanUps: (() => Promise<void>)[] = [];

const pglite: Engine = {
  name: 'PGlite',
  async open(options) {
    if (!options?.onDisk) return opened(await openRecordsDatabase('memory://'), 'memory://');
    const dir = mkdtempSync(path.join(tmpdir(), 'vermist-access-log-'));
    cleanUps.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    return opened(await openRecordsDatabase(dir), dir);
  },
};

const postgres: Engine = {
  name: 'PostgreSQL',
  async open() {
    const url = await freshDatabase();
    return opened(await openRecordsDatabase(url), url);
  },
};

/** One server for the file, one database per spec: specs never see each other's rows. */
async function freshDatabase(): Promise<string> {
  server ??= await startPostgres();
  return server.createDatabase();
}

afterAll(async () => {
  await server?.stop();
});

const T0 = Date.parse('2026-03-02T08:00:00.000Z');

function read(overrides: Partial<AccessRecord> = {}): AccessRecord {
  return {
    at: new Date(T0).toISOString(),
    caseId: 'case-1',
    region: 'noord-nl',
    by: { id: 'desk.1', role: 'police_desk' },
    view: 'police_desk',
    resource: 'case',
    requestId: randomUUID(),
    ...overrides,
  };
}

/** Runs `task` for 0..count-1 with at most `width` running at once. */
async function concurrently(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

async function listAll(log: AccessLog, filter: { region?: string } = {}) {
  const items = [];
  let after: string | undefined;
  do {
    const page = await log.list({ ...filter, limit: 500, ...(after !== undefined && { after }) });
    items.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return items;
}

/** The row hash as an auditor recomputes it from the documented form, without our code. */
function auditorHash(row: Record<string, unknown>): string {
  const fields = [
    row.partition,
    String(row.position),
    (row.at as Date).toISOString(),
    ...['case_id', 'region', 'actor_id', 'actor_role', 'view', 'resource', 'request_id', 'prev_hash'].map(
      (column) => row[column],
    ),
  ];
  return createHash('sha256').update(JSON.stringify(fields), 'utf8').digest('hex');
}

async function rowAt(db: Kysely<RecordsTables>, position: number) {
  const { rows } = await sql<Record<string, unknown>>`
    select * from access_log where partition = 'noord-nl' and position = ${position}`.execute(db);
  return rows[0]!;
}

async function runScript(args: string[]): Promise<{ code: number; stdout: string }> {
  const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
  try {
    const { stdout } = await promisify(execFile)(tsx, ['scripts/verify-access-log.ts', ...args], {
      cwd: ROOT,
    });
    return { code: 0, stdout };
  } catch (error) {
    const { code, stdout } = error as { code?: number; stdout?: string };
    return { code: code ?? -1, stdout: stdout ?? '' };
  }
}

describe.each([pglite, postgres])('createAccessLog on $name', (engine) => {
  let store: Opened | undefined;
  let log: AccessLog;

  const open = async (options?: { onDisk: boolean }) => {
    const opened = await engine.open(options);
    store = opened;
    log = createAccessLog({ db: opened.database.db });
    return { db: opened.database.db, location: opened.location, close: () => opened.close() };
  };

  afterEach(async () => {
    await store?.close();
    store = undefined;
    for (const cleanUp of cleanUps.splice(0)) await cleanUp();
  });

  it('lists a read by its case, its actor, its region and its period', async () => {
    await open();
    const mine = read({ caseId: 'case-7', by: { id: 'desk.2', role: 'police_desk' }, region: 'oost-nl' });
    await log.record(read({ at: new Date(T0 - 3_600_000).toISOString(), region: 'oost-nl' }));
    await log.record(mine);
    await log.record(read({ at: new Date(T0 + 3_600_000).toISOString(), region: 'oost-nl' }));
    await log.record(read({ caseId: 'case-8', by: { id: 'desk.2', role: 'police_desk' } }));

    const only = (filter: Parameters<AccessLog['list']>[0]) =>
      log.list(filter).then((page) => page.items.map((item) => item.requestId));
    expect(await only({ caseId: 'case-7', limit: 10 })).toEqual([mine.requestId]);
    expect(await only({ actorId: 'desk.2', region: 'oost-nl', limit: 10 })).toEqual([mine.requestId]);
    expect(
      await only({ region: 'oost-nl', from: new Date(T0), to: new Date(T0 + 3_600_000), limit: 10 }),
    ).toEqual([mine.requestId]);
    const page = await log.list({ caseId: 'case-7', limit: 10 });
    expect(page).toEqual({ items: [{ ...mine, seq: expect.stringMatching(/^\d+$/) }], nextCursor: null });
  });

  it('pages by cursor in log order without repeating or losing a read', async () => {
    await open();
    const reads = Array.from({ length: 7 }, (_, i) => read({ caseId: `case-${i}` }));
    for (const r of reads) await log.record(r);

    const first = await log.list({ region: 'noord-nl', limit: 3 });
    const second = await log.list({ region: 'noord-nl', limit: 3, after: first.nextCursor! });
    const third = await log.list({ region: 'noord-nl', limit: 3, after: second.nextCursor! });

    expect([first, second, third].map((p) => p.items.map((i) => i.caseId))).toEqual([
      ['case-0', 'case-1', 'case-2'],
      ['case-3', 'case-4', 'case-5'],
      ['case-6'],
    ]);
    expect(third.nextCursor).toBeNull();
  });

  it('records 12,000 concurrent reads of one region and day, lists them all, and verifies the chain', async () => {
    await open();
    const count = 12_000;
    await concurrently(count, 16, (i) =>
      log.record(read({ at: new Date(T0 + i * 1000).toISOString(), caseId: `case-${i % 97}` })),
    );

    const items = await listAll(log, { region: 'noord-nl' });
    expect(items).toHaveLength(count);
    expect(new Set(items.map((item) => item.requestId)).size).toBe(count);
    expect(await log.verify()).toEqual({ partitions: [{ partition: 'noord-nl', rows: count, ok: true }] });
  }, 240_000);

  it('reports the partition broken at the row whose actor was changed by SQL, and the script exits 1', async () => {
    const { db, location, close } = await open({ onDisk: true });
    for (let i = 0; i < 10; i++) await log.record(read());
    await log.record(read({ region: 'zuid-nl' }));

    await sql`update access_log set actor_id = 'mallory' where partition = 'noord-nl' and position = 7`.execute(
      db,
    );

    expect(await log.verify()).toEqual({
      partitions: [
        {
          partition: 'noord-nl',
          rows: 10,
          ok: false,
          firstBrokenPosition: 7,
          reason: 'row 7 does not match its hash',
        },
        { partition: 'zuid-nl', rows: 1, ok: true },
      ],
    });
    // PGlite is one process's database: the script may open the directory only once this process let go.
    await close();
    const script = await runScript(['--records', location]);
    expect(script.code).toBe(1);
    expect(script.stdout).toMatch(/^noord-nl\t10 rows\tBROKEN at position 7: /m);
    expect(script.stdout).toMatch(/^zuid-nl\t1 rows\tok$/m);
    expect(await runScript(['--records', location, '--partition', 'zuid-nl'])).toMatchObject({ code: 0 });
  }, 120_000);

  it('hashes each row over its partition, position, facts and the hash before it, from 64 zeros', async () => {
    const { db } = await open();
    await log.record(read({ at: '2026-03-02T08:00:00.123456Z' }));
    await log.record(read());

    const [first, second] = [await rowAt(db, 1), await rowAt(db, 2)];

    expect(first.prev_hash).toBe('0'.repeat(64));
    expect(first.hash).toBe(auditorHash(first));
    expect(second.prev_hash).toBe(first.hash);
    expect(second.hash).toBe(auditorHash(second));
  });

  it('reports a rewritten row whose successor was relinked to it at the successor', async () => {
    const { db } = await open();
    for (let i = 0; i < 10; i++) await log.record(read());

    const forged = { ...(await rowAt(db, 4)), actor_id: 'mallory' };
    const forgedHash = auditorHash(forged);
    await sql`update access_log set actor_id = 'mallory', hash = ${forgedHash}
              where partition = 'noord-nl' and position = 4`.execute(db);
    await sql`update access_log set prev_hash = ${forgedHash}
              where partition = 'noord-nl' and position = 5`.execute(db);

    expect((await log.verify('noord-nl')).partitions).toEqual([
      {
        partition: 'noord-nl',
        rows: 10,
        ok: false,
        firstBrokenPosition: 5,
        reason: 'row 5 does not match its hash',
      },
    ]);
  });

  it('reports a deleted row as missing at its position', async () => {
    const { db } = await open();
    for (let i = 0; i < 10; i++) await log.record(read());

    await sql`delete from access_log where partition = 'noord-nl' and position = 4`.execute(db);

    expect(await log.verify('noord-nl')).toEqual({
      partitions: [
        { partition: 'noord-nl', rows: 9, ok: false, firstBrokenPosition: 4, reason: 'row 4 is missing' },
      ],
    });
  });

  it('reports the newest row deleted when the head names a row the chain lacks', async () => {
    const { db } = await open();
    for (let i = 0; i < 5; i++) await log.record(read());

    await sql`delete from access_log where partition = 'noord-nl' and position = 5`.execute(db);

    expect((await log.verify('noord-nl')).partitions).toEqual([
      {
        partition: 'noord-nl',
        rows: 4,
        ok: false,
        firstBrokenPosition: 5,
        reason: 'row 5 is missing: the head names row 5',
      },
    ]);
  });

  it('erases the reads before the cutoff, counts them, and keeps the rest verifiable', async () => {
    await open();
    const day = 86_400_000;
    for (let i = 0; i < 6; i++) await log.record(read({ at: new Date(T0 + i * day).toISOString() }));
    for (let i = 0; i < 2; i++) await log.record(read({ region: 'west-nl', at: new Date(T0).toISOString() }));

    const erased = await log.eraseBefore(new Date(T0 + 4 * day));

    expect(erased).toBe(6);
    expect((await listAll(log)).map((item) => item.at)).toEqual([
      new Date(T0 + 4 * day).toISOString(),
      new Date(T0 + 5 * day).toISOString(),
    ]);
    expect(await log.verify()).toEqual({
      partitions: [
        { partition: 'noord-nl', rows: 2, ok: true },
        { partition: 'west-nl', rows: 0, ok: true },
      ],
    });
    await log.record(read());
    expect(await log.eraseBefore(new Date(T0 + 4 * day))).toBe(0);
    expect((await log.verify('noord-nl')).partitions).toEqual([{ partition: 'noord-nl', rows: 3, ok: true }]);
  });

  it('still detects a changed row after an erasure moved the anchor', async () => {
    const { db } = await open();
    for (let i = 0; i < 6; i++) await log.record(read({ at: new Date(T0 + i * 1000).toISOString() }));
    await log.eraseBefore(new Date(T0 + 3000));

    await sql`update access_log set actor_id = 'mallory' where position = 4`.execute(db);

    expect((await log.verify()).partitions).toEqual([
      expect.objectContaining({ rows: 3, ok: false, firstBrokenPosition: 4 }),
    ]);
  });
});

describe('createAccessLog on two PostgreSQL pools', () => {
  let databases: RecordsDatabase[] = [];

  afterEach(async () => {
    for (const database of databases) await database.close();
    databases = [];
  });

  it('never forks a chain when two API instances append to it at once', async () => {
    const url = await freshDatabase();
    databases = [await openRecordsDatabase(url), await openRecordsDatabase(url)];
    const logs = databases.map((database) => createAccessLog({ db: database.db }));

    await concurrently(2_000, 32, (i) =>
      logs[i % 2]!.record(read({ region: i % 3 === 0 ? 'oost-nl' : 'noord-nl', requestId: `r-${i}` })),
    );

    const { rows } = await sql<{ partition: string; positions: number; distinct_prev: number; max: number }>`
      select partition, count(*)::int as positions, count(distinct prev_hash)::int as distinct_prev,
             max(position)::int as max
      from access_log group by partition order by partition`.execute(databases[0]!.db);
    expect(rows).toEqual([
      { partition: 'noord-nl', positions: 1333, distinct_prev: 1333, max: 1333 },
      { partition: 'oost-nl', positions: 667, distinct_prev: 667, max: 667 },
    ]);
    expect((await logs[1]!.verify()).partitions.map((p) => p.ok)).toEqual([true, true]);
  }, 120_000);
});
