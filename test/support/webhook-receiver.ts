import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export type ReceivedWebhook = {
  id: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
};

/**
 * A real HTTP receiver that verifies Standard Webhooks signatures with the reference library and keeps
 * what it accepted, de-duplicated on the message id as a careful receiver would.
 */
export class WebhookReceiver {
  readonly secret = `whsec_${randomBytes(32).toString('base64')}`;
  readonly received: ReceivedWebhook[] = [];
  readonly rejected: string[] = [];
  /**
   * Answers to give, in order, before accepting: e.g. [503, 'timeout'] to make the sender retry;
   * 'accept-then-timeout' keeps the message but never answers, as when a response is lost on the way.
   */
  readonly script: (number | 'timeout' | 'accept-then-timeout')[] = [];
  /** Which requests the script answers (by webhook-id); the others are accepted as usual. */
  scriptFor: (webhookId: string) => boolean = () => true;
  deliveries = 0;
  /** The webhook-id of every request, retries included. */
  readonly requests: string[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    const verifier = new Webhook(this.secret);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.deliveries++;
        const webhookId = String(req.headers['webhook-id']);
        this.requests.push(webhookId);
        const next = this.scriptFor(webhookId) ? this.script.shift() : undefined;
        if (next === 'timeout') return; // never answers: the sender's timeout must fire
        if (typeof next === 'number') return void res.writeHead(next).end();
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          const body = verifier.verify(raw, req.headers as Record<string, string>) as ReceivedWebhook['body'];
          const id = String(req.headers['webhook-id']);
          if (!this.received.some((r) => r.id === id)) this.received.push({ id, body });
          if (next === 'accept-then-timeout') return;
          res.writeHead(204).end();
        } catch (error) {
          this.rejected.push(String(error));
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  types(): string[] {
    return this.received.map((r) => r.body.type);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
