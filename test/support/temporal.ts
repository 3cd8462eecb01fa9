import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createDataConverter } from '../../temporal/data-converter';
import { ensureSearchAttributes } from '../../temporal/search-attributes';
import path from 'node:path';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { clockWorkflow } from './test.workflows';
import { CaseSearchAttributes } from '../../workflows/case.search-attributes';
import type { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities/case.activities';
import { createCaseWorker } from '../../temporal/worker';

/**
 * Tests encrypt every payload, as production does, under a key that is a test fixture and nothing else:
 * fixed, so the histories under test/replay/histories/ that tests record can be decoded when they replay.
 */
export const TEST_PAYLOAD_KEY = Buffer.from('lRZ2BSgM8OKdVzm0FoSdOEHVKzZVW8cahp2B8YPv04I=', 'base64');
export const testDataConverter = createDataConverter([TEST_PAYLOAD_KEY]);

/** The Java time-skipping test server. Time moves only while a test awaits a result (see advanceClock). */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await withRetries(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('toolchain').testServer } },
      client: { dataConverter: testDataConverter },
    }),
  );
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The Temporal CLI dev server (in memory) with Vermist's search attributes registered. */
export function startDevServer(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  return withRetries(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: inject('toolchain').temporalCli },
        searchAttributes: Object.values(CaseSearchAttributes),
        log: { format: 'pretty', level: 'error' },
        extraArgs,
      },
      client: { dataConverter: testDataConverter },
    }),
  );
}

/** Bundling workflows takes seconds: each test file does it once. Includes the test clock. */
export function bundleCaseWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: TEST_WORKFLOWS_PATH, logger: quietLogger });
}

const TEST_WORKFLOWS_PATH = path.join(__dirname, 'test.workflows.ts');
let clockRuns = 0;

/**
 * Moves the time-skipping server's clock forward by exactly `duration`, firing every timer due on the way.
 * The server's sleep only skips ahead to workflow timers, so a clock workflow first puts one at the end.
 */
export async function advanceClock(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  duration: Duration,
): Promise<void> {
  await env.client.workflow.start<typeof clockWorkflow>('clockWorkflow', {
    taskQueue,
    workflowId: `clock-${process.pid}-${++clockRuns}`,
    args: [msToNumber(duration)],
  });
  await env.sleep(duration);
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/**
 * The SDK gives a spawned server a few seconds to listen; on a loaded two-core machine a JVM can miss that.
 * A second attempt finds the classes in the page cache and starts in time.
 */
async function withRetries<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts) throw error;
      console.warn(`Temporal server did not come up (attempt ${attempt}/${attempts}): ${String(error)}`);
    }
  }
}

/** A case worker on a test server's task queue, running the test bundle, delivering through `activities`. */
export function startTestWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  bundle: WorkflowBundleWithSourceMap,
  activities: ActivityDeps,
  options: { maxCachedWorkflows?: number } = {},
): Promise<Worker> {
  return createCaseWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataConverter: testDataConverter,
    workflowBundle: bundle,
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
    activities: createActivities(activities),
  });
}
