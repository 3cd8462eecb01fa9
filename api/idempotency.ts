import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { IdempotencyKeys, RememberedRequest } from '../records/idempotency-keys';
import type { Principal } from './auth';
import { Problem } from './problems';

/** Answers that are kept for a retry: a success, or the machine's refusal. Others are asked again. */
const KEPT = (status: number) => (status >= 200 && status < 300) || status === 409;

/**
 * How a success is answered: its status (200 unless told), and headers made from its body (a Location, an
 * ETag), so a retry gets them as the first request did. `then` is work that follows a kept success, before
 * it is answered: it runs for the first request and again for every retry of it, so a retry finishes what a
 * first request stored but could not follow up (a workflow told of a write). It must be idempotent.
 */
export type SuccessAnswer = {
  status?: number;
  headers?: (body: unknown) => Record<string, string>;
  then?: (body: unknown) => Promise<void>;
};

/**
 * A success whose status only its run knows: a report filed anew (201) or found already filed (200). A run
 * answers it instead of a bare body; the status is kept with the body, so a retry gets both.
 */
export class Answered {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/**
 * Runs a command request once per (caller, Idempotency-Key). A retry of the same request (same method,
 * path and body) gets the first answer, even after the case moved on; the same key on another request is
 * refused with 422, because answering it with the first request's result would be a silent lie. `body` is
 * what makes a request the same: pass a precondition header (If-Match) in it too.
 */
export async function idempotent(
  keys: IdempotencyKeys,
  principal: Principal,
  key: string,
  req: Request,
  body: unknown,
  res: Response,
  run: () => Promise<unknown>,
  success: SuccessAnswer = {},
): Promise<void> {
  const requestHash = createHash('sha256')
    .update(JSON.stringify([req.method, `${req.baseUrl}${req.path}`, body]))
    .digest('hex');
  const first = await keys.find(principal.sub, key);
  if (first) return answerAsKept(first, requestHash, key, res, success);
  let kept;
  try {
    const result = await run();
    kept = await keys.remember(
      principal.sub,
      key,
      requestHash,
      result instanceof Answered
        ? { status: result.status, body: result.body }
        : { status: success.status ?? 200, body: result },
    );
  } catch (error) {
    if (!(error instanceof Problem && KEPT(error.status))) throw error;
    kept = await keys.remember(principal.sub, key, requestHash, {
      status: error.status,
      body: error.toJson(),
    });
  }
  // Two requests with one key at once both ran (the workflow applied the action once); the one whose answer
  // was kept first decides what both say.
  return answerAsKept(kept, requestHash, key, res, success);
}

/** Answers with the kept answer of a key, or 422 when the key was first used for another request. */
async function answerAsKept(
  kept: RememberedRequest,
  requestHash: string,
  key: string,
  res: Response,
  success: SuccessAnswer,
): Promise<void> {
  if (kept.requestHash !== requestHash) {
    throw new Problem(422, 'Idempotency key reused', `Idempotency-Key ${key} was used for another request`, {
      errors: [
        {
          path: 'header.idempotency-key',
          message: 'was already used for a different action or body: send a new key for a new request',
        },
      ],
    });
  }
  if (kept.answer.status >= 400) throw Problem.fromJson(kept.answer.body);
  await success.then?.(kept.answer.body);
  res
    .status(kept.answer.status)
    .set(success.headers?.(kept.answer.body) ?? {})
    .json(kept.answer.body);
}
