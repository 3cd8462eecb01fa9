import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import { createActivities } from '../../activities/case.activities';
import { createCaseClient, type CaseClient } from '../../api/case-client';
import type { CaseReportInput } from '../../machines/report.schema';
import { CaseReportSchema } from '../../machines/report.schema';
import { createCaseWorker } from '../../temporal/worker';
import { aReport, testPolicyDocument } from './fixtures';
import { advanceClock, bundleCaseWorkflows, startTimeSkippingServer, testDataConverter } from './temporal';
import { PartyReceivers } from './party-receivers';

/**
 * A time-skipping Temporal server with a case worker on it, real receivers (webhook, SMTP, in-app feeds)
 * for every party, and the API's case client. One per test file: start it in beforeAll, stop it in afterAll.
 */
export class CaseHarness {
  env!: TestWorkflowEnvironment;
  cases!: CaseClient;
  readonly parties = new PartyReceivers();
  private worker!: Worker;
  private running!: Promise<void>;
  private seq = 0;
  private bundle!: Awaited<ReturnType<typeof bundleCaseWorkflows>>;

  constructor(
    private readonly taskQueue: string,
    /** 0 for tests that restart the worker: without sticky execution the new worker takes over at once. */
    private readonly maxCachedWorkflows?: number,
  ) {}

  async start(): Promise<this> {
    const [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleCaseWorkflows()]);
    this.env = env;
    this.bundle = bundle;
    await this.parties.start(env.client, this.taskQueue);
    await this.startWorker();
    this.cases = createCaseClient({
      client: env.client,
      taskQueue: this.taskQueue,
      policy: testPolicyDocument,
    });
    return this;
  }

  /** Stops the worker, letting what it runs end as a real shutdown would, and starts a fresh one. */
  async restartWorker(): Promise<void> {
    this.worker.shutdown();
    await this.running;
    await this.startWorker();
  }

  private async startWorker(): Promise<void> {
    this.worker = await createCaseWorker({
      connection: this.env.nativeConnection,
      namespace: this.env.namespace ?? 'default',
      taskQueue: this.taskQueue,
      dataConverter: testDataConverter,
      workflowBundle: this.bundle,
      ...(this.maxCachedWorkflows !== undefined && { maxCachedWorkflows: this.maxCachedWorkflows }),
      activities: createActivities(this.parties.activityDeps()),
    });
    this.running = this.worker.run();
  }

  async stop(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    await this.env?.teardown();
    await this.parties.stop();
  }

  /** Files a fresh report (unique report id) and returns the case's first view. */
  async file(overrides: Partial<CaseReportInput> = {}) {
    const report = CaseReportSchema.parse(
      aReport({ reportId: `${this.taskQueue}-${++this.seq}`, ...overrides }),
    );
    return (await this.cases.file(report)).view;
  }

  /** The time-skipping server's clock, which tests move forward. */
  async now(): Promise<Date> {
    return new Date(await this.env.currentTimeMs());
  }

  advance(duration: Duration): Promise<void> {
    return advanceClock(this.env, this.taskQueue, duration);
  }

  /** The announcement types the parties' real receivers got for one case, through any channel. */
  announcements(caseId: string): Promise<string[]> {
    return this.parties.events(caseId);
  }
}
