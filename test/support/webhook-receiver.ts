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
  readonly secret = `whsec_${randomBytes(24).toString('base64')}`;
  readonly received: ReceivedWebhook[] = [];
  readonly rejected: string[] = [];
  /** Answers to give, in order, before accepting: e.g. [503, 'timeout'] to make the sender retry. */
  readonly script: (number | 'timeout')[] = [];
  deliveries = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    const verifier = new Webhook(this.secret);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.deliveries++;
        const next = this.script.shift();
        if (next === 'timeout') return; // never answers: the sender's timeout must fire
        if (next !== undefined) return void res.writeHead(next).end();
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          const body = verifier.verify(raw, req.headers as Record<string, string>) as ReceivedWebhook['body'];
          const id = String(req.headers['webhook-id']);
          if (!this.received.some((r) => r.id === id)) this.received.push({ id, body });
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
