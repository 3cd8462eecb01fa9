import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import type { Principal } from '../../api/auth';
import { createCaseClient } from '../../api/case-client';
import { createProfileWorkflows } from '../../api/profile-workflow';
import { createApiMetrics } from '../../api/metrics';
import { createLogger } from '../../config/log';
import { openRecordsStore, type RecordsStore } from '../../records/records.store';
import { startCluster, UPSTREAM_HEADER, type ClusterHandle } from '../../scripts/cluster';
import { createDataConverter } from '../../temporal/data-converter';
import { aReportNow, testPolicyDocument, testPolicyFile } from './fixtures';
import { PartyReceivers } from './party-receivers';
import { bundleCaseWorkflows, startDevServer, startTestWorker } from './temporal';
import { testIdentityProvider } from './tokens';

/**
 * An answer as a client reads it: the body is untyped JSON, checked by the test's assertions. On the
 * cluster, `upstream` names the API instance that gave it.
 */
export type Answer = {
  status: number;
  type: string;
  body: ReturnType<typeof JSON.parse>;
  upstream?: string | null;
};
/** One task of an inbox page, as the tests read it. */
export type Item = { caseId: string; task: string; [field: string]: unknown };
/** The case ids of an inbox answer. */
export const caseIdsOf = (answer: Answer): string[] => (answer.body.items as Item[]).map((i) => i.caseId);
export type CallOptions = {
  as?: Principal;
  token?: string;
  body?: unknown;
  key?: string;
  /** Headers beside the ones these options make (If-Match, say). */
  headers?: Record<string, string>;
};
/** One Server-Sent Event as a client parses it; `data` is the feed entry. */
export type StreamEvent = { id: string; event: string; data: { caseId: string; event: string; seq: string } };

/** Where a harness runs the system: in this process on a dev server, or as the production shape. */
export type Target = 'dev' | 'cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The vitest project's target for the HTTP suites (vitest.config.mts); `dev` when unset. */
    apiTarget: Target;
  }
}

type AppOptions = Partial<Pick<AppDeps, 'rateLimits' | 'web' | 'devSignIn'>>;

/**
 * The API over real HTTP with a case worker, a records store, real receivers for every party (webhook and
 * SMTP) and an identity provider: what a client integrates with. It runs on one of two targets, chosen by
 * the vitest project, so the same specs hold for both:
 * - `dev`: the API in this process on a Temporal CLI dev server, with a worker and a PGlite records store;
 * - `cluster`: `npm run cluster`'s production shape, throwaway: PostgreSQL, the Temporal server on it, two
 *   workers and two API instances behind one address, under the test policy, delivering to the receivers.
 * One per test file: start it in beforeAll, stop it in afterAll.
 */
