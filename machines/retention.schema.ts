import { z } from 'zod';
import { DurationSchema } from './duration';

const DAY_MS = 86_400_000;

/**
 * How long each kind of record is kept before it is erased on purpose, durations in milliseconds. Temporal's
 * namespace retention only bounds how long closed workflows stay for debugging and replay: case records and
 * the access log outlive it, so neither may be kept for less.
 */
export const RetentionPolicySchema = z
  .object({
    /** How long Temporal keeps a closed workflow's history: debugging and replay only, never the record. */
    temporalNamespace: DurationSchema.refine(
      (ms) => ms >= DAY_MS,
      'Temporal keeps closed workflows at least 1d',
    ),
    /** How long a closed case's record is kept after it closed. */
    closedCases: DurationSchema,
    /** How long each disclosure in the access log is kept. */
    accessLog: DurationSchema,
    /** How long an in-app feed entry is kept. */
    feedEntries: DurationSchema,
    /** How long a retried request still gets its first answer: the deduplication horizon, at least 7d. */
    idempotencyKeys: DurationSchema.refine(
      (ms) => ms >= 7 * DAY_MS,
      'a retry must find its first answer for at least 7d',
    ),
    /** Where each period comes from, one short line each; periods we chose ourselves say `default`. */
    sources: z.array(z.string().min(1).max(200)).min(1),
  })
  .strict()
  .superRefine((policy, ctx) => {
    for (const field of ['closedCases', 'accessLog'] as const) {
      if (policy[field] < policy.temporalNamespace) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'records outlive workflows: must be at least temporalNamespace',
        });
      }
    }
  });
/** A resolved retention policy, durations in milliseconds. */
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;

/** The periods a policy document without a `retention` section gets: ours, except NEN 7513's five years. */
export const DEFAULT_RETENTION: z.input<typeof RetentionPolicySchema> = {
  temporalNamespace: '30d',
  closedCases: '1827d',
  accessLog: '1827d',
  feedEntries: '90d',
  idempotencyKeys: '30d',
  sources: [
    'temporalNamespace 30d: default, for debugging and replay only',
    'closedCases 5 years: default, as long as the access log that discloses them',
    'accessLog 5 years: NEN 7513 practice (1827d covers leap days)',
    'feedEntries 90d: default',
    'idempotencyKeys 30d: default; a client retries within minutes, 7d is the least we promise',
  ],
};

/** What one kind of record retention erases. */
export const ErasureKindSchema = z.enum(['closedCases', 'accessLog', 'feedEntries', 'idempotencyKeys']);
export type ErasureKind = z.infer<typeof ErasureKindSchema>;

/** One erasure as it is logged: how many records of a kind older than `before` were erased. Never contents. */
export const ErasureCountSchema = z.object({
  kind: ErasureKindSchema,
  erased: z.number().int().nonnegative(),
  before: z.iso.datetime(),
});
export type ErasureCount = z.infer<typeof ErasureCountSchema>;
