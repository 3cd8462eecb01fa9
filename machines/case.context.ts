import { z } from 'zod';
import {
  ActorSchema,
  DeadlineKeySchema,
  RoleSchema,
  type AdhocTaskKindSchema,
  type Actor,
  type DeadlineKey,
  type DirectOutcome,
  type Outcome,
  type Role,
  type TaskKind,
} from './case.events';
import { addMs } from './duration';
import type { Policy } from './policy.schema';
import { RiskGradeSchema, type CaseReport, type LegalTitle, type RiskGrade } from './report.schema';

/** What the workflow hands the machine when a case is filed. Plain JSON. */
export type CaseInput = {
  caseId: string;
  reportedAt: string;
  report: Pick<
    CaseReport,
    | 'region'
    | 'institutionId'
    | 'kind'
    | 'urgent'
    | 'proposedRisk'
    | 'legalTitle'
    | 'lastSeen'
    | 'internalSearchDone'
  >;
  policy: Policy & { version: string };
};

/** One risk assessment: what was known, who said it, when, and when it must be looked at again. */
export const AssessmentSchema = z.object({
  risk: RiskGradeSchema,
  urgent: z.boolean(),
  knownFacts: z.string(),
  source: z.string(),
  by: ActorSchema,
  at: z.iso.datetime(),
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

export type AdhocTask = {
  task: z.infer<typeof AdhocTaskKindSchema>;
  role: Role;
  openedAt: string;
  deadline: DeadlineKey | null;
};

export type CaseContext = {
  caseId: string;
  region: string;
  institutionId: string;
  kind: CaseInput['report']['kind'];
  urgent: boolean;
  proposedRisk: RiskGrade;
  /** Police decide the grade; null until they have. A disagreement with the clinic's proposal stays visible. */
  risk: RiskGrade | null;
  policy: CaseInput['policy'];
  reportedAt: string;
  missingSince: string;
  /** When and where the person was last seen: from the report, moved by the clinic's updates. */
  lastSeen: { at: string; place: string };
  internalSearchDone: boolean;
  legalTitle: LegalTitle;
  /** When the legal region last judged the title: the time of the event that changed it. */
  legalJudgedAt: string;
  acknowledgedAt: string | null;
  locatedAt: string | null;
  returnedAt: string | null;
  transportMode: 'ambulance' | 'clinic_staff' | 'police' | 'own_accord' | null;
  assessments: Assessment[];
  sightingCount: number;
  informationCount: number;
  appeal: { expiresAt: string; consentRecordedBy: string } | null;
  adhocTasks: AdhocTask[];
  /** Who has taken which task on. A claim on a task that has since closed means nothing. */
  claims: Partial<Record<TaskKind, Actor>>;
  /** Live deadlines as ISO instants. Time enters the machine only as events, so it stays pure and replayable. */
  deadlines: Partial<Record<DeadlineKey, string>>;
  /** Deadlines that passed while their task stayed open, and whom they went to. */
  overdue: Partial<Record<DeadlineKey, { dueAt: string; to: Role }>>;
  escalations: Escalation[];
  outcome: Outcome | null;
  closedAt: string | null;
};

/** A task a state opens: who owns it and which deadline it is due by. Read by `openTasks`. */
export type TaskMeta = { task: TaskKind; role: Role; deadline: DeadlineKey | null };

/**
 * A title ends with its end date. We take 22:00 UTC on that date: local midnight in summer, an hour early
 * in winter. Never late: past that instant the police may no longer have the power to bring someone back.
 */
export function titleEndsAt(title: LegalTitle): string | null {
  return title.kind === 'none' || !title.endsOn ? null : `${title.endsOn}T22:00:00.000Z`;
}

/** The instant at which the title is "ending soon", per the policy's warning period. */
export function titleWarningAt(context: Pick<CaseContext, 'legalTitle' | 'policy'>): string | null {
  const end = titleEndsAt(context.legalTitle);
  return end === null ? null : addMs(end, -context.policy.legalTitle.warnBefore);
}

/** Who may record which ending directly. Police record every one; a clinic those that are its own to know. */
export const closingRoles: Record<DirectOutcome, readonly Role[]> = {
  returned_on_own: ['police_desk', 'police_supervisor', 'clinic'],
  found_by_family: ['police_desk', 'police_supervisor'],
  admitted_elsewhere: ['police_desk', 'police_supervisor', 'clinic'],
  transferred: ['clinic', 'police_supervisor'],
  arrested: ['police_desk', 'police_supervisor'],
  found_deceased: ['police_desk', 'police_supervisor'],
};

/** When the event happened: every event carries its instant; the machine's own start uses the report's. */
export function instantOf(context: Pick<CaseContext, 'reportedAt'>, event: { at?: string }): string {
  return event.at ?? context.reportedAt;
}
