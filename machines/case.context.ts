import { z } from 'zod';
import {
  ActorSchema,
  AdhocTaskKindSchema,
  DeadlineKeySchema,
  OutcomeSchema,
  RoleSchema,
  TaskKindSchema,
  TransportModeSchema,
  type DeadlineKey,
  type Role,
  type TaskKind,
} from './case.events';
export type { RecordEntry } from './case.entries';
import { addMs } from './duration';
import type { Policy } from './policy.schema';
import { CaseKindSchema, CaseReportSchema, RiskGradeSchema } from './report.schema';
import { LegalTitleSchema, titleEndsAt } from './legal-title';

/** The policy a case runs under, resolved for its region and carried in it so it never shifts under it. */
export type CasePolicy = Policy & { version: string };

/**
 * A resolved policy: durations already in milliseconds. It was validated as a whole when the policy document
 * was loaded (policy.schema.ts), so here it is only carried.
 */
export const CasePolicySchema = z.custom<CasePolicy>(
  (value) => typeof value === 'object' && value !== null && 'version' in value,
  'a resolved policy',
);

/** What the workflow hands the machine when a case is filed. Plain JSON. */
export const CaseInputSchema = z.object({
  caseId: z.string(),
  reportedAt: z.iso.datetime(),
  report: CaseReportSchema.pick({
    region: true,
    institutionId: true,
    kind: true,
    urgent: true,
    proposedRisk: true,
    legalTitle: true,
    lastSeen: true,
    internalSearchDone: true,
  }),
  policy: CasePolicySchema,
});
export type CaseInput = z.infer<typeof CaseInputSchema>;

export const AdhocTaskSchema = z.object({
  task: AdhocTaskKindSchema,
  role: RoleSchema,
  openedAt: z.iso.datetime(),
  deadline: DeadlineKeySchema.nullable(),
});
export type AdhocTask = z.infer<typeof AdhocTaskSchema>;

/** A public appeal under consent that expires, and who recorded the consent. */
export const AppealSchema = z.object({ expiresAt: z.iso.datetime(), consentRecordedBy: z.string() });

/** A police alert for the person: its reference in police systems, and when it went out. */
export const AlertSchema = z.object({ reference: z.string(), placedAt: z.iso.datetime() });

/** When and where the person was last seen: from the report, moved by the clinic's updates. */
export const LastSeenSchema = CaseReportSchema.shape.lastSeen;

/**
 * What the machine carries: the state a decision needs, and nothing that only grows. Assessments,
 * escalations and the timeline are record entries, kept in the records store.
 */
export const CaseContextSchema = z.object({
  caseId: z.string(),
  region: z.string(),
  institutionId: z.string(),
  kind: CaseKindSchema,
  urgent: z.boolean(),
  proposedRisk: RiskGradeSchema,
  /** Police decide the grade; null until they have. A disagreement with the clinic's proposal stays visible. */
  risk: RiskGradeSchema.nullable(),
  policy: CasePolicySchema,
  reportedAt: z.iso.datetime(),
  missingSince: z.iso.datetime({ offset: true }),
  lastSeen: LastSeenSchema,
  internalSearchDone: z.boolean(),
  legalTitle: LegalTitleSchema,
  /** When the legal region last judged the title: the time of the event that changed it. */
  legalJudgedAt: z.iso.datetime(),
  acknowledgedAt: z.iso.datetime().nullable(),
  locatedAt: z.iso.datetime().nullable(),
  returnedAt: z.iso.datetime().nullable(),
  transportMode: TransportModeSchema.nullable(),
  appeal: AppealSchema.nullable(),
  /** The police alert (signalering) that is out for the person, until it is withdrawn. */
  alert: AlertSchema.nullable(),
  adhocTasks: z.array(AdhocTaskSchema),
  /** Who has taken which open task on. A claim ends with its task. */
  claims: z.partialRecord(TaskKindSchema, ActorSchema),
  /** Live deadlines as ISO instants. Time enters the machine only as events, so it stays pure and replayable. */
  deadlines: z.partialRecord(DeadlineKeySchema, z.iso.datetime()),
  /** Deadlines that passed while their task stayed open, and whom they went to. */
  overdue: z.partialRecord(DeadlineKeySchema, z.object({ dueAt: z.iso.datetime(), to: RoleSchema })),
  outcome: OutcomeSchema.nullable(),
  closedAt: z.iso.datetime().nullable(),
});
export type CaseContext = z.infer<typeof CaseContextSchema>;

/** A task a state opens: who owns it and which deadline it is due by. Read by `openTasks`. */
export type TaskMeta = { task: TaskKind; role: Role; deadline: DeadlineKey | null };

/** The instant at which the title is "ending soon", per the policy's warning period for its kind. */
export function titleWarningAt(context: Pick<CaseContext, 'legalTitle' | 'policy'>): string | null {
  const { legalTitle: title, policy } = context;
  const end = titleEndsAt(title);
  return end === null || title.kind === 'none' ? null : addMs(end, -policy.legalTitle.warnBefore[title.kind]);
}

/**
 * When an event happened: every event a person or the engine sends carries its instant; the machine's own
 * start (xstate's init event) has none and takes the report's.
 */
export function instantOf(context: Pick<CaseContext, 'reportedAt'>, event: object): string {
  return 'at' in event && typeof event.at === 'string' ? event.at : context.reportedAt;
}
