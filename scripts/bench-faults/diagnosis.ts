import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Goal } from './counts';
import type { Fault } from './faults';
import type { Execution, LostTask } from './history';

/** How long after a part is back serving its fault still counts as the cause of what follows. */
const AFTERMATH_MS = 30_000;

/** What the workers logged about workflow tasks that ran long or whose completion the server refused. */
export type WorkerWarnings = {
  /** `Task not found when completing`: the server no longer had the task (it timed out meanwhile). */
  completionRefused: Map<string, number>;
  /** `Workflow task duration exceeded 5 seconds` (TMPRL1104). */
  slowTasks: Map<string, number>;
  /** `Tried to complete untracked local activity`: a local activity finished for a task already gone. */
  untrackedLocalActivities: number;
};

/**
 * Reads the workers' logs (JSON lines) for the warnings that show a workflow task whose work was thrown
 * away: its completion refused, or a local activity outliving it. A refused speculative task (one carrying
 * an Update) leaves no event in the history, so the history alone undercounts them.
 */
export function workerWarnings(logsDir: string, executions: Execution[]): WorkerWarnings {
  const workflowOf = new Map(executions.map((e) => [e.runId, e.workflowId]));
  const warnings: WorkerWarnings = {
    completionRefused: new Map(),
    slowTasks: new Map(),
    untrackedLocalActivities: 0,
  };
  const add = (map: Map<string, number>, runId: string | undefined) => {
    const workflowId = runId === undefined ? undefined : workflowOf.get(runId);
    if (workflowId) map.set(workflowId, (map.get(workflowId) ?? 0) + 1);
  };
  for (const file of readdirSync(logsDir).filter((f) => /^worker-\d+\.log$/.test(f))) {
    for (const line of readFileSync(path.join(logsDir, file), 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry: { msg?: string; runId?: string };
      try {
        entry = JSON.parse(line) as { msg?: string; runId?: string };
      } catch {
        continue;
      }
      const msg = entry.msg ?? '';
      if (msg === 'Task not found when completing') add(warnings.completionRefused, entry.runId);
      else if (msg.includes('Workflow task duration exceeded'))
        add(warnings.slowTasks, /\] ([0-9a-f-]{36}):/.exec(msg)?.[1]);
      else if (msg === 'Tried to complete untracked local activity') warnings.untrackedLocalActivities++;
    }
  }
  return warnings;
}

/**
 * The workflow tasks whose work was thrown away, when they happened against the faults, and how many of
 * the cases behind each missed goal had one: what the benchmark found to explain a miss.
 */
export function lostTaskDiagnosis(
  lost: LostTask[],
  warnings: WorkerWarnings,
  faults: Fault[],
  goals: Record<string, Goal>,
) {
  const near = (task: LostTask) =>
    faults.find((f) => task.at >= Date.parse(f.at) && task.at <= Date.parse(f.backServingAt) + AFTERMATH_MS);
  const byWhen: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  for (const task of lost) {
    const fault = near(task);
    const when = fault ? `${fault.kind} ${fault.target} at ${fault.at}` : 'outside any fault (load)';
    byWhen[when] = (byWhen[when] ?? 0) + 1;
    byKind[task.kind] = (byKind[task.kind] ?? 0) + 1;
  }
  const inHistory = new Set(lost.map((t) => t.workflowId));
  const refused = new Set(warnings.completionRefused.keys());
  const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  return {
    definition: `workflow tasks that timed out or failed (WorkflowTaskTimedOut/WorkflowTaskFailed events in the histories), and the workers' warnings for tasks whose completion the server refused ("Task not found when completing": it had timed out; a speculative task carrying an Update leaves no event) or that ran over 5 s; "near" a fault = from its signal to ${AFTERMATH_MS / 1000} s after it served again`,
    inHistories: { total: lost.length, byKind, byWhen, cases: inHistory.size },
    workerWarnings: {
      completionRefused: { total: sum(warnings.completionRefused), cases: refused.size },
      tasksOver5s: { total: sum(warnings.slowTasks), cases: warnings.slowTasks.size },
      localActivitiesCompletedForATaskAlreadyGone: warnings.untrackedLocalActivities,
    },
    casesBehindMissedGoals: Object.fromEntries(
      Object.entries(goals)
        .filter(([, g]) => !g.met && g.cases)
        .map(([name, g]) => [
          name,
          {
            cases: g.cases!.length,
            withATimedOutOrFailedTaskInHistory: g.cases!.filter((c) => inHistory.has(c)).length,
            withARefusedCompletion: g.cases!.filter((c) => refused.has(c)).length,
            withEither: g.cases!.filter((c) => inHistory.has(c) || refused.has(c)).length,
          },
        ]),
    ),
  };
}
