import { z } from 'zod';
import type { SnapshotFrom } from 'xstate';
import { ActorSchema, RoleSchema, TaskKindSchema } from './case.events';
import { CaseStatusSchema } from './case.status';
import { RiskGradeSchema, type RiskGrade } from './report.schema';
import type { CaseMachine, TaskMeta } from './case.machine';
import type { CommandType, DeadlineKey, TaskKind } from './case.events';

/** An open task as the inbox shows it. */
export const OpenTaskSchema = z.object({
  task: TaskKindSchema,
  role: RoleSchema,
  dueAt: z.iso.datetime().nullable(),
  /** Set once the deadline passed: the role the task went to on top of its owner. */
  escalatedTo: RoleSchema.nullable(),
  /** Who has taken the task on, if anyone. */
  claimedBy: ActorSchema.nullable(),
});
export type OpenTask = z.infer<typeof OpenTaskSchema>;

/** One open task in the inbox, with the case facts it is sorted and filtered on. No personal data. */
export const InboxItemSchema = OpenTaskSchema.extend({
  caseId: z.string(),
  status: CaseStatusSchema,
  region: z.string(),
  institutionId: z.string(),
  risk: RiskGradeSchema,
  urgent: z.boolean(),
  overdue: z.boolean(),
  /** 1 (urgent, high risk) to 6 (ordinary, low risk): the tie-breaker after the due time. */
  priority: z.number().int().min(1).max(6),
});
export type InboxItem = z.infer<typeof InboxItemSchema>;

/** The tasks the case's current states open, with their due times, as the machine defines them. */
export function openTasks(snapshot: SnapshotFrom<CaseMachine>): OpenTask[] {
  if (snapshot.status === 'done') return [];
  const { deadlines, overdue, adhocTasks, claims } = snapshot.context;
  const due = (deadline: DeadlineKey | null) => ({
    dueAt: deadline ? (deadlines[deadline] ?? overdue[deadline]?.dueAt ?? null) : null,
    escalatedTo: deadline ? (overdue[deadline]?.to ?? null) : null,
  });
  const fromStates = Object.values(snapshot.getMeta() as Record<string, { tasks?: TaskMeta[] }>).flatMap(
    (meta) => meta.tasks ?? [],
  );
  return [...fromStates, ...adhocTasks].map((task) => ({
    task: task.task,
    role: task.role,
    ...due(task.deadline),
    claimedBy: claims[task.task] ?? null,
  }));
}

/**
 * The command that gets each task done. Lifecycle tasks close when the case moves on; the tasks a threshold
 * or a transport opened close with `task.complete`.
 */
export const completingCommand = {
  complete_internal_search: 'clinic.internal_search_done',
  acknowledge_report: 'police.acknowledge',
  review_risk: 'police.review_risk',
  decide_after_title_expiry: 'police.decide_after_expiry',
  arrange_crisis_assessment: 'crisis.record_assessment',
  arrange_transport: 'transport.arrange',
  confirm_arrival: 'clinic.confirm_return',
  debrief: 'clinic.complete_debrief',
  handoff_at_release: 'police.release_from_custody',
  decide_after_rejection: 'clinic.route_after_rejection',
  review_rejection: 'police.review_rejection',
  follow_up_after_return: 'clinic.complete_follow_up',
  notify_national_bureau: 'task.complete',
  request_dna_sample: 'task.complete',
  set_long_term_status: 'task.complete',
  withdraw_public_appeal: 'task.complete',
  withdraw_alert: 'task.complete',
  transport_patient: 'task.complete',
} as const satisfies Record<TaskKind, CommandType>;

const riskOrder = { high: 0, medium: 1, low: 2 } as const satisfies Record<RiskGrade, number>;

/** How soon a task wants doing, 1 (urgent, high risk) to 6 (ordinary, low risk): the case's grade decides. */
export function taskPriority(urgent: boolean, risk: RiskGrade): number {
  return (urgent ? 1 : 4) + riskOrder[risk];
}

/** A task is overdue once it was escalated, or its due time lies before `now`. */
export function isOverdue(task: Pick<OpenTask, 'dueAt' | 'escalatedTo'>, now: string): boolean {
  return task.escalatedTo !== null || (task.dueAt !== null && task.dueAt < now);
}
