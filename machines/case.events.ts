import { z } from 'zod';
import { HappenedAtSchema, IdSchema, RiskGradeSchema, SignalementPatchSchema } from './report.schema';
import { LegalTitleSchema } from './legal-title';

/** The roles that act on a case. */
export const RoleSchema = z.enum([
  'clinic',
  'police_desk',
  'police_supervisor',
  'ambulance',
  'crisis_service',
]);
export type Role = z.infer<typeof RoleSchema>;

/** Who did something: a person's id in their organisation's identity provider, and the role they acted in. */
export const ActorSchema = z.object({ id: z.string().min(1).max(200), role: RoleSchema });
export type Actor = z.infer<typeof ActorSchema>;

/** How a case ends (domain.md, "Other endings"). */
export const OutcomeSchema = z.enum([
  'returned',
  'returned_on_own',
  'found_by_family',
  'admitted_elsewhere',
  'transferred',
  'arrested',
  'found_deceased',
  'legal_basis_expired',
  'withdrawn',
  'false_alarm',
  'rejected_by_police',
]);
export type Outcome = z.infer<typeof OutcomeSchema>;

/** Endings a party records directly on an open case; the others follow from the lifecycle itself. */
export const DirectOutcomeSchema = OutcomeSchema.extract([
  'returned_on_own',
  'found_by_family',
  'admitted_elsewhere',
  'transferred',
  'arrested',
  'found_deceased',
]);
export type DirectOutcome = z.infer<typeof DirectOutcomeSchema>;

/** The kinds of task a case opens, each owned by a role with a due time. */
export const TaskKindSchema = z.enum([
  'complete_internal_search',
  'acknowledge_report',
  'review_risk',
  'notify_national_bureau',
  'request_dna_sample',
  'set_long_term_status',
  'decide_after_title_expiry',
  'arrange_crisis_assessment',
  'withdraw_public_appeal',
  'arrange_transport',
  'confirm_arrival',
  'debrief',
  'follow_up_after_return',
  'decide_after_rejection',
  'review_rejection',
  'handoff_at_release',
  'withdraw_alert',
  'transport_patient',
]);
export type TaskKind = z.infer<typeof TaskKindSchema>;

/** Deadlines the machine keeps in its context; the workflow holds one durable timer for each. */
export const DeadlineKeySchema = z.enum([
  'internalSearch',
  'acknowledge',
  'review',
  'nationalBureau',
  'dnaTask',
  'longTerm',
  'legalWarning',
  'legalEnd',
  'afterExpiryDecision',
  'appealExpiry',
  'appealWithdrawal',
  'arrangeTransport',
  'arrival',
  'debrief',
  'followUp',
  'afterRejection',
  'rejectionReview',
  'custodyRelease',
  'alertWithdrawal',
  'crisisAssessment',
]);
export type DeadlineKey = z.infer<typeof DeadlineKeySchema>;

/** Tasks opened by a passing threshold rather than by a state, closed by `task.complete`. */
export const AdhocTaskKindSchema = TaskKindSchema.extract([
  'withdraw_alert',
  'notify_national_bureau',
  'request_dna_sample',
  'set_long_term_status',
  'withdraw_public_appeal',
  'transport_patient',
]);

const Instant = z.iso.datetime({ offset: true });
const Text = z.string().min(1).max(2_000);
const person = { at: Instant, by: ActorSchema };

export const InternalSearchDoneEventSchema = z.object({
  type: z.literal('clinic.internal_search_done'),
  ...person,
  found: z.boolean(),
});
export const AcknowledgeEventSchema = z.object({
  type: z.literal('police.acknowledge'),
  ...person,
  risk: RiskGradeSchema,
  urgent: z.boolean(),
  knownFacts: Text,
  source: z.string().min(1).max(200),
});
/** Why police reject a report: the grounds, typed, and the explanation that goes to the clinic. */
export const RejectionGroundsSchema = z.enum(['no_danger', 'no_legal_basis', 'not_missing', 'other']);
export const RejectEventSchema = z.object({
  type: z.literal('police.reject'),
  ...person,
  grounds: RejectionGroundsSchema,
  reason: Text,
});
/**
 * After a rejection the clinic keeps responsibility and chooses a route (police–ggz agreement, seed 000):
 * search on itself, call in the crisis service, file a non-acute care report (zorgmelding) with the
 * municipality, or close.
 */
