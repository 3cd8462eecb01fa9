import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp, type AppDeps } from '../../api/app';
import type { Principal } from '../../api/auth';
import { createCaseClient } from '../../api/case-client';
import { createApiMetrics } from '../../api/metrics';
import { createLogger } from '../../config/log';
import { aReportNow, testPolicyDocument } from './fixtures';
import { PartyReceivers } from './party-receivers';
import { bundleCaseWorkflows, startDevServer, startTestWorker } from './temporal';
import { testIdentityProvider } from './tokens';

/** An answer as a client reads it: the body is untyped JSON, checked by the test's assertions. */
export type Answer = { status: number; type: string; body: ReturnType<typeof JSON.parse> };
/** One task of an inbox page, as the tests read it. */
export type Item = { caseId: string; task: string; [field: string]: unknown };
/** The case ids of an inbox answer. */
export const caseIdsOf = (answer: Answer): string[] => (answer.body.items as Item[]).map((i) => i.caseId);
export type CallOptions = { as?: Principal; token?: string; body?: unknown; key?: string };

/**
 * The API over real HTTP on a Temporal CLI dev server with a case worker, a records store (PGlite), real
 * receivers for every party and a throwaway identity provider: what a client integrates with. One per test file: start it in
 * beforeAll, stop it in afterAll.
 */
export class ApiHarness {
  env!: TestWorkflowEnvironment;
  base = '';
  private worker!: Worker;
  private running!: Promise<void>;
  private server!: Server;
  idp!: Awaited<ReturnType<typeof testIdentityProvider>>;
  readonly parties = new PartyReceivers();
  private readonly tokens = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly taskQueue: string,
    private readonly options: Partial<Pick<AppDeps, 'rateLimits' | 'web' | 'devSignIn'>> = {},
  ) {}

  async start(): Promise<this> {
    const [env, bundle] = await Promise.all([startDevServer(), bundleCaseWorkflows()]);
    this.env = env;
    await this.parties.start();
    this.worker = await startTestWorker(env, this.taskQueue, bundle, this.parties.activityDeps());
    this.running = this.worker.run();
    this.idp = await testIdentityProvider();
    const app = createApp({
      cases: createCaseClient({
        client: env.client,
        taskQueue: this.taskQueue,
        policy: testPolicyDocument,
        records: this.parties.records,
      }),
      records: this.parties.records,
      auth: this.idp.auth,
      metrics: createApiMetrics(),
      log: createLogger('error'),
      ...(this.options.rateLimits !== undefined && { rateLimits: this.options.rateLimits }),
      ...(this.options.web && { web: this.options.web }),
      ...(this.options.devSignIn && { devSignIn: this.options.devSignIn }),
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

  async token(principal: Principal): Promise<string> {
    const key = JSON.stringify(principal);
    if (!this.tokens.has(key)) this.tokens.set(key, await this.idp.sign(principal));
    return this.tokens.get(key)!;
  }

  async call(method: string, path: string, opts: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = opts.token ?? (opts.as ? await this.token(opts.as) : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined && {
        body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
      }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, type, body: text && type.includes('json') ? JSON.parse(text) : text };
  }

  /** Files a fresh report as `clinic` and returns its case id. */
  async file(clinic: Principal, overrides: Parameters<typeof aReportNow>[0] = {}): Promise<string> {
    const institutionId = clinic.role === 'clinic' ? clinic.institutionId : 'ggz-noord';
    const res = await this.call('POST', '/v1/cases', {
      as: clinic,
      body: aReportNow({ reportId: `${this.taskQueue}-${++this.seq}`, institutionId, ...overrides }),
    });
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.caseId as string;
  }

  /** A fresh idempotency key. */
  key(): string {
    return `key-${this.taskQueue}-${++this.seq}`;
  }
}
