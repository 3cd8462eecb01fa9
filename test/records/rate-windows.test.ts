import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordsStore } from '../../records/records.store';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { openTestRecords } from '../support/records';

const engines: [string, () => Promise<{ location: string; stop: () => Promise<void> }>][] = [
  ['PGlite', () => Promise.resolve({ location: 'memory://', stop: () => Promise.resolve() })],
  [
    'PostgreSQL',
    async () => {
      const server: PostgresServer = await startPostgres();
      return { location: server.url, stop: () => server.stop() };
    },
  ],
];

const MINUTE = 60_000;
const at = (seconds: number) => new Date(Date.UTC(2026, 10, 24, 10, 0, seconds));

describe.each(engines)('shared rate windows on %s', (engine, start) => {
  let location: string;
  let stop: () => Promise<void>;
  let records: RecordsStore;
  let clients = 0;
  const aClient = () => `address:10.0.0.${++clients}`;

  beforeAll(async () => {
    ({ location, stop } = await start());
    records = await openTestRecords(location);
  });
  afterAll(async () => {
    await records.database.close();
    await stop();
  });

  it('counts a client’s requests in its window, and starts a new window once it ended', async () => {
    const client = aClient();
    const hits = [];
    for (const second of [0, 10, 59]) hits.push(await records.rateWindows.hit(client, MINUTE, at(second)));
    expect(hits.map((h) => h.hits)).toEqual([1, 2, 3]);
    expect(hits.map((h) => h.resetsAt.toISOString())).toEqual(Array(3).fill(at(60).toISOString()));

    const next = await records.rateWindows.hit(client, MINUTE, at(60));
    expect(next).toEqual({ hits: 1, resetsAt: at(120) });
  });

  it('counts each client apart', async () => {
    const [one, two] = [aClient(), aClient()];
    await records.rateWindows.hit(one, MINUTE, at(0));
    await records.rateWindows.hit(one, MINUTE, at(1));
    expect((await records.rateWindows.hit(two, MINUTE, at(2))).hits).toBe(1);
  });

  it('takes a request back, and forgets a client on reset', async () => {
    const client = aClient();
    await records.rateWindows.hit(client, MINUTE, at(0));
    await records.rateWindows.hit(client, MINUTE, at(1));
    await records.rateWindows.undo(client);
    expect((await records.rateWindows.hit(client, MINUTE, at(2))).hits).toBe(2);
    await records.rateWindows.reset(client);
    expect((await records.rateWindows.hit(client, MINUTE, at(3))).hits).toBe(1);
  });

  it('stores no client’s address or name in clear text', async () => {
    await records.rateWindows.hit('address:192.0.2.44', MINUTE, at(0));
    await records.rateWindows.hit('user:desk.noord', MINUTE, at(0));
    const keys = (await records.database.db.selectFrom('rate_windows').select('key').execute()).map(
      (r) => r.key,
    );
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(key).not.toContain('192.0.2.44');
    }
  });

  it('clears the windows that ended, so the table holds only live clients', async () => {
    await records.rateWindows.hit(aClient(), MINUTE, at(0));
    const rows = () => records.database.db.selectFrom('rate_windows').select('key').execute();
    expect((await rows()).length).toBeGreaterThan(1);
    await records.rateWindows.hit(aClient(), MINUTE, at(3_600));
    expect(await rows()).toHaveLength(1);
  });

  it.runIf(engine === 'PostgreSQL')(
    'counts every request of two API instances at once in one window (one store each, one database)',
    async () => {
      const other = await openTestRecords(location);
      try {
        const client = aClient();
        const now = at(0);
        const answers = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (i % 2 ? records : other).rateWindows.hit(client, MINUTE, now),
          ),
        );
        expect(answers.map((a) => a.hits).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 40 }, (_, i) => i + 1),
        );
      } finally {
        await other.database.close();
      }
    },
  );
});
