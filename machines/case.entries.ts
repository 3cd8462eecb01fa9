import { z } from 'zod';
import {
  ActorSchema,
  AlertEventSchema,
  CrisisAssessmentEventSchema,
  CustodyEventSchema,
  DebriefEventSchema,
  DescriptionEventSchema,
  DeadlineKeySchema,
  DisputeRejectionEventSchema,
  FollowUpEventSchema,
  InformationEventSchema,
  LastSeenEventSchema,
  LocatedEventSchema,
  RejectEventSchema,
  ReleaseEventSchema,
  ReviewRejectionEventSchema,
  RouteAfterRejectionEventSchema,
  RoleSchema,
  SightingEventSchema,
  TitleEventSchema,
  TransportEventSchema,
  WithdrawEventSchema,
} from './case.events';
import { RiskGradeSchema } from './report.schema';

/**
 * What parties tell each other during a case, kept on its record: each entry says who said it and when,
 * with what they said. The machine adds them (a `record` effect); the records store keeps them; each party
 * reads them through its projection. A running case never carries them.
 */

const said = { by: ActorSchema, at: z.iso.datetime() };
// An entry is the event a person sent, as they sent it, without its type.
const without = { type: true } as const;

/** One risk assessment: what was known, who said it, when, and when it must be looked at again. */
export const AssessmentSchema = z.object({
  risk: RiskGradeSchema,
  urgent: z.boolean(),
  knownFacts: z.string(),
  source: z.string(),
  ...said,
  nextReviewAt: z.iso.datetime(),
});
export type Assessment = z.infer<typeof AssessmentSchema>;

/** A task that went to the next role up because its deadline passed, or a delivery that failed for good. */
export const EscalationSchema = z.object({
  reason: z.union([z.templateLiteral([DeadlineKeySchema, '_overdue']), z.literal('delivery_failed')]),
  to: RoleSchema,
  at: z.iso.datetime(),
  dueAt: z.iso.datetime(),
});
export type Escalation = z.infer<typeof EscalationSchema>;

/** Where and when someone saw the person, and who told it. */
export const SightingSchema = SightingEventSchema.omit(without);
/** New information, and where it came from. */
export const InformationSchema = InformationEventSchema.omit(without);
/** Who found the person, where, and how they were. */
export const FindSchema = LocatedEventSchema.omit(without);
/** How the person goes back: the mode, from where to where, and for a police car why. */
export const TransportSchema = TransportEventSchema.omit(without);
/** A police alert that went out. */
export const AlertEntrySchema = AlertEventSchema.omit(without);
/** Where the person is held after an arrest, and the expected release. */
export const CustodySchema = CustodyEventSchema.omit(without);
/** The release from custody. */
export const ReleaseSchema = ReleaseEventSchema.omit(without);
/** The return interview. */
export const DebriefSchema = DebriefEventSchema.omit(without);
/** The follow-up the clinic arranged after a return that was not safe and well. */
export const FollowUpSchema = FollowUpEventSchema.omit(without);
/** The crisis service's assessment after a lapsed title: the way on, and its notes. */
export const CrisisAssessmentSchema = CrisisAssessmentEventSchema.omit(without);
/** Why police rejected the report. */
export const RejectionSchema = RejectEventSchema.omit(without);
/** The route the clinic chose after a rejection. */
export const RejectionRouteEntrySchema = RouteAfterRejectionEventSchema.omit(without);
/** Why the clinic disputed a rejection, and what the supervisor decided. */
export const DisputeSchema = DisputeRejectionEventSchema.omit(without);
export const RejectionReviewSchema = ReviewRejectionEventSchema.omit(without);
/** Why the clinic withdrew its report. */
export const WithdrawalSchema = WithdrawEventSchema.omit(without);

/** A correction of the report after filing: which fact changed, to what, by whom and when. */
export const CorrectionSchema = z.discriminatedUnion('field', [
  LastSeenEventSchema.omit(without).extend({ field: z.literal('lastSeen') }),
  TitleEventSchema.omit(without).extend({ field: z.literal('legalTitle') }),
  DescriptionEventSchema.omit(without).extend({ field: z.literal('person') }),
]);

/** Every entry a transition can add to the record, by kind. */
export const RecordEntrySchema = z.discriminatedUnion('kind', [
  AssessmentSchema.extend({ kind: z.literal('assessment') }),
  EscalationSchema.extend({ kind: z.literal('escalation') }),
  SightingSchema.extend({ kind: z.literal('sighting') }),
  InformationSchema.extend({ kind: z.literal('information') }),
  FindSchema.extend({ kind: z.literal('find') }),
  TransportSchema.extend({ kind: z.literal('transport') }),
  AlertEntrySchema.extend({ kind: z.literal('alert') }),
  CustodySchema.extend({ kind: z.literal('custody') }),
  ReleaseSchema.extend({ kind: z.literal('release') }),
  DebriefSchema.extend({ kind: z.literal('debrief') }),
  FollowUpSchema.extend({ kind: z.literal('followUp') }),
  CrisisAssessmentSchema.extend({ kind: z.literal('crisisAssessment') }),
  RejectionSchema.extend({ kind: z.literal('rejection') }),
  RejectionRouteEntrySchema.extend({ kind: z.literal('rejectionRoute') }),
  DisputeSchema.extend({ kind: z.literal('dispute') }),
  RejectionReviewSchema.extend({ kind: z.literal('rejectionReview') }),
  WithdrawalSchema.extend({ kind: z.literal('withdrawal') }),
  z.object({ kind: z.literal('correction'), correction: CorrectionSchema }),
]);
export type RecordEntry = z.infer<typeof RecordEntrySchema>;
export type RecordEntryKind = RecordEntry['kind'];