export const RejectionRouteSchema = z.enum(['own_search', 'crisis_service', 'care_report', 'close']);
export const RouteAfterRejectionEventSchema = z.object({
  type: z.literal('clinic.route_after_rejection'),
  ...person,
  route: RejectionRouteSchema,
  note: Text.optional(),
});
/** The clinic disagrees with the rejection: a police supervisor reviews it. */
export const DisputeRejectionEventSchema = z.object({
  type: z.literal('clinic.dispute_rejection'),
  ...person,
  reason: Text,
});
/** The supervisor's review of a disputed rejection: upheld (back to the clinic) or overturned (reported). */
export const ReviewRejectionEventSchema = z.object({
  type: z.literal('police.review_rejection'),
  ...person,
  uphold: z.boolean(),
  reason: Text,
});
export const ReviewRiskEventSchema = z.object({
  type: z.literal('police.review_risk'),
  ...person,
  risk: RiskGradeSchema,
  urgent: z.boolean(),
  knownFacts: Text,
  source: z.string().min(1).max(200),
  /** Required (College of Policing APP): when the next review is due, no later than the policy allows. */
  nextReviewAt: Instant,
});
export const InformationEventSchema = z.object({
  type: z.literal('case.add_information'),
  ...person,
  information: Text,
  source: z.string().min(1).max(200),
});
export const SightingEventSchema = z.object({
  type: z.literal('case.record_sighting'),
  ...person,
  seenAt: HappenedAtSchema,
  place: z.string().min(1).max(500),
  source: z.string().min(1).max(200),
});
/** The clinic learns when and where the person was really last seen: the long-missing clock runs from then. */
export const LastSeenEventSchema = z.object({
  type: z.literal('clinic.update_last_seen'),
  ...person,
  seenAt: HappenedAtSchema,
  place: z.string().min(1).max(500),
});
/** The clinic corrects or completes the signalement after filing: the fields it sends replace those. */
export const DescriptionEventSchema = z.object({
  type: z.literal('clinic.update_description'),
  ...person,
  person: SignalementPatchSchema,
});
export const LocatedEventSchema = z.object({
  type: z.literal('case.record_located'),
  ...person,
  foundBy: z.enum(['police', 'family', 'public', 'self', 'clinic']),
  place: z.string().min(1).max(500),
  /** How the person was when found, as whoever found them saw it. */
  condition: z.string().min(1).max(2_000).optional(),
});
/** How someone found goes back. Ambulance is the default for confused behaviour (seed 003). */
export const TransportModeSchema = z.enum([
  'ambulance',
  'care_transport',
  'clinic_staff',
  'police',
  'own_accord',
]);
export type TransportMode = z.infer<typeof TransportModeSchema>;

/** Why a police car, when it must be one: an offence, or acute danger to the person or others (seed 003). */
export const PoliceTransportReasonSchema = z.object({
  kind: z.enum(['offence', 'acute_danger']),
  details: Text,
});

