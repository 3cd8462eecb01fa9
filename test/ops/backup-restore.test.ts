import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import {
  backupCluster,
  clusterTokenSigner,
  startCluster,
  type BackupManifest,
  type ClusterHandle,
} from '../../scripts/cluster';
import { payloadKeyIds } from '../../scripts/cluster/backup';
import { exampleBody } from '../support/action-examples';
import { aReportNow } from '../support/fixtures';
import { principals } from '../support/tokens';

const { clinic, police, supervisor } = principals;
const readers = { clinic, police, supervisor };

/** Calls one cluster's API with tokens its own identity signs. */
async function clientOf(cluster: ClusterHandle) {
  const sign = await clusterTokenSigner(cluster.state.identity);
  return async (method: string, url: string, as: Principal, opts: { key?: string; body?: unknown } = {}) => {
    const response = await fetch(`${cluster.base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${await sign(as)}`,
        'content-type': 'application/json',
        ...(opts.key && { 'idempotency-key': opts.key }),
      },
      ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}
type Client = Awaited<ReturnType<typeof clientOf>>;
type Timeline = { entries: { type: string }[] };

// One worker and one API instance: what is under test is the databases, and CI runs this beside others.
const small = { workers: 1, apis: 1, logLevel: 'warn' } as const;
const root = mkdtempSync(path.join(tmpdir(), 'vermist-backup-'));
// PostgreSQL runs as its own user when the tests run as root: it passes through here to its data dir.
chmodSync(root, 0o711);
const backupDir = path.join(root, 'backup');
let original: ClusterHandle | undefined;
let restored: ClusterHandle | undefined;
let manifest: BackupManifest;
/** The cases as the original cluster served them at the backup, by reader. */
let before: Record<string, unknown>;
const cases = { reported: '', acknowledged: '', closed: '' };
const acknowledgement = {
  key: 'backup-ack-1',
  body: exampleBody('police.acknowledge'),
  answer: {} as unknown,
};

function ok(answer: { status: number; body: Record<string, unknown> }) {
  if (answer.status !== 200) throw new Error(`answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Every view of every case, as each reader and the supervisor's timeline, in one object. */
async function everything(call: Client) {
  const views: Record<string, unknown> = {};
  for (const [name, caseId] of Object.entries(cases)) {
    for (const [who, as] of Object.entries(readers)) {
      views[`${name} as ${who}`] = ok(await call('GET', `/v1/cases/${caseId}`, as));
    }
    views[`${name} timeline`] = ok(await call('GET', `/v1/cases/${caseId}/timeline`, supervisor));
  }
  return views;
}

async function settled(call: Client, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (let previous = ''; ; await new Promise((resolve) => setTimeout(resolve, 500))) {
    const now = await everything(call);
    const text = JSON.stringify(now);
    if (text === previous && !text.includes('"status":"queued"')) return now;
    if (Date.now() > deadline) throw new Error(`the cases did not settle in ${timeoutMs} ms`);
    previous = text;
  }
}

beforeAll(async () => {
  original = await startCluster({ dataDir: path.join(root, 'original'), ...small });
  const call = await clientOf(original);
  const file = async (n: number) => {
    const filed = await call('POST', '/v1/cases', clinic, {
      body: aReportNow({ reportId: `backup-restore-${n}`, urgent: true }),
    });
    expect(filed.status).toBe(201);
    return filed.body.caseId as string;
  };
  cases.reported = await file(1);
  cases.acknowledged = await file(2);
  cases.closed = await file(3);
  const ack = await call('POST', `/v1/cases/${cases.acknowledged}/acknowledge`, police, acknowledgement);
  expect(ack.status).toBe(200);
  acknowledgement.answer = ack.body;
  const withdrawn = await call('POST', `/v1/cases/${cases.closed}/withdraw`, clinic, {
    key: 'backup-withdraw-1',
    body: exampleBody('case.withdraw'),
  });
  expect(withdrawn.body.status).toBe('closed');

  // Settled: no delivery still queued, and two reads alike, so the backup holds what `before` holds.
  before = await settled(call);

  manifest = await backupCluster(original.state.dataDir, backupDir);
  await original.stop();
  original = undefined;

  // The keys come back from where they were kept apart; nothing else of the old secrets is needed.
  const secrets = path.join(root, 'restored/secrets');
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  copyFileSync(path.join(root, 'original/secrets/payload-keys'), path.join(secrets, 'payload-keys'));
  restored = await startCluster({ dataDir: path.join(root, 'restored'), restoreFrom: backupDir, ...small });
}, 300_000);

afterAll(async () => {
  await original?.stop();
  await restored?.stop();
  rmSync(root, { recursive: true, force: true });
}, 120_000);

describe('npm run cluster -- --backup DIR', () => {
  it('dumps the three databases with a manifest, and leaves the keys out', () => {
    expect(readdirSync(backupDir).sort()).toEqual([
      'manifest.json',
      'temporal.dump',
      'temporal_visibility.dump',
      'vermist_records.dump',
    ]);
    const secret = (name: string) => readFileSync(path.join(root, 'original/secrets', name), 'utf8').trim();
    const keys = secret('payload-keys');
    expect(manifest.payloadKeyIds).toEqual(payloadKeyIds(keys));
    for (const file of readdirSync(backupDir)) {
      const content = readFileSync(path.join(backupDir, file));
      for (const value of [...keys.split(','), secret('db-password')]) {
        expect(content.includes(Buffer.from(value))).toBe(false);
      }
    }
    expect(manifest.versions).toMatchObject({
      temporalServer: expect.stringMatching(/^temporal version \d/),
    });
  });
});

describe('npm run cluster -- --restore DIR --data NEW', () => {
  it('serves every case as it was, to every reader', async () => {
    const call = await clientOf(restored!);
    expect(await everything(call)).toEqual(before);
  });

  it('answers a retry with its original Idempotency-Key as the first time, and applies it once', async () => {
    const call = await clientOf(restored!);
    const retry = await call('POST', `/v1/cases/${cases.acknowledged}/acknowledge`, police, acknowledgement);
    expect(retry).toEqual({ status: 200, body: acknowledgement.answer });
    const { entries } = (await call('GET', `/v1/cases/${cases.acknowledged}/timeline`, supervisor))
      .body as Timeline;
    expect(entries.filter((e) => e.type === 'police.acknowledge')).toHaveLength(1);
  });

  it('runs the open cases on: an action succeeds and the timeline grows', async () => {
    const call = await clientOf(restored!);
    const ack = await call('POST', `/v1/cases/${cases.reported}/acknowledge`, police, {
      key: 'after-restore-1',
      body: exampleBody('police.acknowledge'),
    });
    expect(ack.status).toBe(200);
    const sighting = await call('POST', `/v1/cases/${cases.acknowledged}/sightings`, police, {
      key: 'after-restore-2',
      body: exampleBody('case.record_sighting'),
    });
    expect(sighting.status).toBe(200);
    for (const [name, added] of [
      ['reported', 'police.acknowledge'],
      ['acknowledged', 'case.record_sighting'],
    ] as const) {
      const { entries } = (await call('GET', `/v1/cases/${cases[name]}/timeline`, supervisor))
        .body as Timeline;
      const { entries: earlier } = before[`${name} timeline`] as Timeline;
      expect(entries.slice(0, earlier.length)).toEqual(earlier);
      expect(entries.slice(earlier.length).map((e) => e.type)).toEqual([added]);
    }
  }, 60_000);

  it('refuses a data dir without the payload keys the backup was taken with', async () => {
    expect(await refusal(path.join(root, 'no-keys'))).toMatch(
      /secrets\/payload-keys is missing.*without them no case in the backup can be read/s,
    );
    const other = path.join(root, 'other-keys');
    mkdirSync(path.join(other, 'secrets'), { recursive: true });
    writeFileSync(path.join(other, 'secrets/payload-keys'), randomBytes(32).toString('base64'));
    expect(await refusal(other)).toContain(`lacks the payload key(s) ${manifest.payloadKeyIds.join(', ')}`);
  }, 120_000);

  it('refuses a data dir that already holds databases', async () => {
    expect(await refusal(path.join(root, 'original'))).toMatch(/--restore needs a new data dir/);
  }, 120_000);
});

/** Why a restore from the backup into `dataDir` was refused; one that starts is stopped again. */
async function refusal(dataDir: string): Promise<string> {
  try {
    const started = await startCluster({ dataDir, restoreFrom: backupDir, ...small });
    await started.stop();
    return 'it started';
  } catch (error) {
    return (error as Error).message;
  }
}
