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

/** The durable timers a profile keeps: its review, its photo's age, and the oldest absence leaving the window. */
export const ProfileDeadlineSchema = z.enum(['review', 'photo', 'window']);
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
