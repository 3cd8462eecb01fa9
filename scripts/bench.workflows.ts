// The raw Temporal baseline's workflows (scripts/bench.ts): what Vermist's case workflow costs on top of
// Temporal itself is measured against these. Bundled for a worker of their own, on a task queue of their own.
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** One step of the trivial lifecycle: answers how many steps the workflow has taken. */
export const stepUpdate = defineUpdate<number>('step');

/** Starts and completes at once: the cost of a workflow start and nothing else. */
export async function emptyWorkflow(): Promise<void> {}

/** Takes `steps` Updates, one at a time, then completes: a lifecycle with no machine, no I/O, no store. */
export async function stepsWorkflow(steps: number): Promise<number> {
  let taken = 0;
  setHandler(stepUpdate, () => ++taken);
  await condition(() => taken >= steps);
  return taken;
}