export class ApiHarness {
  base = '';
  readonly target: Target;
  /** The Temporal client of the system under test, and its namespace. */
  client!: Client;
  namespace = 'default';
  /** The cluster, when the target is one. */
  cluster: ClusterHandle | undefined;
  private devEnv: TestWorkflowEnvironment | undefined;
  private worker!: Worker;
  private running!: Promise<void>;
  private server!: Server;
  private connection: Connection | undefined;
  private appDeps: AppDeps | undefined;
  idp!: Awaited<ReturnType<typeof testIdentityProvider>>;
  readonly parties = new PartyReceivers();
  private readonly tokens = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly taskQueue: string,
    private readonly options: AppOptions & { target?: Target } = {},
  ) {
    this.target = options.target ?? inject('apiTarget') ?? 'dev';
  }

  /** The dev server's environment (the dev target only: specs that need it run there alone). */
  get env(): TestWorkflowEnvironment {
    if (!this.devEnv) throw new Error(`the ${this.target} target has no dev-server environment`);
    return this.devEnv;
  }

  /** The system's records store, as the API and the workers read and write it. */
  get records(): RecordsStore {
    return this.parties.records;
  }

  async start(): Promise<this> {
    return this.target === 'cluster' ? this.startCluster() : this.startDev();
  }

  private async startDev(): Promise<this> {
    const [env, bundle] = await Promise.all([startDevServer(), bundleCaseWorkflows()]);
    this.devEnv = env;
    this.client = env.client;
    this.namespace = env.namespace ?? 'default';
    await this.parties.start();
    this.worker = await startTestWorker(env, this.taskQueue, bundle, this.parties.activityDeps());
    this.running = this.worker.run();
    this.idp = await testIdentityProvider();
    this.appDeps = {
      cases: createCaseClient({
        client: env.client,
        taskQueue: this.taskQueue,
        policy: testPolicyDocument,
        records: this.parties.records,
      }),
      profileWorkflows: createProfileWorkflows({
        client: env.client,
        taskQueue: this.taskQueue,
        policy: testPolicyDocument.profiles,
      }),
      profilePolicy: testPolicyDocument.profiles,
      records: this.parties.records,
      auth: this.idp.auth,
      metrics: createApiMetrics(),
      log: createLogger('error'),
      ...(this.options.rateLimits !== undefined && { rateLimits: this.options.rateLimits }),
      ...(this.options.web && { web: this.options.web }),
      ...(this.options.devSignIn && { devSignIn: this.options.devSignIn }),
    };
    ({ server: this.server, base: this.base } = await listen(createApp(this.appDeps)));
    return this;
  }

  /**
   * Another API instance of the dev target on the same Temporal client and records store, as a second
   * replica behind a proxy would be, with `overrides` to its configuration. Close it when done.
   */
  async anotherInstance(overrides: Partial<AppDeps> = {}): Promise<{ base: string; close(): void }> {
    if (!this.appDeps) throw new Error('another instance runs on the dev target, once started');
    const { server, base } = await listen(createApp({ ...this.appDeps, ...overrides }));
    return { base, close: () => server.close() };
  }

  /**
   * The cluster runs as it ships, so what a spec would set in the app (its own rate limits, the web app)
   * is refused here: such a spec belongs to the dev target alone.
   */
  private async startCluster(): Promise<this> {
    const own = (['rateLimits', 'web', 'devSignIn'] as const).filter((key) => this.options[key]);
    if (own.length > 0) throw new Error(`the cluster runs as it ships: no ${own.join(', ')} of a spec's own`);
    await this.parties.startReceivers();
    // The worker processes read the policy and contacts as files, as they do in production.
    const files = mkdtempSync(path.join(tmpdir(), 'vermist-harness-'));
    try {
      const policyFile = path.join(files, 'policy.json');
      const contactsFile = path.join(files, 'contacts.json');
      writeFileSync(policyFile, JSON.stringify(testPolicyFile));
      writeFileSync(contactsFile, JSON.stringify(this.parties.contacts));
      this.cluster = await startCluster({
        logLevel: 'warn',
        policyFile,
        contactsFile,
        smtpUrl: this.parties.smtpUrl(),
      });
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
    const { state } = this.cluster;
    this.base = state.base;
    const secret = (name: string) => readFileSync(path.join(state.dataDir, 'secrets', name), 'utf8');
    const keys = secret('payload-keys')
      .trim()
      .split(',')
      .map((key) => Buffer.from(key, 'base64'));
    this.parties.records = await openRecordsStore(state.recordsUrl, keys);
    this.connection = await Connection.connect({ address: state.temporal.address });
    this.namespace = state.temporal.namespace;
    this.client = new Client({
      connection: this.connection,
      namespace: this.namespace,
      dataConverter: createDataConverter(keys),
    });
    this.idp = await testIdentityProvider({
      issuer: state.identity.issuer,
      audience: state.identity.audience,
      privateJwk: JSON.parse(readFileSync(state.identity.signingKey, 'utf8')),
      publicKeys: JSON.parse(secret('jwks.json')),
    });
    return this;
  }

  async stop(): Promise<void> {
    if (this.target === 'cluster') {
      await this.connection?.close();
      await this.cluster?.stop();
      await this.parties.stop();
      return;
    }
    this.server?.close();
    this.worker?.shutdown();
    await this.running;
    await this.devEnv?.teardown();
    await this.parties.stop();
  }

  /** The pid of one of the cluster's processes now (`worker-1`, `api-2`, `temporal`, `postgres`). */
  pidOf(name: string): number | null {
    const found = this.cluster?.current().processes.find((p) => p.name === name);
    if (!found) throw new Error(`the ${this.target} target runs no ${name}`);
    return found.pid;
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
    Object.assign(headers, opts.headers);
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined && {
        body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
      }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      type,
      body: text && type.includes('json') ? JSON.parse(text) : text,
      upstream: response.headers.get(UPSTREAM_HEADER),
    };
  }

  /**
   * Opens `GET /v1/feed/stream` as `as` (from a Last-Event-ID or an `after` position) and collects its
   * events until closed, parsing them as a browser's EventSource would.
   */
  async stream(as: Principal, from: { lastEventId?: string; after?: string } = {}) {
    const aborted = new AbortController();
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.token(as)}`,
      accept: 'text/event-stream',
    };
    if (from.lastEventId !== undefined) headers['last-event-id'] = from.lastEventId;
    const query = from.after === undefined ? '' : `?after=${from.after}`;
    const response = await fetch(`${this.base}/v1/feed/stream${query}`, { headers, signal: aborted.signal });
    const events: StreamEvent[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const fields = buffer
              .slice(0, end)
              .split('\n')
              .filter((line) => !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]);
            buffer = buffer.slice(end + 2);
            const field = Object.fromEntries(fields) as Record<string, string>;
            if (field.data !== undefined) {
              events.push({ id: field.id!, event: field.event!, data: JSON.parse(field.data) });
            }
          }
        }
      } catch (error) {
        if (!aborted.signal.aborted) throw error;
      }
    })();
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      upstream: response.headers.get(UPSTREAM_HEADER),
      events,
      of: (caseId: string) => events.filter((e) => e.data.caseId === caseId),
      close: async () => {
        aborted.abort();
        await reading;
      },
    };
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

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; base: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
