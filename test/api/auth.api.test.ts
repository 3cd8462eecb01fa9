import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { generateKeyPair, SignJWT } from 'jose';
import { authenticate } from '../../api/auth';
import type { Problem } from '../../api/problems';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../config/env.schema';
import { ApiHarness } from '../support/api-harness';
import { principals } from '../support/tokens';

const api = new ApiHarness('auth-api-test');

beforeAll(() => api.start());
afterAll(() => api.stop());

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const claims = () => ({
  sub: principals.police.sub,
  role: 'police_desk',
  region: 'noord-nl',
  iss: api.idp.auth.issuer,
  aud: api.idp.auth.audience,
  exp: inAnHour(),
});
const read = (token: string) => api.call('GET', '/v1/tasks', { token });

describe('bearer tokens', () => {
  it('accepts an access token from the trusted issuer', async () => {
    expect((await read(await api.idp.sign(principals.police))).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const token = await api.idp.sign(principals.police, { expiresIn: '-1m' });
    expect((await read(token)).status).toBe(401);
  });

  it('refuses a token for another audience', async () => {
    const token = await api.idp.sign(principals.police, { audience: 'someone-else' });
    expect((await read(token)).status).toBe(401);
  });

  it('refuses a token from another issuer, signed with its own key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await api.idp.sign(principals.police, { key: privateKey });
    expect((await read(token)).status).toBe(401);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`;
    expect((await read(token)).status).toBe(401);
  });

  it('refuses an HS256 token "signed" with key material a naive key lookup hands out', async () => {
    // The classic confusion attack: a verifier that takes the token's alg and uses the key it finds as an
    // HMAC secret. Here the key lookup does exactly that; only the algorithm allow-list stands in the way.
    const secret = new TextEncoder().encode('the public key, as text');
    const naive = express();
    naive.use(authenticate({ ...api.idp.auth, keys: () => Promise.resolve(secret) }));
    naive.get('/', (_req, res) => void res.json({ ok: true }));
    naive.use(
      ((error: Problem, _req, res, _next) => void res.status(error.status).end()) as ErrorRequestHandler,
    );
    const server = naive.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    try {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .sign(secret);
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
    } finally {
      server.close();
    }
  });

  it('refuses a token without a subject', async () => {
    const token = await api.idp.sign(principals.police, { subject: false });
    expect((await read(token)).status).toBe(401);
  });

  it('refuses a token that is not an access token (typ)', async () => {
    const idToken = await api.idp.sign(principals.police, { typ: 'JWT' });
    expect((await read(idToken)).status).toBe(401);
  });
});

describe('request bodies', () => {
  it('answers 401 to an unauthenticated request before reading its body', async () => {
    const res = await api.call('POST', '/v1/cases', { body: '{not json' });
    expect(res.status).toBe(401);
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await api.call('POST', '/v1/cases', {
      as: principals.clinic,
      body: { padding: 'x'.repeat(300_000) },
    });
    expect(res.status).toBe(413);
    expect(res.type).toContain('application/problem+json');
  });
});

describe('the identity provider setting', () => {
  it('refuses a JWKS URL over plain http, naming the variable', () => {
    expect(() => parseEnv({ VERMIST_JWKS_URL: 'http://idp.example/jwks' })).toThrow(
      /VERMIST_JWKS_URL: must be https/,
    );
  });

  it('accepts https, and plain http on loopback only', () => {
    expect(parseEnv({ VERMIST_JWKS_URL: 'https://idp.example/jwks' }).VERMIST_JWKS_URL).toBeDefined();
    expect(parseEnv({ VERMIST_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).VERMIST_JWKS_URL).toBeDefined();
  });
});
