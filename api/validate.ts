import { z } from 'zod';
import { startOfDay } from '../machines/amsterdam-time';
import type { FieldError } from './problems';
import { badRequest } from './problems';

/** Parses untrusted input or throws a 400 that names every wrong field and why. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'path' | 'header' | 'query',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.flatMap((issue) =>
    // A field the schema does not have (a `bsn`) is named by its own path, one error each.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: [where, ...issue.path.map(String), key].join('.'),
          message: 'is not a field of this request',
        }))
      : [{ path: [where, ...issue.path.map(String)].join('.'), message: issue.message }],
  );
  throw badRequest(
    `the request ${where} is not valid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    errors,
  );
}

/**
 * Parses one request header, named in its errors as `header.<name>`, so a client learns which header to fix.
 */
export function parseHeader<S extends z.ZodType>(
  schema: S,
  req: { get(name: string): string | undefined },
  name: string,
): z.infer<S> {
  return (
    parseInput(z.object({ [name]: schema }), { [name]: req.get(name) }, 'header') as Record<string, unknown>
  )[name] as z.infer<S>;
}

/**
 * Refuses instants that have not happened yet: every field whose schema is marked `happened`
 * (machines/report.schema.ts `HappenedAtSchema`) may lie at most `toleranceMs` after `now`.
 */
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function refuseFuture(
  schema: z.ZodType,
  value: unknown,
  where: 'body' | 'query',
  clock: { now: Date; toleranceMs: number },
): void {
  const latest = clock.now.getTime() + clock.toleranceMs;
  const errors: FieldError[] = [];
  const visit = (s: z.ZodType, v: unknown, path: string[]) => {
    if (v === undefined || v === null) return;
    const def = (s as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
    if ((s.meta() as { happened?: boolean } | undefined)?.happened && typeof v === 'string') {
      // A day (a photo's) has begun once its Amsterdam midnight has passed, where the clinic dated it.
      if (Date.parse(CALENDAR_DATE.test(v) ? startOfDay(v) : v) > latest)
        errors.push({ path: [where, ...path].join('.'), message: 'lies in the future' });
      return;
    }
    if (def.type === 'object' && typeof v === 'object') {
      for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>))
        visit(child, (v as Record<string, unknown>)[key], [...path, key]);
    } else if (['optional', 'nullable', 'default', 'prefault', 'readonly'].includes(def.type)) {
      visit(def.innerType as z.ZodType, v, path);
    } else if (def.type === 'pipe') {
      // A transformed value (a legal title) keeps the fields of what it was parsed from.
      visit(def.in as z.ZodType, v, path);
    } else if (def.type === 'array' && Array.isArray(v)) {
      v.forEach((item, i) => visit(def.element as z.ZodType, item, [...path, String(i)]));
    }
  };
  visit(schema, value, []);
  if (errors.length > 0) {
    throw badRequest(`the request ${where} names a time that has not happened yet`, errors);
  }
}

/** How far ahead of the server's clock a client's "when it happened" may be (the policy's `inputs`). */
export const DEFAULT_FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Parses a request body, then refuses any time in it that has not happened yet. */
export function parseBody<S extends z.ZodType>(
  schema: S,
  value: unknown,
  futureToleranceMs: number,
): z.infer<S> {
  const body = parseInput(schema, value, 'body');
  refuseFuture(schema, body, 'body', { now: new Date(), toleranceMs: futureToleranceMs });
  return body;
}
