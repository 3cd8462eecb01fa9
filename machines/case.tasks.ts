import { z } from 'zod';
import type { SnapshotFrom } from 'xstate';
import { ActorSchema, RoleSchema, TaskKindSchema } from './case.events';
import type { CaseMachine, TaskMeta } from './case.machine';
import type { DeadlineKey } from './case.events';

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
