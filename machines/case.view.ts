import { z } from 'zod';
import type { SnapshotFrom } from 'xstate';
import { ActorSchema } from './case.events';
import type { CaseMachine } from './case.machine';
import { AlertSchema, AppealSchema, CaseContextSchema } from './case.context';
import { LegalTitleKindSchema, titleEndsAt } from './legal-title';
import {
  AssessmentSchema,
  AlertEntrySchema,
  CorrectionSchema,
  CustodySchema,
  DebriefSchema,
  EscalationSchema,
  FindSchema,
  FollowUpSchema,
  CrisisAssessmentSchema,
  InformationSchema,
  DisputeSchema,
  RejectionReviewSchema,
  RejectionRouteEntrySchema,
  RejectionSchema,
  ReleaseSchema,
  SightingSchema,
  TransportSchema,
  WithdrawalSchema,
  RecordEntrySchema,
  type RecordEntry,
} from './case.entries';
import { CaseStatusSchema, LegalStatusSchema, caseStatus, legalStatusOf } from './case.status';
import { OpenTaskSchema, openTasks } from './case.tasks';
import { DeliveryRecordSchema, type DeliveryRecord } from './notification.schema';
import { CaseReportSchema, RiskGradeSchema } from './report.schema';

/**
 * One entry of a case's timeline: what happened, when, who did it (null for the engine's own timers), and
 * what it put on the record (a sighting's place, time and source; a find; an assessment), if anything.
 */
