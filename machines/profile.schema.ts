import { z } from 'zod';
import { ActorSchema } from './case.events';
import { CaseReportSchema, IdSchema, PersonSchema, PlaceSchema } from './report.schema';

/**
 * A patient profile (issue 15; the Philomena and Herbert protocols): what a clinic fills in at admission for a
 * patient it judges at risk of leaving, and keeps current, so that a report goes out in one step. Its parts
 * are the report's own shapes wherever the report has one.
 */

/** The photo a profile shows, and the day it was taken: a photo past the policy's age asks for a new one. */
export const ProfilePhotoSchema = z
  .object({
    ref: PersonSchema.shape.photoRef.describe(
      'Where the photo is kept: `photo:sha256:<hex>` for one put with PUT /v1/profiles/{profileId}/photo.',
    ),
    takenOn: z.iso.date().meta({
      // Refused at the edge when that day has not begun (api/validate.ts): a photo dated ahead would put
      // off the reminder that asks for a new one.
      happened: true,
      description: 'The day the photo was taken: refused if that day has not begun in Amsterdam.',
    }),
  })
  .strict();
export type ProfilePhoto = z.infer<typeof ProfilePhotoSchema>;

/** A plan the patient made with their care team: its text, who made it with them, and when. */
export const CarePlanSchema = z
  .object({
    text: z.string().min(1).max(10_000),
    madeBy: z.string().min(1).max(200),
    madeOn: z.iso.date(),
  })
  .strict();

/** The patient's own plans for a crisis: a *crisiskaart*, and a *signaleringsplan* of warning signs. */
export const CarePlansSchema = z
  .object({ crisiskaart: CarePlanSchema.optional(), signaleringsplan: CarePlanSchema.optional() })
  .strict();

/** A profile's list of places: half what a report holds, since a report from the profile carries two. */
const ProfilePlacesSchema = z.array(PlaceSchema).max(50).default([]);

/**
 * The profile as the clinic keeps it: every version holds it whole. Strict, like each object of its own: a
 * field the profile does not have (a `bsn`, which Vermist never stores) is refused, not dropped.
 */
export const ProfileSchema = z
  .object({
    person: PersonSchema.omit({ photoRef: true }).strict(),
    photo: ProfilePhotoSchema.optional(),
    routines: ProfilePlacesSchema.describe(
      'What the patient does, and when: a walk each morning, a café on Saturdays.',
    ),
    likelyPlaces: ProfilePlacesSchema,
    ...CaseReportSchema.pick({
      associates: true,
      riskFactors: true,
      travel: true,
      timeCriticalNeeds: true,
      peopleAtRisk: true,
      legalTitle: true,
      clinicContact: true,
      consents: true,
    }).shape,
    plans: CarePlansSchema.prefault({}),
  })
  .strict();
export type Profile = z.infer<typeof ProfileSchema>;
/** What a client sends: defaults not yet applied. */
export type ProfileInput = z.input<typeof ProfileSchema>;

/** A top-level field of a profile: what a version's history says changed. */
export const ProfileFieldSchema = ProfileSchema.keyof();
export type ProfileField = z.infer<typeof ProfileFieldSchema>;

/**
 * The institution's own patient number: input only. It becomes the pseudonymous patient key and is never
 * stored; surrounding spaces are not part of it.
 */
export const PatientNumberSchema = z.string().trim().min(1).max(64);

/** A new profile: the profile, and the patient number that keeps one profile per patient. */
export const NewProfileSchema = ProfileSchema.extend({
  patientNumber: PatientNumberSchema.describe(
    "The institution's own patient number: kept only as a keyed hash, so a second profile for the same patient is refused.",
  ),
}).strict();

/** The change a version made: the profile's first version, a change to it, or a check that it is current. */
export const ProfileChangeSchema = z.enum(['created', 'updated', 'reviewed']);

/** A profile as its clinic reads it: its latest version, who recorded that and when, and when it was checked. */
export const ProfileViewSchema = z.object({
  profileId: IdSchema,
  version: z.number().int().min(1),
  institutionId: IdSchema,
  recordedAt: z.iso.datetime(),
  recordedBy: ActorSchema,
  /** When someone last checked the whole profile is current: its creation, or its latest review. */
  reviewedAt: z.iso.datetime(),
  reviewedBy: ActorSchema,
  profile: ProfileSchema,
});
export type ProfileView = z.infer<typeof ProfileViewSchema>;

/** A profile in a list: its handling only, no personal data, so listing is not an access record. */
export const ProfileSummarySchema = z.object({
  profileId: IdSchema,
  version: z.number().int().min(1),
  ward: CaseReportSchema.shape.clinicContact.shape.ward,
  createdAt: z.iso.datetime(),
  recordedAt: z.iso.datetime(),
  reviewedAt: z.iso.datetime(),
  photoTakenOn: z.iso.date().nullable(),
});
export type ProfileSummary = z.infer<typeof ProfileSummarySchema>;

/** One version of a profile in its history: who made it, when, and which top-level fields it changed. */
export const ProfileVersionSchema = z.object({
  version: z.number().int().min(1),
  recordedAt: z.iso.datetime(),
  recordedBy: ActorSchema,
  change: ProfileChangeSchema,
  changed: z
    .array(ProfileFieldSchema)
    .describe('The top-level fields that differ from the version before; every field given, for the first.'),
});
export type ProfileVersion = z.infer<typeof ProfileVersionSchema>;

/** The top-level fields in which `after` differs from `before` (all that `after` has, without a `before`). */
export function changedFields(before: Profile | undefined, after: Profile): ProfileField[] {
  return ProfileFieldSchema.options.filter((field) =>
    before === undefined ? after[field] !== undefined : canonical(before[field]) !== canonical(after[field]),
  );
}

/** JSON with every object's keys sorted, so equal values compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
