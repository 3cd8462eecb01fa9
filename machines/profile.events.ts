import { z } from 'zod';
import { ActorSchema, OutcomeSchema } from './case.events';
import { IdSchema } from './report.schema';

/**
 * What a profile's machine hears (issue 15): that someone checked the profile, and the absences reported
 * from it. Each event carries the instant it happened, given by its sender; the workflow adds nothing.
 */

const Instant = z.iso.datetime();
/** A case id as the API makes it (`case-<institution>~<report>`): longer than an IdSchema, with a `~`. */
const CaseIdSchema = z.string().min(1).max(200);

/**
 * The durable timers a profile keeps: its review, its photo's age, the oldest absence leaving the window, and
 * the erasure a policy period after discharge.
 */
export const ProfileDeadlineSchema = z.enum(['review', 'photo', 'window', 'erase']);
export type ProfileDeadline = z.infer<typeof ProfileDeadlineSchema>;

/** The tasks a profile opens for its clinic. */
export const ProfileTaskKindSchema = z.enum(['profile_review', 'repeat_review']);
export type ProfileTaskKind = z.infer<typeof ProfileTaskKindSchema>;

/** Why a profile review is asked for: nobody checked the profile in time, or its photo is too old. */
export const ReviewReasonSchema = z.enum(['review_due', 'photo_old']);
export type ReviewReason = z.infer<typeof ReviewReasonSchema>;

/**
 * The profile as last checked: when (its `reviewedAt`), the day its photo was taken, and its ward. Sent on
 * every profile write; facts the machine already has change nothing.
 */
export const ProfileReviewedSchema = z
  .object({
    type: z.literal('profile.reviewed'),
    at: Instant,
    photoTakenOn: z.iso.date().optional(),
    ward: z.string().min(1).max(200).optional(),
    /** The version now stored: a new one after discharge means the clinic keeps the profile in use. */
    version: z.number().int().positive().optional(),
  })
  .strict();

/** A case was filed from the profile: one absence, at the instant the case was reported. */
export const AbsenceReportedSchema = z
  .object({ type: z.literal('absence.reported'), at: Instant, caseId: CaseIdSchema })
  .strict();

/** A case filed from the profile closed, with its outcome. */
export const AbsenceEndedSchema = z
  .object({ type: z.literal('absence.ended'), at: Instant, caseId: CaseIdSchema, outcome: OutcomeSchema })
  .strict();

/** The clinic held the multidisciplinary review the repeat absences asked for. */
export const RepeatReviewCompletedSchema = z
  .object({ type: z.literal('repeat_review.complete'), at: Instant, by: ActorSchema })
  .strict();

/** The clinic discharged the patient on `dischargedOn`: the profile is erased a policy period later. */
export const ProfileDischargedSchema = z
  .object({ type: z.literal('profile.discharged'), at: Instant, dischargedOn: z.iso.date(), by: ActorSchema })
  .strict();

/** The clinic took the patient in again: the profile stays, and the erasure its discharge armed is off. */
export const ProfileReadmittedSchema = z
  .object({ type: z.literal('profile.readmitted'), at: Instant, by: ActorSchema })
  .strict();

/**
 * Why the patient asked for erasure: the grounds of AVG art. 17(1), as categories. No free text, so the
 * request carries nothing about the patient.
 */
export const ErasureReasonSchema = z.enum([
  'no_longer_necessary',
  'consent_withdrawn',
  'objection',
  'unlawfully_processed',
  'legal_obligation',
]);
export type ErasureReason = z.infer<typeof ErasureReasonSchema>;

/** The clinic forwards its patient's request to erase the profile (AVG art. 17). */
export const ErasureRequestedSchema = z
  .object({ type: z.literal('erasure.requested'), at: Instant, by: ActorSchema, reason: ErasureReasonSchema })
  .strict();

/** Why a profile was erased: a policy period after discharge, or at the patient's request. */
export const ErasureGroundSchema = z.enum(['after_discharge', 'on_request']);
export type ErasureGround = z.infer<typeof ErasureGroundSchema>;

/** Why the machine refuses an erasure request now; each names a rule it keeps. */
export const ErasureRefusalSchema = z.enum(['case_open', 'not_clinic', 'already_erased']);
export type ErasureRefusal = z.infer<typeof ErasureRefusalSchema>;

