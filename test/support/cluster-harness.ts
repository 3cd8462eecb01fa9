import type { Principal } from '../../api/auth';
import { clusterTokenSigner, startCluster, UPSTREAM_HEADER, type ClusterHandle } from '../../scripts/cluster';
import type { Answer, CallOptions } from './api-harness';
import { aReportNow } from './fixtures';

/** An answer through the cluster's one address, with the API instance that gave it. */
export type ClusterAnswer = Answer & { upstream: string | null };

/** One Server-Sent Event as a client parses it. */
export type StreamEvent = { id: string; event: string; data: { caseId: string; event: string } };

/**
 * The production shape as a client meets it: `npm run cluster`'s PostgreSQL, Temporal server, two case
 * workers and two API instances behind one address, started throwaway through the same startCluster() the
 * CLI and the benchmarks use. Tokens are signed with the cluster's own key, which its API instances fetch
 * as a JWKS. One per test file: start it in beforeAll (it takes seconds), stop it in afterAll; if the test
 * process dies, the cluster notices and stops itself.
 */
export class ClusterHarness {
  cluster!: ClusterHandle;
  base = '';
  private sign!: Awaited<ReturnType<typeof clusterTokenSigner>>;
  private readonly tokens = new Map<string, string>();
  private seq = 0;

  constructor(private readonly name: string) {}

  async start(): Promise<this> {
    this.cluster = await startCluster({ logLevel: 'warn' });
    this.base = this.cluster.base;
    this.sign = await clusterTokenSigner(this.cluster.state.identity);
    return this;
  }

  async stop(): Promise<void> {
    await this.cluster?.stop();
  }

  /** The pid of one of the cluster's processes now (`worker-1`, `api-2`, `temporal`, `postgres`). */
  pidOf(name: string): number | null {
    const found = this.cluster.current().processes.find((p) => p.name === name);
    if (!found) throw new Error(`the cluster runs no ${name}`);
    return found.pid;
  }

  async token(principal: Principal): Promise<string> {
    const key = JSON.stringify(principal);
    if (!this.tokens.has(key)) this.tokens.set(key, await this.sign(principal));
    return this.tokens.get(key)!;
  }

  async call(method: string, path: string, opts: CallOptions = {}): Promise<ClusterAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = opts.token ?? (opts.as ? await this.token(opts.as) : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
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

  /** Files a fresh report as `clinic` and returns its case id. */
  async file(clinic: Principal, overrides: Parameters<typeof aReportNow>[0] = {}): Promise<string> {
    const institutionId = clinic.role === 'clinic' ? clinic.institutionId : 'ggz-noord';
    const res = await this.call('POST', '/v1/cases', {
      as: clinic,
      body: aReportNow({ reportId: `${this.name}-${++this.seq}`, institutionId, ...overrides }),
    });
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.caseId as string;
  }

  /** A fresh idempotency key. */
  key(): string {
    return `key-${this.name}-${++this.seq}`;
  }

  /** Opens `GET /v1/feed/stream` as `as` through the cluster's address and collects its events. */
  async stream(as: Principal) {
    const aborted = new AbortController();
    const response = await fetch(`${this.base}/v1/feed/stream`, {
      headers: { authorization: `Bearer ${await this.token(as)}`, accept: 'text/event-stream' },
      signal: aborted.signal,
    });
    const events: StreamEvent[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const lines = buffer.slice(0, end).split('\n');
            buffer = buffer.slice(end + 2);
            const field = Object.fromEntries(
              lines
                .filter((line) => !line.startsWith(':'))
                .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
            ) as Record<string, string>;
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
      close: async () => {
        aborted.abort();
        await reading;
      },
    };
  }
}
