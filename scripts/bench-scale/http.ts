import { performance } from 'node:perf_hooks';
import type { Principal } from '../../api/auth';
import { sleep } from '../bench-stats';

/** One answer over HTTP: its status, how long the whole answer took, and its body when it is JSON. */
export type Answer = { status: number; ms: number; body: unknown };

/**
 * Calls the cluster's one address as the principals it is given, each with a token of its own (signed once,
 * valid for the whole run). Network errors answer status 0, so callers count them with the other failures.
 */
export function httpClient(base: string, sign: (principal: Principal, ttl?: string) => Promise<string>) {
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (principal: Principal) => {
    const key = JSON.stringify(principal);
    if (!tokens.has(key)) tokens.set(key, sign(principal, '6h'));
    return tokens.get(key)!;
  };
  return async (method: string, path: string, as: Principal, body?: unknown): Promise<Answer> => {
    const headers = { authorization: `Bearer ${await tokenOf(as)}`, 'content-type': 'application/json' };
    const started = performance.now();
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      const json = (response.headers.get('content-type') ?? '').includes('json');
      return { status: response.status, ms, body: json && text ? (JSON.parse(text) as unknown) : text };
    } catch (error) {
      // fetch says only "fetch failed": what failed is in its cause (a reset, a timeout, a refusal).
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause ? `${cause.code ?? ''} ${cause.message ?? ''}`.trim() : '';
      return { status: 0, ms: performance.now() - started, body: `${String(error)}${why && `: ${why}`}` };
    }
  };
}
export type HttpClient = ReturnType<typeof httpClient>;

/** Statuses worth another try with the same request: the proxy's 502, overload, a dropped connection. */
const RETRYABLE = new Set([0, 429, 500, 502, 503, 504]);

/**
 * Sends a request until it gets an answer other than a retryable failure, at most `attempts` times, and
 * answers the last answer with how many tries it took. Filing is idempotent on the report id, so a retry
 * of a report already filed answers 200 with the same case.
 */
export async function withRetries(
  send: () => Promise<Answer>,
  attempts = 8,
): Promise<Answer & { tries: number; failures: Answer[] }> {
  const failures: Answer[] = [];
  for (let tries = 1; ; tries++) {
    const answer = await send();
    if (!RETRYABLE.has(answer.status) || tries >= attempts) return { ...answer, tries, failures };
    failures.push(answer);
    await sleep(answer.status === 429 ? 5_000 : Math.min(10_000, 250 * 2 ** tries));
  }
}
