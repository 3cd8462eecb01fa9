import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

export type PromSample = { metric: Record<string, string>; value: [number, string] };

/** A real Prometheus (Debian's package) scraping loopback targets every second, with its HTTP API. */
export class PrometheusServer {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  base = '';

  constructor(
    private readonly binary: string,
    private readonly jobs: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    this.dir = mkdtempSync(path.join(tmpdir(), 'vermist-prometheus-'));
    const config = [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      ...Object.entries(this.jobs).map(
        ([job, target]) => `  - { job_name: ${job}, static_configs: [{ targets: ['${target}'] }] }`,
      ),
    ].join('\n');
    writeFileSync(path.join(this.dir, 'prometheus.yml'), `${config}\n`);
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    this.child = spawn(
      this.binary,
      [
        `--config.file=${path.join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=error',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await this.until(async () => (await fetch(`${this.base}/-/ready`).catch(() => null))?.ok === true);
  }

  /** Evaluates an instant PromQL query now. Throws with Prometheus's message if the query is invalid. */
  async query(expr: string): Promise<PromSample[]> {
    const response = await fetch(
      `${this.base}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`,
    );
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: PromSample[] | [number, string] };
    };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    // A scalar answer is one sample without labels.
    return body.data!.resultType === 'scalar'
      ? [{ metric: {}, value: body.data!.result as [number, string] }]
      : (body.data!.result as PromSample[]);
  }

  /** Every metric name Prometheus has stored from its scrapes. */
  async metricNames(): Promise<string[]> {
    const response = await fetch(`${this.base}/api/v1/label/__name__/values`);
    return ((await response.json()) as { data: string[] }).data;
  }

  /** Waits until every target was scraped successfully at least twice after this call. */
  async scrapedTwice(): Promise<void> {
    for (let round = 0; round < 2; round++) {
      const since = Date.now();
      await this.until(async () => {
        const response = await fetch(`${this.base}/api/v1/targets`);
        const { data } = (await response.json()) as {
          data: { activeTargets: { health: string; lastScrape: string }[] };
        };
        return (
          data.activeTargets.length === Object.keys(this.jobs).length &&
          data.activeTargets.every((t) => t.health === 'up' && Date.parse(t.lastScrape) > since)
        );
      });
    }
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private async until(ready: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await ready())) {
      if (this.child?.exitCode !== null) throw new Error('prometheus exited (see its log above)');
      if (Date.now() > deadline) throw new Error(`prometheus not ready within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
