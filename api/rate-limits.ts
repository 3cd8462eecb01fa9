import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { principalOf } from './auth';
import { Problem } from './problems';

/** Requests allowed per minute: per address before sign-in, per person after it. */
export type RateLimits = { perAddressPerMinute: number; perUserPerMinute: number };

/** Generous for people at screens (a desk refreshing every few seconds uses a few dozen a minute). */
export const DEFAULT_RATE_LIMITS: RateLimits = { perAddressPerMinute: 3_000, perUserPerMinute: 1_200 };

const refused: RequestHandler = (_req, _res, next) =>
  next(new Problem(429, 'Too many requests', 'slow down: try again after the time in the RateLimit header'));

/** Per client address, before authentication: what a token-less flood meets. */
export function limitPerAddress(limits: RateLimits): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: limits.perAddressPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: refused,
  });
}

/** Per signed-in person, after authentication: one user's script cannot starve the others. */
export function limitPerUser(limits: RateLimits): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: limits.perUserPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => `user:${principalOf(res).sub}`,
    handler: refused,
  });
}
