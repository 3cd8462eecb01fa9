import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { idempotent } from '../../api/idempotency';
import { conflict } from '../../api/problems';
import type { RecordsStore } from '../../records/records.store';
import { openTestRecords } from '../support/records';

/**
 * `SuccessAnswer.then`: what follows a kept success (a profile's workflow told of a write) runs before the
 * answer, and again on every retry, so a retry finishes what the first request could not.
 */
const principal: Principal = { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' };

let records: RecordsStore;
let server: Server;
let base: string;
/** What the route did: each write it made, and each follow-up, in order. */
const writes: string[] = [];
const followUps: unknown[] = [];
/** The follow-ups still to fail, as an unreachable Temporal makes them. */
let failing = 0;

beforeAll(async () => {
  records = await openTestRecords();
  const app = express();
  app.use(express.json());
  app.post('/things/:name', async (req, res) => {
    const name = req.params.name;
    await idempotent(
      records.idempotency,
      principal,
      req.get('idempotency-key')!,
      req,
      req.body,
      res,
      () => {
        if (writes.includes(name)) return Promise.reject(conflict(`${name} exists`));
        writes.push(name);
        return Promise.resolve({ name, version: writes.length });
      },
      {
        status: 201,
        then: (body) => {
          followUps.push(body);
          if (failing === 0) return Promise.resolve();
          failing -= 1;
          return Promise.reject(new Error('the workflow could not be told'));
        },
      },
    );
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await records.database.close();
});

const post = (name: string, key: string) =>
  fetch(`${base}/things/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({}),
  });

describe('work that follows a kept success', () => {
  it('runs before the answer: a success is answered only once it followed up', async () => {
    followUps.length = 0;

    const res = await post('first', 'key-first');

    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ name: 'first', version: 1 });
    expect(followUps).toEqual([{ name: 'first', version: 1 }]);
  });

  it('is finished by the retry when it failed: the retry gets the first answer, and nothing is written twice', async () => {
    followUps.length = 0;
    failing = 1;

    const first = await post('second', 'key-second');
    const retry = await post('second', 'key-second');

    expect(first.status).toBe(500);
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual({ name: 'second', version: 2 });
    expect(writes.filter((w) => w === 'second')).toHaveLength(1);
    expect(followUps).toEqual([
      { name: 'second', version: 2 },
      { name: 'second', version: 2 },
    ]);
  });

  it('does not follow a kept refusal', async () => {
    followUps.length = 0;

    const refused = await post('first', 'key-again');
    const retried = await post('first', 'key-again');

    expect([refused.status, retried.status]).toEqual([409, 409]);
    expect(followUps).toEqual([]);
  });
});