export const TransportEventSchema = z.object({
  type: z.literal('transport.arrange'),
  ...person,
  /** Ambulance or care transport is the default for confused behaviour; a police car only with a reason. */
  mode: TransportModeSchema,
  /** Where the person is picked up, and where they are taken. */
  pickup: z.string().min(1).max(500),
  destination: z.string().min(1).max(500),
  policeReason: PoliceTransportReasonSchema.optional(),
});
/** Arrested: where the person is held, and until when (insluiting waar en hoelang, seed 000). */
/** Police put out an alert (signalering) for the person in their own systems, under this reference. */
export const AlertEventSchema = z.object({
  type: z.literal('police.place_alert'),
  ...person,
  reference: z.string().min(1).max(100),
});
export const CustodyEventSchema = z.object({
  type: z.literal('police.record_custody'),
  ...person,
  place: z.string().min(1).max(500),
  expectedReleaseAt: Instant,
  grounds: Text.optional(),
});
/** Released from custody: the hand-off back to care begins. */
export const ReleaseEventSchema = z.object({
  type: z.literal('police.release_from_custody'),
  ...person,
  note: Text.optional(),
});
export const ConfirmReturnEventSchema = z.object({ type: z.literal('clinic.confirm_return'), ...person });
/** The return interview after an absence: how the person is, what happened and why, and what follows. */
export const DebriefEventSchema = z.object({
  type: z.literal('clinic.complete_debrief'),
  ...person,
  safeAndWell: z.boolean(),
  whatHappened: Text,
  /** What drove the person away from the ward, and what drew them elsewhere. */
  pushFactors: z.array(z.string().min(1).max(500)).max(20).default([]),
  pullFactors: z.array(z.string().min(1).max(500)).max(20).default([]),
  followUp: Text.optional(),
  /** Whether the care plan or the warning-signs plan (signaleringsplan) was updated after this absence. */
  plansUpdated: z.boolean().default(false),
});
/** What the clinic agreed after a return that was not safe and well: the follow-up is arranged. */
export const FollowUpEventSchema = z.object({
  type: z.literal('clinic.complete_follow_up'),
  ...person,
  agreed: Text,
});
/**
 * What the crisis service found when it assessed someone whose title lapsed: the way on it chose, and its
 * own notes, which stay with the clinic and the crisis service.
 */
export const CrisisAssessmentOutcomeSchema = z.enum([
  /** The person goes back to the clinic of their own accord. */
  'returns_voluntarily',
  /** A new crisismaatregel was requested or imposed: the clinic records the title when it is in force. */
  'crisis_measure',
  /** Care elsewhere, voluntary (another clinic, a general practitioner, home treatment). */
  'care_elsewhere',
  /** No care is needed now. */
  'no_care_needed',
]);
export const CrisisAssessmentEventSchema = z.object({
  type: z.literal('crisis.record_assessment'),
  ...person,
  outcome: CrisisAssessmentOutcomeSchema,
  notes: Text.optional(),
});
export const TitleEventSchema = z.object({
  type: z.literal('clinic.update_title'),
  ...person,
  title: LegalTitleSchema,
});
export const AfterExpiryEventSchema = z.object({
  type: z.literal('police.decide_after_expiry'),
  ...person,
  continueSearch: z.boolean(),
});
export const AppealEventSchema = z.object({
  type: z.literal('case.public_appeal'),
  ...person,
  consentRecordedBy: z.string().min(1).max(200),
  expiresAt: Instant,
});
export const CompleteTaskEventSchema = z.object({
  type: z.literal('task.complete'),
  ...person,
  task: AdhocTaskKindSchema,
});
/** Taking a task on: one person at a time, so two desks never work the same task unknowingly. */
export const ClaimTaskEventSchema = z.object({
  type: z.literal('task.claim'),
  ...person,
  task: TaskKindSchema,
});
export const ReleaseTaskEventSchema = z.object({
  type: z.literal('task.release'),
  ...person,
  task: TaskKindSchema,
});
/** A supervisor hands a task to someone else: the holder went home, or another desk must take it over. */
export const ReassignTaskEventSchema = z.object({
  type: z.literal('task.reassign'),
  ...person,
  task: TaskKindSchema,
  to: ActorSchema,
});
export const TransferEventSchema = z.object({
  type: z.literal('police.transfer'),
  ...person,
  toRegion: IdSchema,
});
export const CloseEventSchema = z.object({
  type: z.literal('case.close'),
  ...person,
  outcome: DirectOutcomeSchema,
});
export const WithdrawEventSchema = z.object({
  type: z.literal('case.withdraw'),
  ...person,
  reason: Text,
  falseAlarm: z.boolean().default(false),
});

