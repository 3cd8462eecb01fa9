import { connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../support/postgres';

describe('startPostgres', () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves a real PostgreSQL with a vermist database on loopback', async () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.username).toBe('postgres');
    expect(url.pathname).toBe('/vermist');

    const rows = await withClient(server.url, async (client) => {
      const { rows } = await client.query<{ version: string; db: string }>(
        'select version() as version, current_database() as db',
      );
      return rows;
    });

    expect(rows[0]!.version).toMatch(/^PostgreSQL 1\d\b/);
    expect(rows[0]!.db).toBe('vermist');
  });

  it('keeps a row written to a new table when read back', async () => {
    const rows = await withClient(server.url, async (client) => {
      await client.query('create table notes (id int primary key, body text not null)');
      await client.query('insert into notes values ($1, $2)', [1, 'vermist — zoekt']);
      return (await client.query<{ id: number; body: string }>('select id, body from notes')).rows;
    });

    expect(rows).toEqual([{ id: 1, body: 'vermist — zoekt' }]);
  });

  it('closes its port when stopped', async () => {
    const port = Number(new URL(server.url).port);
    expect(await portAnswers(port)).toBe(true);

    await server.stop();

    expect(await portAnswers(port)).toBe(false);
  });
});

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
