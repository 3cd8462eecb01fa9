import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { RateWindows } from '../records/rate-windows';
import { principalOf } from './auth';
import { Problem } from './problems';

/** Requests allowed per minute: per address before sign-in, per person after it. */
export type RateLimits = { perAddressPerMinute: number; perUserPerMinute: number };

/** Generous for people at screens (a desk refreshing every few seconds uses a few dozen a minute). */
export const DEFAULT_RATE_LIMITS: RateLimits = { perAddressPerMinute: 3_000, perUserPerMinute: 1_200 };

const refused: RequestHandler = (_req, _res, next) =>
  next(new Problem(429, 'Too many requests', 'slow down: try again after the time in the RateLimit header'));

const WINDOW_MS = 60_000;

/**
 * express-rate-limit's store over the records store's shared windows: every API instance counts in one
 * place, so a client's limit is the same behind one instance or several.
 */
function sharedStore(windows: RateWindows, prefix: string): Store {
  return {
    localKeys: false,
    prefix,
    async increment(key) {
      const { hits, resetsAt } = await windows.hit(`${prefix}${key}`, WINDOW_MS);
      return { totalHits: hits, resetTime: resetsAt };
    },
    decrement: (key) => windows.undo(`${prefix}${key}`),
    resetKey: (key) => windows.reset(`${prefix}${key}`),
  };
}

/** Per client address, before authentication: what a token-less flood meets. */
export function limitPerAddress(limits: RateLimits, windows: RateWindows): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    store: sharedStore(windows, 'address:'),
    limit: limits.perAddressPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: refused,
  });
}

/** Per signed-in person, after authentication: one user's script cannot starve the others. */
export function limitPerUser(limits: RateLimits, windows: RateWindows): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    store: sharedStore(windows, 'user:'),
    limit: limits.perUserPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => principalOf(res).sub,
    handler: refused,
  });
}