/** Sent by the engine when a durable timer fires; `at` is when it fired. */
export const DeadlinePassedEventSchema = z.object({
  type: z.literal('deadline.passed'),
  at: Instant,
  deadline: DeadlineKeySchema,
});

/** Sent by the engine when a notification could not be delivered for good: the case must escalate it. */
export const DeliveryFailedEventSchema = z.object({
  type: z.literal('delivery.failed'),
  at: Instant,
  deliveryId: z.string().min(1).max(300),
  /** The party and channel that were not reached, and why: facts of handling, never personal data. */
  reason: z.string().min(1).max(1_000),
});

export const CommandEventSchemas = [
  InternalSearchDoneEventSchema,
  AcknowledgeEventSchema,
  RejectEventSchema,
  RouteAfterRejectionEventSchema,
  DisputeRejectionEventSchema,
  ReviewRejectionEventSchema,
  ReviewRiskEventSchema,
  InformationEventSchema,
  SightingEventSchema,
  LocatedEventSchema,
  TransportEventSchema,
  AlertEventSchema,
  CustodyEventSchema,
  ReleaseEventSchema,
  ConfirmReturnEventSchema,
  DebriefEventSchema,
  FollowUpEventSchema,
  TitleEventSchema,
  AfterExpiryEventSchema,
  CrisisAssessmentEventSchema,
  AppealEventSchema,
  CompleteTaskEventSchema,
  ClaimTaskEventSchema,
  ReleaseTaskEventSchema,
  ReassignTaskEventSchema,
  TransferEventSchema,
  CloseEventSchema,
  WithdrawEventSchema,
  LastSeenEventSchema,
  DescriptionEventSchema,
] as const;

export const CaseEventSchema = z.discriminatedUnion('type', [
  ...CommandEventSchemas,
  DeadlinePassedEventSchema,
  DeliveryFailedEventSchema,
]);
export type CaseEvent = z.infer<typeof CaseEventSchema>;
/** Events a person sends (every event but the engine's own: timers and failed deliveries). */
export type CommandEvent = Exclude<CaseEvent, { type: 'deadline.passed' | 'delivery.failed' }>;
export type CommandType = CommandEvent['type'];

/** A command is an event as a person sends it: the engine stamps its time, `commandId` makes retries safe. */
export const CommandSchemas = Object.fromEntries(
  CommandEventSchemas.map((event) => {
    const schema = event as unknown as z.ZodObject<{ type: z.ZodLiteral<string> } & z.ZodRawShape>;
    return [
      schema.shape.type.value,
      schema.omit({ type: true, at: true }).extend({ commandId: z.string().min(8).max(128) }),
    ];
  }),
) as unknown as { [T in CommandType]: z.ZodObject<z.ZodRawShape, z.core.$strip> & z.ZodType<Command<T>> };
/** Every command type, in the order the schemas list them. */
export const commandTypes = Object.keys(CommandSchemas) as CommandType[];

export type Command<T extends CommandType = CommandType> = Omit<
  Extract<CommandEvent, { type: T }>,
  'type' | 'at'
> & {
  commandId: string;
};

/** Things the parties hear about; the notification rules decide who hears which, and how. */
export const AnnouncementKindSchema = z.enum([
  'case.reported',
  'case.acknowledged',
  'case.rejected',
  'case.transferred',
  'risk.regraded',
  'information.added',
  'sighting.recorded',
  'person.located',
  'transport.arranged',
  'person.returned',
  'task.escalated',
  'threshold.national_bureau',
  'threshold.dna_sample',
  'threshold.long_term',
  'legal.ending_soon',
  'legal.expired',
  'legal.extended',
  'appeal.started',
  'appeal.to_withdraw',
  'case.closed',
  'delivery.failed',
]);
export type AnnouncementKind = z.infer<typeof AnnouncementKindSchema>;

export const CaseIdSchema = IdSchema;
