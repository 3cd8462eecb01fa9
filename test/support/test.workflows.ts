// The workflow bundle tests run: the production workflows plus a clock for the time-skipping server.
import { sleep } from '@temporalio/workflow';

export * from '../../workflows';

/** Holds one timer of exactly `ms`: a point in time the time-skipping server can skip to (see advanceClock). */
export async function clockWorkflow(ms: number): Promise<void> {
  await sleep(ms);
}
