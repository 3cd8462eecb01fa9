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
    /**
     * How long after the day of discharge a profile is erased, unless the patient is readmitted first.
     * Counted from the start of that day in Amsterdam.
     */
    eraseAfterDischarge: DurationSchema.prefault('180d'),
  })
  .strict();
/** A resolved profile policy, durations in milliseconds. */
export type ProfilePolicy = z.infer<typeof ProfilePolicySchema>;

/** What a policy document without a `profiles` section gets: issue 15's examples, our defaults. */
export const DEFAULT_PROFILE_POLICY: z.input<typeof ProfilePolicySchema> = {
  reviewEvery: '90d',
  photoMaxAge: '365d',
  repeat: { window: '90d', threshold: 3 },
  // Half a year, our default; a section written before this field gets it too, through the prefault. The
  // profile is a working copy kept to speed up a search, not the medical dossier (whose 20 years under the
  // WGBO, art. 7:454 BW, are the clinic's own record's): once the patient is discharged it serves only a
  // readmission soon after, which the revolving door makes common within months. By then it is stale
  // anyway (reviewed every 90 days, a photo at most a year old), and the AVG keeps data no longer than its
  // purpose needs (art. 5(1)(e)).
  eraseAfterDischarge: '180d',
};
