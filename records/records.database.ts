import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { PgliteDialect } from './pglite.dialect';
import { recordsMigrations } from './records.migrations';
import type { RecordsTables } from './records.tables';

/** The records store's connection: Kysely for queries, LISTEN/NOTIFY for live feeds. */
export type RecordsDatabase = {
  db: Kysely<RecordsTables>;
  /** Which engine serves it: a PostgreSQL server, or PGlite embedded in this process. */
  engine: 'postgres' | 'pglite';
  /** Calls `onMessage` with each NOTIFY payload on `channel` until the returned function is called. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

/**
 * Opens the records store and brings its schema up to date. A `postgres://` URL connects to a server (the
 * production shape); anything else is a directory for PGlite, or `memory://` for a throwaway one.
 */
export async function openRecordsDatabase(location: string): Promise<RecordsDatabase> {
  const database = /^postgres(ql)?:\/\//.test(location) ? openPostgres(location) : await openPglite(location);
  try {
    await migrate(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** Runs every migration not yet applied, in order; fails with the first that fails. */
export async function migrate(db: Kysely<RecordsTables>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: recordsMigrations });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `records store migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      { cause: error },
    );
  }
  return (results ?? []).map((r) => r.migrationName);
}

function openPostgres(url: string): RecordsDatabase {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client that loses its server must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<RecordsTables>({ dialect: new PostgresDialect({ pool }) });
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let listener: Promise<pg.Client> | undefined;

  // One connection of its own carries every LISTEN: pooled clients come and go. When it drops, the next
  // listen connects again and listens on every channel that still has handlers.
  const connectListener = async () => {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (message) => {
      for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', () => {
      listener = undefined;
    });
    await client.connect();
    for (const channel of handlers.keys()) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
    return client;
  };

  return {
    db,
    engine: 'postgres',
    async listen(channel, onMessage) {
      const known = handlers.has(channel);
      const set = handlers.get(channel) ?? new Set();
      set.add(onMessage);
      handlers.set(channel, set);
      const fresh = listener === undefined;
      listener ??= connectListener();
      const client = await listener;
      // A fresh connection listened on every known channel already, this one included.
      if (!known && !fresh) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      return () => {
        set.delete(onMessage);
        return Promise.resolve();
      };
    },
    async close() {
      await db.destroy();
      if (listener) await (await listener).end().catch(() => undefined);
    },
  };
}

async function openPglite(location: string): Promise<RecordsDatabase> {
  if (!location.includes('://')) mkdirSync(location, { recursive: true });
  const pglite = await PGlite.create(location);
  const db = new Kysely<RecordsTables>({ dialect: new PgliteDialect(pglite) });
  return {
    db,
    engine: 'pglite',
    async listen(channel, onMessage) {
      const unsubscribe = await pglite.listen(channel, onMessage);
      return () => unsubscribe();
    },
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}
