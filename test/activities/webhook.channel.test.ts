import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactSchema } from '../../activities/contacts.schema';
import { postWebhook } from '../../activities/webhook.channel';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const contact = (webhook: { url: string; secret: string }) =>
  ContactSchema.safeParse({ id: 'desk', party: 'police_desk', webhook });
const pathsOf = (result: ReturnType<typeof contact>) =>
  result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('webhook contacts', () => {
  it('accept an https receiver with a 32-byte key', () => {
    expect(contact({ url: 'https://desk.example.org/hooks', secret }).success).toBe(true);
  });

  it('accept plain http only on loopback', () => {
    expect(contact({ url: 'http://127.0.0.1:8080/hooks', secret }).success).toBe(true);
    expect(pathsOf(contact({ url: 'http://desk.example.org/hooks', secret }))).toEqual([
      'webhook.url: must be https (plain http only on loopback)',
    ]);
  });

  it('refuse a key shorter than 32 bytes, naming the field', () => {
    const short = `whsec_${randomBytes(16).toString('base64')}`;
    expect(pathsOf(contact({ url: 'https://desk.example.org/hooks', secret: short }))).toEqual([
      'webhook.secret: the key must be at least 32 bytes (256 bits)',
    ]);
  });
});

describe('postWebhook', () => {
  let redirecting: Server;
  let target: Server;
  let targetHits = 0;
  const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  beforeAll(async () => {
    target = createServer((_req, res) => {
      targetHits++;
      res.end();
    });
    redirecting = createServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: url(target) }).end();
    });
    for (const server of [target, redirecting]) {
      server.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
    }
  });

  afterAll(() => {
    target.close();
    redirecting.close();
  });

  it('never follows a redirect: it is a permanent refusal, and the other address hears nothing', async () => {
    const sent = postWebhook(
      { url: url(redirecting), secret },
      { id: 'msg_1', body: { type: 'case.reported' } },
      { now: () => new Date(), timeoutMs: 2_000 },
    );
    await expect(sent).rejects.toMatchObject({ type: 'WebhookRefused', nonRetryable: true });
    expect(targetHits).toBe(0);
  });
});
