import { z } from 'zod';
import type { SnapshotFrom } from 'xstate';
import { ActorSchema, OutcomeSchema } from './case.events';
import type { CaseMachine } from './case.machine';
import { AssessmentSchema, EscalationSchema, titleEndsAt } from './case.context';
import { CaseStatusSchema, LegalStatusSchema, caseStatus, legalStatusOf } from './case.status';
import { OpenTaskSchema, openTasks } from './case.tasks';
import { DeliveryRecordSchema, type DeliveryRecord } from './notification.schema';
import { CaseKindSchema, CaseReportSchema, LegalTitleKindSchema, RiskGradeSchema } from './report.schema';

/** One entry of a case's timeline: what happened, when, and who did it (null for the engine's own timers). */
export const TimelineEntrySchema = z.object({
  type: z.string(),
  at: z.iso.datetime(),
  by: ActorSchema.nullable(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/** The whole case as its workflow knows it. Parties never get this as is; they get their projection. */
export const CaseViewSchema = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  region: z.string(),
  institutionId: z.string(),
  kind: CaseKindSchema,
  urgent: z.boolean(),
  proposedRisk: RiskGradeSchema,
  risk: RiskGradeSchema.nullable(),
  reportedAt: z.iso.datetime(),
  /** When and where the person was last seen, as the clinic last said. */
  lastSeen: z.object({ at: z.iso.datetime({ offset: true }), place: z.string() }),
  acknowledgedAt: z.iso.datetime().nullable(),
  locatedAt: z.iso.datetime().nullable(),
  returnedAt: z.iso.datetime().nullable(),
  transportMode: z.enum(['ambulance', 'clinic_staff', 'police', 'own_accord']).nullable(),
  legal: z.object({
    status: LegalStatusSchema,
    title: LegalTitleKindSchema,
    endsAt: z.iso.datetime().nullable(),
  }),
  assessments: z.array(AssessmentSchema),
  publicAppeal: z.object({ expiresAt: z.iso.datetime(), consentRecordedBy: z.string() }).nullable(),
  sightingCount: z.number().int(),
  outcome: OutcomeSchema.nullable(),
  closedAt: z.iso.datetime().nullable(),
  tasks: z.array(OpenTaskSchema),
  escalations: z.array(EscalationSchema),
  timeline: z.array(TimelineEntrySchema),
  /** Every notification the case sent or tried to send, and where it stands. */
  deliveries: z.array(DeliveryRecordSchema),
  policyVersion: z.string(),
  report: CaseReportSchema,
});
export type CaseView = z.infer<typeof CaseViewSchema>;

/** Builds the case view from the machine's snapshot and what the workflow keeps beside it. */
export function caseView(
  snapshot: SnapshotFrom<CaseMachine>,
  extras: { report: CaseView['report']; timeline: TimelineEntry[]; deliveries?: DeliveryRecord[] },
): CaseView {
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
    legal: { status: legalStatusOf(snapshot), title: c.legalTitle.kind, endsAt: titleEndsAt(c.legalTitle) },
    assessments: c.assessments,
    publicAppeal: c.appeal,
    sightingCount: c.sightingCount,
    outcome: c.outcome,
    closedAt: c.closedAt,
    tasks: openTasks(snapshot),
    escalations: c.escalations,
    timeline: extras.timeline,
    deliveries: extras.deliveries ?? [],
    policyVersion: c.policy.version,
    report: extras.report,
  };
}

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