export const TimelineEntrySchema = z.object({
  type: z.string(),
  at: z.iso.datetime(),
  by: ActorSchema.nullable(),
  recorded: z.array(RecordEntrySchema).optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/**
 * Where a case stands now: what its workflow knows from the machine's snapshot and the report. It is all a
 * running case carries; its history is in the records store.
 */
export const CaseStateSchema = CaseContextSchema.pick({
  caseId: true,
  region: true,
  institutionId: true,
  kind: true,
  urgent: true,
  proposedRisk: true,
  risk: true,
  reportedAt: true,
  lastSeen: true,
  acknowledgedAt: true,
  locatedAt: true,
  returnedAt: true,
  transportMode: true,
  outcome: true,
  closedAt: true,
}).extend({
  status: CaseStatusSchema,
  legal: z.object({
    status: LegalStatusSchema,
    title: LegalTitleKindSchema,
    startsAt: z.iso.datetime().nullable(),
    /** When the power to bring the person back ends: as decided, by law, or when a pending request must be decided. */
    endsAt: z.iso.datetime().nullable(),
    /** A request the court has yet to decide that keeps the title in force until then. */
    requestFiledAt: z.iso.datetime().nullable(),
  }),
  publicAppeal: AppealSchema.nullable(),
  alert: AlertSchema.nullable(),
  tasks: z.array(OpenTaskSchema),
  policyVersion: z.string(),
  report: CaseReportSchema,
});
export type CaseState = z.infer<typeof CaseStateSchema>;

/**
 * What only grows: everything parties said and the engine did on the case, oldest first. Each list holds
 * one kind of record entry (case.entries.ts), as its author gave it.
 */
export const CaseHistorySchema = z.object({
  assessments: z.array(AssessmentSchema),
  escalations: z.array(EscalationSchema),
  sightings: z.array(SightingSchema),
  information: z.array(InformationSchema),
  finds: z.array(FindSchema),
  transports: z.array(TransportSchema),
  /** Each custody after an arrest (where, expected release) and each release. */
  custody: z.array(CustodySchema),
  /** Each police alert (signalering) put out for the person. */
  alerts: z.array(AlertEntrySchema),
  releases: z.array(ReleaseSchema),
  debriefs: z.array(DebriefSchema),
  followUps: z.array(FollowUpSchema),
  /** The crisis service's assessments after a lapsed title. */
  crisisAssessments: z.array(CrisisAssessmentSchema),
  rejections: z.array(RejectionSchema),
  /** After a rejection: the clinic's route, its disputes, and the supervisor's reviews. */
  rejectionRoutes: z.array(RejectionRouteEntrySchema),
  disputes: z.array(DisputeSchema),
  rejectionReviews: z.array(RejectionReviewSchema),
  withdrawals: z.array(WithdrawalSchema),
  /** Corrections of the report after filing: which fact, its new value, who and when. */
  corrections: z.array(CorrectionSchema),
  timeline: z.array(TimelineEntrySchema),
  /** Every notification the case sent or tried to send, and where it stands. */
  deliveries: z.array(DeliveryRecordSchema),
});
export type CaseHistory = z.infer<typeof CaseHistorySchema>;

/** Which list of the history each kind of record entry goes to. */
const listOf = {
  assessment: 'assessments',
  escalation: 'escalations',
  sighting: 'sightings',
  information: 'information',
  find: 'finds',
  transport: 'transports',
  custody: 'custody',
  alert: 'alerts',
  release: 'releases',
  debrief: 'debriefs',
  followUp: 'followUps',
  crisisAssessment: 'crisisAssessments',
  rejection: 'rejections',
  rejectionRoute: 'rejectionRoutes',
  dispute: 'disputes',
  rejectionReview: 'rejectionReviews',
  withdrawal: 'withdrawals',
  correction: 'corrections',
} as const satisfies Record<RecordEntry['kind'], keyof CaseHistory>;

/** A history with nothing in it yet. */
export function emptyHistory(): CaseHistory {
  const lists = Object.fromEntries(Object.values(listOf).map((list) => [list, []]));
  return { ...lists, timeline: [], deliveries: [] } as unknown as CaseHistory;
}

/** The whole case as the records store keeps it. Parties never get this as is; they get their projection. */
export const CaseViewSchema = CaseStateSchema.extend(CaseHistorySchema.shape);
export type CaseView = z.infer<typeof CaseViewSchema>;

/** Where the case stands, from the machine's snapshot and the report the workflow holds beside it. */
export function caseState(snapshot: SnapshotFrom<CaseMachine>, report: CaseState['report']): CaseState {
  const c = snapshot.context;
  return {
    caseId: c.caseId,
    status: caseStatus(snapshot),
    region: c.region,
    institutionId: c.institutionId,
    kind: c.kind,
    urgent: c.urgent,
    proposedRisk: c.proposedRisk,
    risk: c.risk,
    reportedAt: c.reportedAt,
    lastSeen: c.lastSeen,
    acknowledgedAt: c.acknowledgedAt,
    locatedAt: c.locatedAt,
    returnedAt: c.returnedAt,
    transportMode: c.transportMode,
    legal: {
      status: legalStatusOf(snapshot),
      title: c.legalTitle.kind,
      startsAt: c.legalTitle.kind === 'none' ? null : c.legalTitle.startsAt,
      endsAt: titleEndsAt(c.legalTitle),
      requestFiledAt: (c.legalTitle.kind !== 'none' && c.legalTitle.requestFiledAt) || null,
    },
    publicAppeal: c.appeal,
    alert: c.alert,
    outcome: c.outcome,
    closedAt: c.closedAt,
    tasks: openTasks(snapshot),
    policyVersion: c.policy.version,
    report,
  };
}

/** What one record version adds to the case's history. */
export type HistoryAdded = {
  timeline: TimelineEntry[];
  entries: RecordEntry[];
  /** Deliveries that are new or moved on since the last version; each replaces the one with its id. */
  deliveries: DeliveryRecord[];
};

export const nothingAdded: HistoryAdded = { timeline: [], entries: [], deliveries: [] };

/** The case as the store keeps it after one more version: the new state, and the history grown by it. */
export function nextView(state: CaseState, previous: CaseHistory | undefined, added: HistoryAdded): CaseView {
  const history = { ...emptyHistory(), ...previous };
  const lists = Object.fromEntries(Object.values(listOf).map((list) => [list, [...history[list]]])) as Record<
    (typeof listOf)[RecordEntry['kind']],
    unknown[]
  >;
  for (const entry of added.entries) {
    const { kind, ...content } = entry;
    lists[listOf[kind]].push('correction' in content ? content.correction : content);
  }
  const deliveries = [...history.deliveries];
  for (const delivery of added.deliveries) {
    const index = deliveries.findIndex((d) => d.id === delivery.id);
    if (index === -1) deliveries.push(delivery);
    else deliveries[index] = delivery;
  }
  const corrections = lists.corrections as CaseHistory['corrections'];
  return {
    ...state,
    report: withCorrections(state.report, corrections),
    ...(lists as unknown as Omit<CaseHistory, 'timeline' | 'deliveries'>),
    timeline: [...history.timeline, ...added.timeline],
    deliveries,
  };
}

/**
 * The report as it stands: the signalement as filed, with every correction laid over it in order. The
 * report as filed stays the workflow's input; the record shows what is known now.
 */
function withCorrections(
  report: CaseState['report'],
  corrections: CaseHistory['corrections'],
): CaseState['report'] {
  let person = report.person;
  for (const correction of corrections)
    if (correction.field === 'person')
      person = { ...person, ...stripUndefined(correction.person) } as typeof person;
  return { ...report, person };
}

/** A partial update names only the fields it changes. */
const stripUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/**
 * One case in a list: the facts of its handling, from the records store's index columns. No personal data,
 * so listing discloses nothing that must be logged; opening the case does.
 */
export const CaseSummarySchema = CaseViewSchema.pick({
  caseId: true,
  status: true,
  region: true,
  institutionId: true,
  kind: true,
  urgent: true,
  reportedAt: true,
  closedAt: true,
  outcome: true,
}).extend({
  /** The police grade, or the clinic's proposal before there is one. */
  risk: RiskGradeSchema,
});
export type CaseSummary = z.infer<typeof CaseSummarySchema>;
