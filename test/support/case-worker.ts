import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities/case.activities';
import { AnnouncementKindSchema, type AnnouncementKind } from '../../machines/case.events';
import { createCaseWorker } from '../../temporal/worker';
import { testDataConverter } from './temporal';

/** A case worker on a test server whose announcements go to one real webhook receiver (the supervisors). */
export function testCaseWorker(options: {
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
  taskQueue: string;
  webhook: { url: string; secret: string };
  events?: AnnouncementKind[];
  log?: (entry: Record<string, unknown>) => void;
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  return createCaseWorker({
    connection: options.env.nativeConnection,
    namespace: options.env.namespace ?? 'default',
    taskQueue: options.taskQueue,
    dataConverter: testDataConverter,
    workflowBundle: options.bundle,
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
    activities: createActivities({
      subscribers: [
        {
          id: 'supervisors',
          party: 'police_supervisor',
          events: options.events ?? [...AnnouncementKindSchema.options],
          webhook: options.webhook,
        },
      ],
      now: () => new Date(),
      webhookTimeoutMs: 2_000,
      log: options.log ?? (() => undefined),
    }),
  });
}
