import type { AddressInfo } from 'node:net';
import { createApiMetrics, createMetricsApp } from '../../api/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness';
import { principals } from '../support/tokens';

// Low limits, so a few requests show what a flood would meet.
const api = new ApiHarness('edge-api-test', { rateLimits: { perAddressPerMinute: 12, perUserPerMinute: 3 } });

beforeAll(() => api.start());
afterAll(() => api.stop());

describe('the HTTP edge', () => {
  it('sends security headers with every answer', async () => {
    const res = await fetch(`${api.base}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('answers 429 to a person past their limit, and not to another person', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await api.call('GET', '/v1/tasks', { as: principals.police })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await api.call('GET', '/v1/tasks', { as: principals.police });
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 429 });
    expect((await api.call('GET', '/v1/tasks', { as: principals.supervisor })).status).toBe(200);
  });

  it('does not serve metrics on its public port: they have an address of their own', async () => {
    expect((await fetch(`${api.base}/metrics`)).status).toBe(404);
    const metrics = createApiMetrics();
    const server = createMetricsApp(metrics).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('vermist_http_requests_total');
    } finally {
      server.close();
    }
  });

  describe('with two more instances behind one proxy hop (trust proxy 1)', () => {
    let instances: Awaited<ReturnType<typeof api.anotherInstance>>[];
    beforeAll(async () => {
      instances = [
        await api.anotherInstance({ trustProxy: 1 }),
        await api.anotherInstance({ trustProxy: 1 }),
      ];
    });
    afterAll(() => instances.forEach((instance) => instance.close()));

    /** A request as the proxy forwards it: from `client`, to instance `i`. */
    const via = async (i: number, client: string, path: string, as?: keyof typeof principals) => {
      const headers: Record<string, string> = { 'x-forwarded-for': client };
      if (as) headers.authorization = `Bearer ${await api.token(principals[as])}`;
      return (await fetch(`${instances[i]!.base}${path}`, { headers })).status;
    };

    it('counts a person’s requests on every instance against one limit', async () => {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await via(i % 2, '198.51.100.7', '/v1/tasks', 'ambulance'));
      expect(statuses).toEqual([200, 200, 200, 429]);
    });

    it('limits each client address the proxy names, not the proxy’s own', async () => {
      const flood = [];
      for (let i = 0; i < 13; i++) flood.push(await via(i % 2, '198.51.100.20', '/healthz'));
      expect(flood.slice(0, 12)).toEqual(Array(12).fill(200));
      expect(flood[12]).toBe(429);
      expect(await via(0, '198.51.100.21', '/healthz')).toBe(200);
    });
  });

  it('answers 429 to an address past its limit, signed in or not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await fetch(`${api.base}/healthz`)).status);
    expect(statuses.at(-1)).toBe(429);
    const res = await fetch(`${api.base}/healthz`);
    expect(res.status).toBe(429);
    expect(res.headers.get('ratelimit-policy') ?? res.headers.get('ratelimit')).toBeTruthy();
  });
});
