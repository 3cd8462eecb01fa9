import { z } from 'zod';
import type { SnapshotFrom } from 'xstate';
import { RoleSchema, TaskKindSchema } from './case.events';
import type { CaseMachine, TaskMeta } from './case.machine';

/** An open task as the inbox shows it. */
export const OpenTaskSchema = z.object({
  task: TaskKindSchema,
  role: RoleSchema,
  dueAt: z.iso.datetime().nullable(),
  /** Set once the deadline passed: the role the task went to on top of its owner. */
  escalatedTo: RoleSchema.nullable(),
});
export type OpenTask = z.infer<typeof OpenTaskSchema>;

/** The tasks the case's current states open, with their due times, as the machine defines them. */
export function openTasks(snapshot: SnapshotFrom<CaseMachine>): OpenTask[] {
  const { deadlines, escalations } = snapshot.context;
  return Object.values(snapshot.getMeta() as Record<string, { tasks?: TaskMeta[] }>).flatMap((meta) =>
    (meta.tasks ?? []).map((task) => {
      const escalation = escalations.find((e) => e.reason === `${task.deadline}_overdue`);
      return {
        task: task.task,
        role: task.role,
        dueAt: deadlines[task.deadline] ?? escalation?.dueAt ?? null,
        escalatedTo: escalation?.to ?? null,
      };
    }),
  );
}
