import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export type ReceivedWebhook = {
  id: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
};

/** One request as it arrived, whatever became of it. */
export type WebhookRequest = {
  /** The webhook-id header: the delivery's message id. */
  id: string;
  headers: Record<string, string>;
  /** The body exactly as sent. */
  raw: string;
  /** The parsed body, when the signature verified. */
  body?: ReceivedWebhook['body'];
  /** What the receiver answered; undefined while it has not, and for good when the script says never. */
  status?: number;
};

/**
 * A real HTTP receiver that verifies Standard Webhooks signatures with the reference library. It records
 * every request raw, retries and duplicates included, so tests assert on what Vermist sent; `accepted()`
 * is the de-duplicated view a careful receiver would act on, for what messages say, never for how often.
 */
export class WebhookReceiver {
  readonly secret = `whsec_${randomBytes(32).toString('base64')}`;
  /** Every request, in arrival order. */
  readonly requests: WebhookRequest[] = [];
  readonly rejected: string[] = [];
  /**
   * Answers to give, in order, before accepting: e.g. [503, 'timeout'] to make the sender retry;
   * 'accept-then-timeout' keeps the message but never answers, as when a response is lost on the way.
   */
  readonly script: (number | 'timeout' | 'accept-then-timeout')[] = [];
  /** Which requests the script answers (by webhook-id); the others are accepted as usual. */
  scriptFor: (webhookId: string) => boolean = () => true;
  private server: Server | undefined;

  async start(): Promise<string> {
    const verifier = new Webhook(this.secret);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
        );
        const request: WebhookRequest = {
          id: String(req.headers['webhook-id']),
          headers,
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        const answer = (status: number) => {
          request.status = status;
          res.writeHead(status).end();
        };
        const next = this.scriptFor(request.id) ? this.script.shift() : undefined;
        if (next === 'timeout') return; // never answers: the sender's timeout must fire
        if (typeof next === 'number') return answer(next);
        try {
          request.body = verifier.verify(request.raw, headers) as ReceivedWebhook['body'];
        } catch (error) {
          this.rejected.push(String(error));
          return answer(400);
        }
        if (next === 'accept-then-timeout') return;
        answer(204);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** The requests for one message id, in arrival order. */
  requestsFor(id: string): WebhookRequest[] {
    return this.requests.filter((r) => r.id === id);
  }

  /** The requests about one case, by the message id the sender sets. */
  forCase(caseId: string): WebhookRequest[] {
    return this.requests.filter((r) => r.id.startsWith(`ntf.${caseId}.`));
  }

  /**
   * The verified messages a careful receiver keeps: the first of each message id, later copies dropped.
   * It hides duplicates by design, so it can never show that something was sent once.
   */
  accepted(): ReceivedWebhook[] {
    const seen = new Set<string>();
    return this.requests.flatMap((r) => {
      if (!r.body || seen.has(r.id)) return [];
      seen.add(r.id);
      return [{ id: r.id, body: r.body }];
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
