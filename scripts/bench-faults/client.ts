import type { Principal } from '../../api/auth';
import { Pacer, sleep } from './stats';

/** An answer as a client keeps it: the status and the parsed body. */
export type Answer = { status: number; body: unknown };

/** One request the client will send until it is answered, always the same: same key, same body. */
export type Request = {
  method: 'GET' | 'POST';
  path: string;
  as: Principal;
  /** The Idempotency-Key; every retry of this request carries it. */
  key?: string;
  body?: unknown;
};

/** Why an attempt was not an answer: the connection failed, the safety timeout hit, or a 5xx/429 came back. */
export type RetryCause = 'network' | 'timeout' | `status ${number}`;

/** A request as it went: how many attempts it took and what finally answered it. */
export type Outcome = { answer: Answer; attempts: number; firstSentAt: number; answeredAt: number };

export type ClientOptions = {
  /** Signs a bearer token for a principal. */
  sign: (principal: Principal) => Promise<string>;
  /** Requests per second at most, over every caller: one address stays below the API's per-address limit. */
  perSecond: number;
  /** A request that has not answered in this long is abandoned and sent again with the same key. */
  attemptTimeoutMs: number;
  /** A request still unanswered after this long is given up (and counted). */
  giveUpMs: number;
};

/**
 * A client as the issue describes one: it talks to the cluster's one address, and on a network error, a
 * 5xx or a 429 it sends the same request with the same Idempotency-Key again, with backoff, until it is
 * answered. Every retry is logged with its time and cause, so the results can say which fault caused it.
 */
export class RetryingClient {
  readonly retries: { at: number; cause: RetryCause; path: string }[] = [];
  readonly givenUp: { path: string; key: string | undefined }[] = [];
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly pacer: Pacer;
  /** Aborted when the run's deadline passes: nothing more is sent, and what is in flight is dropped. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly base: string,
    private readonly options: ClientOptions,
  ) {
    this.pacer = new Pacer(options.perSecond);
  }

  /** Stops sending: every request in flight or still to come fails at once with `why`. */
  stop(why: string): void {
    this.stopped.abort(new Error(why));
  }

  /** Sends until answered; throws when it gives up, or once the client is stopped. */
  async send(request: Request): Promise<Outcome> {
    const firstSentAt = Date.now();
    const token = await this.token(request.as);
    for (let attempt = 1; ; attempt++) {
      await this.pacer.turn();
      this.stopped.signal.throwIfAborted();
      const cause = await this.attempt(request, token).then(
        (answer): Answer | RetryCause =>
          answer.status >= 500 || answer.status === 429 ? `status ${answer.status}` : answer,
        (error: unknown): RetryCause =>
          (error as { name?: string }).name === 'TimeoutError' ? 'timeout' : 'network',
      );
      if (typeof cause !== 'string')
        return { answer: cause, attempts: attempt, firstSentAt, answeredAt: Date.now() };
      this.stopped.signal.throwIfAborted();
      this.retries.push({ at: Date.now(), cause, path: request.path });
      if (Date.now() - firstSentAt > this.options.giveUpMs) {
        this.givenUp.push({ path: request.path, key: request.key });
        throw new Error(`${request.method} ${request.path}: no answer in ${this.options.giveUpMs} ms`);
      }
      // Exponential backoff with jitter, as a careful client does: 250 ms doubling to 5 s.
      const ceiling = Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 5));
      await sleep(ceiling / 2 + (Math.random() * ceiling) / 2);
    }
  }

  private async attempt(request: Request, token: string): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.key !== undefined) headers['idempotency-key'] = request.key;
    const response = await fetch(`${this.base}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      signal: AbortSignal.any([AbortSignal.timeout(this.options.attemptTimeoutMs), this.stopped.signal]),
    });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, body: text && json ? (JSON.parse(text) as unknown) : text };
  }

  private token(principal: Principal): Promise<string> {
    const id = JSON.stringify(principal);
    let token = this.tokens.get(id);
    if (!token) {
      token = this.options.sign(principal);
      this.tokens.set(id, token);
    }
    return token;
  }
}
