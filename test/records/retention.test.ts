import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RetentionPolicySchema } from '../../machines/retention.schema';
import { openRecordsDatabase, type RecordsDatabase } from '../../records/records.database';
import type { RecordsTables } from '../../records/records.tables';
import { createCasePhotos } from '../../records/sealed-photos';
import { eraseExpired, type Eraser } from '../../records/retention';
import { createSealer } from '../../records/sealer';
import { startPostgres, type PostgresServer } from '../support/postgres';

const DAY = 86_400_000;
const NOW = new Date('2031-06-15T03:00:00.000Z');
const policy = RetentionPolicySchema.parse({
  temporalNamespace: '30d',
  closedCases: '365d',
  accessLog: '1827d',
  feedEntries: '90d',
  idempotencyKeys: '30d',
  sources: ['test'],
});
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const sealer = createSealer([randomBytes(32)]);

/** An eraser that counts the cut-offs it is called with and says it erased `erased` rows each time. */
function fakeEraser(erased: number): Eraser & { cutoffs: Date[] } {
  const cutoffs: Date[] = [];
  return {
    cutoffs,
    eraseBefore: (cutoff) => {
      cutoffs.push(cutoff);
      return Promise.resolve(erased);
    },
  };
}

/** A case record and one open task, written straight into the tables as the store writes them. */
async function insertCase(db: Kysely<RecordsTables>, caseId: string, closedAt: Date | null) {
  const facts = {
    region: 'noord-nl',
    institution_id: 'ggz-noord',
    status: 'closed',
    risk: 'medium',
    urgent: false,
  };
  await db
    .insertInto('case_records')
    .values({
      case_id: caseId,
      version: 3,
      ...facts,
      kind: 'missing',
      reported_at: daysAgo(2000),
      closed_at: closedAt,
      outcome: closedAt ? 'returned' : null,
      updated_at: closedAt ?? NOW,
      sealed: sealer.seal(
        { caseId, name: 'J. de Vries' },
        { table: 'case_records', id: caseId, field: 'view' },
      ),
    })
    .execute();
  await db
    .insertInto('case_tasks')
    .values({
      case_id: caseId,
      task: 'review_risk',
      role: 'police_desk',
      escalated_to: null,
      due_at: null,
      due_sort: '9999-12-31T23:59:59.999Z',
      claimed_by_id: null,
      claimed_by_role: null,
      priority: 2,
      ...facts,
    })
    .execute();
}

