import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import type { Principal } from '../../api/auth';
import { createCaseClient } from '../../api/case-client';
import { CODEC_SESSION_COOKIE, UNNAMED_CASE } from '../../api/codec.routes';
import { createApiMetrics } from '../../api/metrics';
import { createLogger } from '../../config/log';
import { EncryptionCodec } from '../../temporal/encryption.codec';
import { ApiHarness } from '../support/api-harness';
import { testPolicyDocument } from '../support/fixtures';
import { TEST_PAYLOAD_KEY } from '../support/temporal';
import { principals } from '../support/tokens';

const TASK_QUEUE = 'codec-api-test';
/** The Web UI's origin, as `npm start` configures it. */
const UI = 'http://localhost:8233';

/**
 * The harness runs the whole stack (dev server, worker, records store, identity provider); the app under
 * test is the API with the codec endpoint over the same store, tokens and Temporal client.
 */
const api = new ApiHarness(TASK_QUEUE);
const codec = new EncryptionCodec([TEST_PAYLOAD_KEY]);
let server: Server;
let base = '';
let caseId: string;

beforeAll(async () => {
  await api.start();
  const app = createApp({
    cases: createCaseClient({
      client: api.env.client,
      taskQueue: TASK_QUEUE,
      policy: testPolicyDocument,
      records: api.parties.records,
    }),
    records: api.parties.records,
    auth: api.idp.auth,
    metrics: createApiMetrics(),
    log: createLogger('error'),
    codec: { codec, origins: [UI], secureCookie: false },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  caseId = await api.file(principals.clinic);
});

afterAll(async () => {
  server?.close();
  await api.stop();
});

type Call = { as?: Principal; body?: unknown; headers?: Record<string, string> };

async function call(method: string, path: string, opts: Call = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.as) headers.authorization = `Bearer ${await api.token(opts.as)}`;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined && {
      body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    }),
  });
  const text = await res.text();
  return { res, status: res.status, body: text ? JSON.parse(text) : undefined };
}

const decode = (payloads: unknown, opts: Call = {}) =>
  call('POST', '/codec/decode', { as: principals.supervisor, ...opts, body: { payloads } });

/** A payload as the remote codec protocol carries it: proto3 JSON, bytes in base64. */
function asJson(payload: Payload) {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}

const fromJson = (json: { metadata: Record<string, string>; data: string }) => ({
  encoding: Buffer.from(json.metadata.encoding!, 'base64').toString(),
  value: JSON.parse(Buffer.from(json.data, 'base64').toString()),
});

/** A command's arguments as the API sends them: encrypted by our codec, naming no case. */
async function aCommandPayload() {
  const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ risk: 'high', urgent: true })]);
  return asJson(encrypted!);
}

/** The supervisor's reads of payloads, from the access log over HTTP. */
async function payloadReads(filter = '') {
  const page = await call('GET', `/v1/access-records?actor=${principals.supervisor.sub}&limit=500${filter}`, {
    as: principals.supervisor,
  });
  expect(page.status).toBe(200);
  return (page.body.items as { resource: string; requestId: string }[]).filter(
    (r) => r.resource === 'payload',
  );
}