/** A profile's deadline passed: sent by its workflow's durable timer, dated when it fell due. */
export const ProfileDeadlinePassedSchema = z
  .object({ type: z.literal('deadline.passed'), at: Instant, deadline: ProfileDeadlineSchema })
  .strict();

export const ProfileEventSchema = z.discriminatedUnion('type', [
  ProfileReviewedSchema,
  AbsenceReportedSchema,
  AbsenceEndedSchema,
  RepeatReviewCompletedSchema,
  ProfileDeadlinePassedSchema,
  ProfileDischargedSchema,
  ProfileReadmittedSchema,
  ErasureRequestedSchema,
]);
export type ProfileEvent = z.infer<typeof ProfileEventSchema>;
/** An event as its message carries it: the message's name is its type. */
export type ProfileMessage<T extends ProfileEvent['type']> = Omit<Extract<ProfileEvent, { type: T }>, 'type'>;

/** One absence reported from a profile: when, and once it closed, how it ended and how long it lasted. */
export const AbsenceSchema = z.object({
  caseId: CaseIdSchema,
  reportedAt: Instant,
  endedAt: Instant.nullable(),
  outcome: OutcomeSchema.nullable(),
  /** Milliseconds from the report to its close. */
  awayMs: z.number().int().nonnegative().nullable(),
  /** Looked at by a completed repeat review: it counts towards no further one. */
  reviewed: z.boolean(),
});
export type Absence = z.infer<typeof AbsenceSchema>;

/** What erasing a profile took away, as counts only: nothing that names the patient or the profile. */
export const ProfileErasureCountsSchema = z.object({
  versions: z.number().int().nonnegative(),
  photos: z.number().int().nonnegative(),
  tasks: z.number().int().nonnegative(),
  /** The pseudonymous patient key that tied the profile to the clinic's patient number: 1, or 0 on a rerun. */
  patientKeys: z.number().int().nonnegative(),
});
export type ProfileErasureCounts = z.infer<typeof ProfileErasureCountsSchema>;

/** What recording a discharge answers: when the profile will be erased unless the patient is readmitted. */
export const DischargeReceiptSchema = z.object({
  profileId: IdSchema,
  dischargedOn: z.iso.date(),
  eraseAt: Instant,
});
export type DischargeReceipt = z.infer<typeof DischargeReceiptSchema>;

/** What recording a readmission answers: the profile is kept, no erasure armed. */
export const ReadmissionReceiptSchema = z.object({ profileId: IdSchema, kept: z.literal(true) });
export type ReadmissionReceipt = z.infer<typeof ReadmissionReceiptSchema>;

/** What an honoured erasure request answers, once the profile is gone: counts only. */
export const ErasureReceiptSchema = z.object({
  profileId: IdSchema,
  ground: ErasureGroundSchema,
  erased: ProfileErasureCountsSchema,
});
export type ErasureReceipt = z.infer<typeof ErasureReceiptSchema>;

/** A profile's task as its clinic's inbox and the records store see it. No personal data. */
export const ProfileTaskSchema = z.object({
  kind: ProfileTaskKindSchema,
  openedAt: Instant,
  /** When the review fell due; a repeat review has no due time of its own. */
  dueAt: Instant.nullable(),
  reasons: z.array(ReviewReasonSchema),
  doneAt: Instant.nullable(),
  doneBy: ActorSchema.nullable(),
});
export type ProfileTask = z.infer<typeof ProfileTaskSchema>;

/** One open profile task in its clinic's inbox: whose profile, which ward. No personal data. */
export const ProfileInboxItemSchema = ProfileTaskSchema.extend({
  profileId: IdSchema,
  institutionId: IdSchema,
  ward: z.string(),
});
export type ProfileInboxItem = z.infer<typeof ProfileInboxItemSchema>;

/**
 * The workflow that runs a profile's machine is named after the profile. Here, beside the events, because
 * every sender needs it: the API, the case's activity (which imports only machines/) and the tests.
 */
export const profileWorkflowId = (profileId: z.infer<typeof IdSchema>): string => `profile-${profileId}`;