const engines: [string, () => Promise<{ database: RecordsDatabase; stop: () => Promise<void> }>][] = [
  [
    'PGlite',
    async () => {
      const database = await openRecordsDatabase('memory://');
      return { database, stop: () => database.close() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const server: PostgresServer = await startPostgres();
      const database = await openRecordsDatabase(server.url).catch(async (error: unknown) => {
        await server.stop();
        throw error;
      });
      return {
        database,
        stop: async () => {
          await database.close();
          await server.stop();
        },
      };
    },
  ],
];

describe.each(engines)('eraseExpired on %s', (_engine, open) => {
  let database: RecordsDatabase;
  let stop: () => Promise<void>;
  let db: Kysely<RecordsTables>;
  const erasers = () => ({ accessLog: fakeEraser(4), feed: fakeEraser(7) });

  beforeAll(async () => {
    ({ database, stop } = await open());
    db = database.db;
  });

  afterAll(async () => {
    await stop?.();
  });

  beforeEach(async () => {
    await db.deleteFrom('case_records').execute();
    await db.deleteFrom('erasures').execute();
    await insertCase(db, 'case-expired', daysAgo(366));
    await insertCase(db, 'case-at-cutoff', daysAgo(365));
    await insertCase(db, 'case-recent', daysAgo(10));
    await insertCase(db, 'case-open', null);
  });

  it('erases the first answers kept for retries once they are older than their period, and only those', async () => {
    await db.deleteFrom('idempotency_keys').execute();
    const key = (name: string, createdAt: Date) => ({
      owner: 'desk.noord',
      key: name,
      request_hash: 'h',
      status: 200,
      sealed: Buffer.from('sealed'),
      created_at: createdAt,
    });
    await db
      .insertInto('idempotency_keys')
      .values([key('old', daysAgo(31)), key('recent', daysAgo(29))])
      .execute();

    const counts = await eraseExpired({ db, ...erasers() }, policy, NOW);

    expect(counts.at(-1)).toEqual({ kind: 'idempotencyKeys', erased: 1, before: daysAgo(30).toISOString() });
    const kept = await db.selectFrom('idempotency_keys').select('key').execute();
    expect(kept).toEqual([{ key: 'recent' }]);
  });

  const caseIds = async () =>
    (await db.selectFrom('case_records').select('case_id').orderBy('case_id').execute()).map(
      (r) => r.case_id,
    );
  const taskCaseIds = async () =>
    (await db.selectFrom('case_tasks').select('case_id').orderBy('case_id').execute()).map((r) => r.case_id);

  it('erases a case closed longer ago than the period, and its tasks with it', async () => {
    const counts = await eraseExpired({ db, ...erasers() }, policy, NOW);

    expect(counts[0]).toEqual({ kind: 'closedCases', erased: 1, before: daysAgo(365).toISOString() });
    expect(await caseIds()).not.toContain('case-expired');
    expect(await taskCaseIds()).not.toContain('case-expired');
  });

  it('erases the photos of a case it erases, and keeps those of the cases it keeps', async () => {
    const photos = createCasePhotos({ db, sealer });
    for (const caseId of ['case-expired', 'case-recent', 'case-open'])
      await photos.store({
        caseId,
        contentType: 'image/png',
        bytes: Buffer.from(`a photo of ${caseId}`),
        uploadedAt: daysAgo(400),
        uploadedByRole: 'clinic',
      });

    await eraseExpired({ db, ...erasers() }, policy, NOW);

    const kept = await db.selectFrom('case_photos').select('case_id').orderBy('case_id').execute();
    expect(kept.map((r) => r.case_id)).toEqual(['case-open', 'case-recent']);
  });

  it('keeps a recently closed case, one closed exactly the period ago, and an open one', async () => {
    await eraseExpired({ db, ...erasers() }, policy, NOW);

    expect(await caseIds()).toEqual(['case-at-cutoff', 'case-open', 'case-recent']);
    expect(await taskCaseIds()).toEqual(['case-at-cutoff', 'case-open', 'case-recent']);
  });

  it('logs one erasure per kind with its count and cut-off, and nothing about what was erased', async () => {
    await eraseExpired({ db, ...erasers() }, policy, NOW);

    const rows = await db.selectFrom('erasures').selectAll().orderBy('id').execute();
    expect(rows.map(({ id: _id, ...row }) => row)).toEqual([
      { at: NOW, kind: 'closedCases', erased: 1, before: daysAgo(365) },
      { at: NOW, kind: 'accessLog', erased: 4, before: daysAgo(1827) },
      { at: NOW, kind: 'feedEntries', erased: 7, before: daysAgo(90) },
      { at: NOW, kind: 'idempotencyKeys', erased: 0, before: daysAgo(30) },
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/case-expired|de Vries/);
  });

  it('calls the access-log and feed erasers with their own cut-offs', async () => {
    const { accessLog, feed } = erasers();

    const counts = await eraseExpired({ db, accessLog, feed }, policy, NOW);

    expect(accessLog.cutoffs).toEqual([daysAgo(1827)]);
    expect(feed.cutoffs).toEqual([daysAgo(90)]);
    expect(counts.slice(1, 3)).toEqual([
      { kind: 'accessLog', erased: 4, before: daysAgo(1827).toISOString() },
      { kind: 'feedEntries', erased: 7, before: daysAgo(90).toISOString() },
    ]);
  });

  it('erases nothing more when it runs again at the same instant, and logs that as 0', async () => {
    await eraseExpired({ db, ...erasers() }, policy, NOW);

    const again = await eraseExpired({ db, accessLog: fakeEraser(0), feed: fakeEraser(0) }, policy, NOW);

    expect(again.map((c) => c.erased)).toEqual([0, 0, 0, 0]);
    expect(await caseIds()).toEqual(['case-at-cutoff', 'case-open', 'case-recent']);
    const logged = await db.selectFrom('erasures').select(['kind', 'erased']).orderBy('id').execute();
    expect(logged.slice(4)).toEqual([
      { kind: 'closedCases', erased: 0 },
      { kind: 'accessLog', erased: 0 },
      { kind: 'feedEntries', erased: 0 },
      { kind: 'idempotencyKeys', erased: 0 },
    ]);
  });

  it('fails the run when an eraser fails, with the cases it erased already logged', async () => {
    const failing: Eraser = { eraseBefore: () => Promise.reject(new Error('access log unavailable')) };

    await expect(eraseExpired({ db, accessLog: failing, feed: fakeEraser(0) }, policy, NOW)).rejects.toThrow(
      'access log unavailable',
    );

    const logged = await db.selectFrom('erasures').select(['kind', 'erased']).execute();
    expect(logged).toEqual([{ kind: 'closedCases', erased: 1 }]);
    expect(await caseIds()).not.toContain('case-expired');
  });
});
