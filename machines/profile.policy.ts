import { z } from 'zod';
import { DurationSchema } from './duration';

/**
 * How a clinic keeps its patient profiles current and watches for repeat absences (issue 15), durations in
 * milliseconds. One section for the whole document: a profile belongs to an institution, not to a police
 * region, so no region overrides it.
 */
export const ProfilePolicySchema = z
  .object({
    /** How long a profile may go without someone checking it is current before a review is asked for. */
    reviewEvery: DurationSchema,
    /** How old the profile's photo may be before a new one is asked for, counted from the day it was taken. */
    photoMaxAge: DurationSchema,
    /** `threshold` absences within `window` ask the clinic to hold a multidisciplinary review. */
    repeat: z
      .object({
        window: DurationSchema,
        // One absence is not a pattern: the smallest repeat is the second.
        threshold: z.number().int().min(2).max(100),
      })
      .strict(),
  })
  .strict();
/** A resolved profile policy, durations in milliseconds. */
export type ProfilePolicy = z.infer<typeof ProfilePolicySchema>;

/** What a policy document without a `profiles` section gets: issue 15's examples, our defaults. */
export const DEFAULT_PROFILE_POLICY: z.input<typeof ProfilePolicySchema> = {
  reviewEvery: '90d',
  photoMaxAge: '365d',
  repeat: { window: '90d', threshold: 3 },
};
