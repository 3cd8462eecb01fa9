import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/case.activities';
import { createApp } from '../../api/app';
import { createCaseClient } from '../../api/case-client';
import { createApiMetrics } from '../../api/metrics';
import { createLogger } from '../../config/log';
import { createFeedStore } from '../../temporal/feed.store';
import { createCaseWorker } from '../../temporal/worker';
import { testPolicyDocument } from './fixtures';
import { PartyReceivers } from './party-receivers';
import { bundleCaseWorkflows, startDevServer, testDataConverter } from './temporal';
import { principals, testIdentityProvider } from './tokens';

/**
 * The API over real HTTP on a free port, against the Temporal CLI dev server with a case worker, real
 * receivers for every party, a throwaway identity provider and a token per test principal.
 */
export class ApiStack {
  env!: TestWorkflowEnvironment;
  idp!: Awaited<ReturnType<typeof testIdentityProvider>>;
  base!: string;
  readonly tokens = {} as Record<keyof typeof principals, string>;
  readonly parties = new PartyReceivers();
  private worker!: Worker;
  private running!: Promise<void>;
  private server!: Server;

  constructor(private readonly taskQueue: string) {}

  async start(): Promise<this> {
    const [env, bundle] = await Promise.all([startDevServer(), bundleCaseWorkflows()]);
    this.env = env;
    await this.parties.start(env.client, this.taskQueue);
    this.worker = await createCaseWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: this.taskQueue,
      dataConverter: testDataConverter,
      workflowBundle: bundle,
      activities: createActivities(this.parties.activityDeps()),
    });
    this.running = this.worker.run();
    this.idp = await testIdentityProvider();
    for (const [name, principal] of Object.entries(principals)) {
      this.tokens[name as keyof typeof principals] = await this.idp.sign(principal);
    }
    const app = createApp({
      cases: createCaseClient({ client: env.client, taskQueue: this.taskQueue, policy: testPolicyDocument }),
      feeds: createFeedStore({ client: env.client, taskQueue: this.taskQueue }),
      auth: this.idp.auth,
      metrics: createApiMetrics(),
      log: createLogger('error'),
    });
    this.server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => this.server.once('listening', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.close();
    this.worker?.shutdown();
    await this.running;
    await this.env?.teardown();
    await this.parties.stop();
  }
}
