import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import { caseIdFor, createCaseClient, type CaseClient } from '../../api/case-client';
import type { CaseInput } from '../../machines/case.machine';
import { resolvePolicy } from '../../machines/policy.schema';
import type { caseWorkflow } from '../../workflows/case.workflow';
import { AnnouncementKindSchema } from '../../machines/case.events';
import type { CaseReportInput } from '../../machines/report.schema';
import { CaseReportSchema } from '../../machines/report.schema';
import { aReport, testPolicyDocument } from './fixtures';
import {
  advanceClock,
  bundleCaseWorkflows,
  startDevServer,
  startTestWorker,
  startTimeSkippingServer,
} from './temporal';
import { WebhookReceiver } from './webhook-receiver';

/**
 * A Temporal server with a case worker on it, a real webhook receiver subscribed to every announcement, and
 * the API's case client. The time-skipping server by default, for deadlines; the dev server where a test
 * needs the real server's semantics. One per test file: start it in beforeAll, stop it in afterAll.
 */
export class CaseHarness {
  env!: TestWorkflowEnvironment;
  cases!: CaseClient;
  readonly receiver = new WebhookReceiver();
  private worker!: Worker;
  private running!: Promise<void>;
  private seq = 0;

  constructor(
    private readonly taskQueue: string,
    private readonly server: 'time-skipping' | 'dev' = 'time-skipping',
  ) {}

  async start(): Promise<this> {
    const [env, bundle] = await Promise.all([
      this.server === 'dev' ? startDevServer() : startTimeSkippingServer(),
      bundleCaseWorkflows(),
    ]);
    this.env = env;
    const url = await this.receiver.start();
    const everyone = {
      id: 'everyone',
      party: 'police_supervisor' as const,
      events: [...AnnouncementKindSchema.options],
      webhook: { url, secret: this.receiver.secret },
    };
    this.worker = await startTestWorker(env, this.taskQueue, bundle, [everyone], 2_000);
    this.running = this.worker.run();
    this.cases = createCaseClient({
      client: env.client,
      taskQueue: this.taskQueue,
      policy: testPolicyDocument,
    });
    return this;
  }

  async stop(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    await this.env?.teardown();
    await this.receiver.stop();
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
    const policy = resolvePolicy(testPolicyDocument, report.region);
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
    if (this.server === 'dev')
      throw new Error('the dev server keeps real time: only the time-skipping server advances');
    return advanceClock(this.env, this.taskQueue, duration);
  }

  /** The announcement types a real receiver accepted for one case, in order. */
  announcements(caseId: string): string[] {
    return this.receiver.received.filter((r) => r.body.data.caseId === caseId).map((r) => r.body.type);
  }
}
