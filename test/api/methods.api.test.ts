import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness';
import { principals } from '../support/tokens';

const api = new ApiHarness('methods-api-test');

beforeAll(() => api.start());
afterAll(() => api.stop());

describe('HTTP methods', () => {
  it('answers 405 with the methods a path takes when asked with another, before authentication', async () => {
    // fetch refuses to send TRACE: node:http sends it as a client would.
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request(`${api.base}/v1/cases`, { method: 'TRACE' }, resolve).on('error', reject).end();
    });
    res.resume();
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST, GET, HEAD');
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 405 for a case path with a method it does not declare', async () => {
    const res = await api.call('PUT', '/v1/cases/case-x/acknowledge', { as: principals.police });
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ status: 405 });
  });

  it('still answers 404 for a path the API does not serve', async () => {
    const res = await api.call('DELETE', '/v1/nothing-here', { as: principals.police });
    expect(res.status).toBe(404);
  });

  it('still serves a declared method, HEAD included where GET is', async () => {
    const res = await fetch(`${api.base}/v1/cases`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${await api.token(principals.police)}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('the API docs page', () => {
  it('keeps no bearer token in the browser’s storage', async () => {
    const init = await (await fetch(`${api.base}/docs/init.js`)).text();
    expect(init).toContain('SwaggerUIBundle');
    expect(init).toMatch(/persistAuthorization: false/);
  });
});
