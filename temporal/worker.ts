import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { CaseActivities } from '../activities/case.activities';

/** The task queue case workflows and their activities run on. */
export const CASE_TASK_QUEUE = 'vermist-cases';

/** Where the worker finds the workflow code it bundles for the sandbox. */
export const WORKFLOWS_PATH = path.join(__dirname, '../workflows/index.ts');

export type CaseWorkerDeps = {
  connection: NativeConnection;
  namespace: string;
  activities: CaseActivities;
  dataConverter: DataConverter;
  taskQueue?: string;
  /** A pre-built bundle (tests build one per file); without it the worker bundles WORKFLOWS_PATH. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Workflows kept in memory. 0 turns sticky execution off: every workflow task replays the case's history
   * (tests prove replay safety with it) and another worker can take over at once. */
  maxCachedWorkflows?: number;
  /**
   * How long a workflow task waits for the worker that has the workflow cached before any worker may take
   * it. The SDK's 10 s is how late a timer fires when that worker was killed; a shorter wait costs only a
   * replay when the worker is merely busy.
   */
  stickyQueueScheduleToStartTimeout?: string;
};

/** A worker that runs case workflows and their activities. */
export function createCaseWorker(deps: CaseWorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? CASE_TASK_QUEUE,
    activities: deps.activities,
    dataConverter: deps.dataConverter,
    ...(deps.maxCachedWorkflows !== undefined && { maxCachedWorkflows: deps.maxCachedWorkflows }),
    ...(deps.stickyQueueScheduleToStartTimeout !== undefined && {
      stickyQueueScheduleToStartTimeout: deps.stickyQueueScheduleToStartTimeout,
    }),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}