describe('POST /codec/decode', () => {
  it('decodes the payloads of a case history for a supervisor, and records the read of that case', async () => {
    const history = await api.env.client.workflow.getHandle(caseId).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    expect(Buffer.from(input[0]!.metadata!.encoding!).toString()).toBe('binary/encrypted');

    const answer = await decode(input.map(asJson), { headers: { 'x-namespace': 'default' } });

    expect(answer.status).toBe(200);
    const [decoded] = (answer.body.payloads as Parameters<typeof fromJson>[0][]).map(fromJson);
    expect(decoded!.encoding).toBe('json/plain');
    expect(decoded!.value).toMatchObject({ caseId, report: { institutionId: 'ggz-noord' } });
    const reads = await payloadReads(`&caseId=${encodeURIComponent(caseId)}`);
    expect(reads).toEqual([
      expect.objectContaining({
        caseId,
        region: 'noord-nl',
        by: { id: principals.supervisor.sub, role: 'police_supervisor' },
        view: 'police_supervisor',
        requestId: answer.res.headers.get('x-request-id'),
      }),
    ]);
  });

  it('writes one access record per decode request, under a marker when the payloads name no case', async () => {
    const before = await payloadReads();
    const first = await decode([await aCommandPayload(), await aCommandPayload()]);
    const second = await decode([await aCommandPayload()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(fromJson(second.body.payloads[0]).value).toEqual({ risk: 'high', urgent: true });

    const added = (await payloadReads()).slice(before.length);
    expect(added).toEqual([
      expect.objectContaining({
        caseId: UNNAMED_CASE,
        region: 'noord-nl',
        requestId: first.res.headers.get('x-request-id'),
      }),
      expect.objectContaining({
        caseId: UNNAMED_CASE,
        region: 'noord-nl',
        requestId: second.res.headers.get('x-request-id'),
      }),
    ]);
  });

  it.each([
    ['police desk', principals.police],
    ['clinic', principals.clinic],
    ['ambulance', principals.ambulance],
    ['crisis service', principals.crisisService],
  ])('refuses a %s with 403, decoding and recording nothing', async (_name, principal) => {
    const before = await api.parties.records.accessLog.list({ actorId: principal.sub, limit: 500 });
    const answer = await decode([await aCommandPayload()], { as: principal });
    expect(answer.status).toBe(403);
    expect(answer.body).not.toHaveProperty('payloads');
    const after = await api.parties.records.accessLog.list({ actorId: principal.sub, limit: 500 });
    expect(after.items).toHaveLength(before.items.length);
  });

  it('refuses a caller without a token with 401', async () => {
    const answer = await call('POST', '/codec/decode', { body: { payloads: [await aCommandPayload()] } });
    expect(answer.status).toBe(401);
    expect(answer.body).not.toHaveProperty('payloads');
  });

  it('answers a malformed body with 400 naming the field', async () => {
    const notBase64 = await decode([{ metadata: { encoding: 'binary/encrypted' }, data: 'not base64!' }]);
    expect(notBase64.status).toBe(400);
    expect(notBase64.body.errors).toEqual([{ path: 'body.payloads.0.data', message: 'must be base64' }]);

    const noPayloads = await call('POST', '/codec/decode', {
      as: principals.supervisor,
      body: { items: [] },
    });
    expect(noPayloads.status).toBe(400);
    expect(noPayloads.body.errors).toEqual([{ path: 'body.payloads', message: expect.any(String) }]);
  });

  it('refuses a payload our codec did not encrypt with 400 naming it', async () => {
    const plain = asJson(defaultPayloadConverter.toPayload({ caseId }));
    const answer = await decode([await aCommandPayload(), plain]);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { path: 'body.payloads.1', message: expect.stringContaining('not encrypted') },
    ]);
  });
});

describe('POST /codec/encode', () => {
  it('is refused for everyone: only the API makes payloads the workers take', async () => {
    const answer = await call('POST', '/codec/encode', {
      as: principals.supervisor,
      body: { payloads: [asJson(defaultPayloadConverter.toPayload({ risk: 'low' }))] },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).not.toHaveProperty('payloads');
  });
});

describe('CORS for the Web UI', () => {
  const preflight = (origin: string) =>
    fetch(`${base}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });

  it('allows a preflight from the configured origin, with credentials and the headers the UI sends', async () => {
    const res = await preflight(UI);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = res.headers.get('access-control-allow-headers')!.split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-namespace']));
  });

  it('refuses a preflight from another origin', async () => {
    const res = await preflight('http://localhost:9999');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the configured origin read a decode, and no other', async () => {
    const payloads = [await aCommandPayload()];
    const fromUi = await decode(payloads, { headers: { origin: UI } });
    expect(fromUi.res.headers.get('access-control-allow-origin')).toBe(UI);
    const fromElsewhere = await decode(payloads, { headers: { origin: 'https://evil.example' } });
    expect(fromElsewhere.res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the codec session of a supervisor’s browser', () => {
  async function openSession(as: Principal) {
    const answer = await call('POST', '/codec/session', { as });
    const cookie = answer.res.headers.getSetCookie().find((c) => c.startsWith(`${CODEC_SESSION_COOKIE}=`));
    return { ...answer, cookie };
  }

  it('is set for a supervisor as a short-lived HttpOnly SameSite=Strict cookie for /codec only', async () => {
    const { status, cookie } = await openSession(principals.supervisor);
    expect(status).toBe(200);
    expect(cookie).toMatch(/; Path=\/codec(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Strict(;|$)/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie!)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(3_600);
  });

  it('is refused to anyone but a supervisor', async () => {
    const { status, cookie } = await openSession(principals.police);
    expect(status).toBe(403);
    expect(cookie).toBeUndefined();
  });

  it('decodes for the Web UI with the cookie in place of the token, from the configured origin only', async () => {
    const { cookie } = await openSession(principals.supervisor);
    const sent = { cookie: cookie!.split(';')[0]! };
    const payloads = [await aCommandPayload()];
    const fromUi = await call('POST', '/codec/decode', {
      body: { payloads },
      headers: { ...sent, origin: UI },
    });
    expect(fromUi.status).toBe(200);
    expect(fromUi.res.headers.get('access-control-allow-origin')).toBe(UI);
    const elsewhere = { ...sent, origin: 'http://localhost:9999' };
    const fromElsewhere = await call('POST', '/codec/decode', { body: { payloads }, headers: elsewhere });
    expect(fromElsewhere.status).toBe(403);
  });
});
