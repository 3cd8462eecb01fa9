import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import { caseIdFor, createCaseClient, type CaseClient } from '../../api/case-client';
import type { CaseInput } from '../../machines/case.machine';
import { resolvePolicy } from '../../machines/policy.schema';
import type { CaseReportInput } from '../../machines/report.schema';
import { CaseReportSchema } from '../../machines/report.schema';
import type { caseWorkflow } from '../../workflows/case.workflow';
import { aReport, testPolicyDocument } from './fixtures';
import { PartyReceivers } from './party-receivers';
import {
  advanceClock,
  bundleCaseWorkflows,
  startDevServer,
  startTestWorker,
  startTimeSkippingServer,
} from './temporal';

/**
 * A Temporal server with a case worker on it, real receivers (webhook, SMTP, in-app feeds) for every
 * party, and the API's case client. The time-skipping server by default, for deadlines; the dev server where
 * a test needs the real server's semantics. One per test file: start it in beforeAll, stop it in afterAll.
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
    private readonly options: {
      server?: 'time-skipping' | 'dev';
      /** 0 for tests that restart the worker: without sticky execution the new worker takes over at once. */
      maxCachedWorkflows?: number;
    } = {},
  ) {}

  async start(): Promise<this> {
    const [env, bundle] = await Promise.all([
      this.options.server === 'dev' ? startDevServer() : startTimeSkippingServer(),
      bundleCaseWorkflows(),
    ]);
    this.env = env;
    this.bundle = bundle;
    await this.parties.start();
    await this.startWorker();
    this.cases = createCaseClient({
      client: env.client,
      taskQueue: this.taskQueue,
      policy: testPolicyDocument,
      records: this.parties.records,
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
    this.worker = await startTestWorker(this.env, this.taskQueue, this.bundle, this.parties.activityDeps(), {
      ...(this.options.maxCachedWorkflows !== undefined && {
        maxCachedWorkflows: this.options.maxCachedWorkflows,
      }),
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

  /**
   * Starts a case straight on Temporal, as the API would, with what the API never sets: a policy adjusted
   * for the test and a history limit low enough to make the case continue as new.
   */
  async startCase(
    overrides: Partial<CaseReportInput>,
    options: { historyLimit?: number; policy?: (policy: CaseInput['policy']) => CaseInput['policy'] } = {},
  ): Promise<string> {
    const report = CaseReportSchema.parse(
      aReport({ reportId: `${this.taskQueue}-${++this.seq}`, ...overrides }),
    );
    const caseId = caseIdFor(report);
    const policy = resolvePolicy(testPolicyDocument, report.region, report.institutionId);
    await this.env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
      workflowId: caseId,
      taskQueue: this.taskQueue,
      args: [
        {
          caseId,
          report,
          policy: options.policy ? options.policy(policy) : policy,
          ...(options.historyLimit !== undefined && { historyLimit: options.historyLimit }),
        },
      ],
    });
    return caseId;
  }

  /** The time-skipping server's clock, which tests move forward. */
  async now(): Promise<Date> {
    return new Date(await this.env.currentTimeMs());
  }

  advance(duration: Duration): Promise<void> {
    if (this.options.server === 'dev')
      throw new Error('the dev server keeps real time: only the time-skipping server advances');
    return advanceClock(this.env, this.taskQueue, duration);
  }

  /** The announcement types the parties' real receivers got for one case, through any channel. */
  announcements(caseId: string): Promise<string[]> {
    return this.parties.events(caseId);
  }
}
