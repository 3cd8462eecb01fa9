import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { ApiHarness } from '../support/api-harness';

/** A built web app as `npm run build` leaves it: a page and a hashed asset. */
const dist = mkdtempSync(path.join(tmpdir(), 'vermist-web-'));
mkdirSync(path.join(dist, 'assets'));
writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Vermist</title><div id="app"></div>');
writeFileSync(path.join(dist, 'assets', 'app-1a2b3c.js'), 'console.log("vermist")');

const desk: Principal = { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' };
const api: ApiHarness = new ApiHarness('web-api-test', {
  web: { distDir: dist, config: { signIn: 'local', temporalUiUrl: 'http://localhost:8233' } },
  devSignIn: {
    identities: [{ id: 'police-desk', label: 'Police desk', principal: desk }],
    // The harness's own identity provider signs, so the token is one the API accepts.
    sign: async (principal) => ({ accessToken: await api.idp.sign(principal), expiresIn: 600 }),
  },
});

beforeAll(() => api.start());
afterAll(() => api.stop());

const get = (pathname: string, accept = 'text/html') =>
  fetch(`${api.base}${pathname}`, { headers: { accept } });

describe('the web app on the API origin', () => {
  it('serves the app at / and its page for any deep link, never for an API path', async () => {
    for (const page of ['/', '/desk', '/cases/case-ggz-noord~rep-1']) {
      const res = await get(page);
      expect(res.status, page).toBe(200);
      expect(await res.text()).toContain('<div id="app">');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    const unknownApi = await get('/v1/nothing-here', 'application/json');
    expect(unknownApi.status).toBe(401);
    const unknownTop = await get('/openapi.json/x', 'application/json');
    expect(unknownTop.headers.get('content-type')).toContain('application/problem+json');
  });

  it('serves hashed assets as immutable, and a missing one as 404 rather than the page', async () => {
    const asset = await get('/assets/app-1a2b3c.js', '*/*');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await get('/assets/gone.js', '*/*')).status).toBe(404);
  });

  it('lets the page show blob photos and talk to its own origin only (CSP)', async () => {
    const csp = (await get('/')).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("script-src 'self'");
  });

  it('tells the app how to sign in, and signs in a demo identity with a token the API takes', async () => {
    const config = await (await get('/config.json', 'application/json')).json();
    expect(config).toEqual({ signIn: 'local', temporalUiUrl: 'http://localhost:8233' });
    const identities = await (await get('/dev/identities', 'application/json')).json();
    expect(identities).toEqual([{ id: 'police-desk', label: 'Police desk', principal: desk }]);

    const res = await fetch(`${api.base}/dev/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity: 'police-desk' }),
    });
    expect(res.status).toBe(200);
    const { accessToken, principal } = (await res.json()) as { accessToken: string; principal: unknown };
    expect(principal).toEqual(desk);
    const inbox = await fetch(`${api.base}/v1/tasks`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(inbox.status).toBe(200);

    const unknown = await fetch(`${api.base}/dev/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity: 'someone-else' }),
    });
    expect(unknown.status).toBe(404);
  });
});

describe('the API without the embedded default', () => {
  it('has no demo sign-in', async () => {
    const plain = new ApiHarness('web-api-plain-test');
    await plain.start();
    try {
      expect(
        (await fetch(`${plain.base}/dev/identities`, { headers: { accept: 'application/json' } })).status,
      ).toBe(404);
      expect((await fetch(`${plain.base}/`, { headers: { accept: 'text/html' } })).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});
