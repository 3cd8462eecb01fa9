import type { SnapshotFrom } from 'xstate';
import type { CaseEvent } from './case.events';
import type { CaseMachine } from './case.machine';
import { openTasks } from './case.tasks';

/**
 * Whether the case takes this event now. The machine's own transitions decide, and a task can only be
 * claimed while it is open and by a role it concerns (its owner, or whom it was escalated to).
 */
export function accepts(snapshot: SnapshotFrom<CaseMachine>, event: CaseEvent): boolean {
  if (!snapshot.can(event)) return false;
  if (event.type !== 'task.claim') return true;
  return openTasks(snapshot).some(
    (task) => task.task === event.task && (task.role === event.by.role || task.escalatedTo === event.by.role),
  );
}
