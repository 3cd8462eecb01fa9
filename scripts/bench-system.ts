// What every benchmark stands on: the Temporal CLI dev server (SQLite), a case worker, a records store, the
// case client, and a place to write results. Benchmarks measure; tests never time anything.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import nodemailer from 'nodemailer';
import { createActivities } from '../activities/case.activities';
import { createCaseClient } from '../api/case-client';
import { createLogger } from '../config/log';
import { PolicyDocumentSchema, type PolicyDocument } from '../machines/policy.schema';
import { openRecordsStore } from '../records/records.store';
import { createDataConverter } from '../temporal/data-converter';
import { installTemporalRuntime } from '../temporal/runtime';
import { createCaseWorker } from '../temporal/worker';
import { CaseSearchAttributes } from '../workflows/case.search-attributes';

export const ROOT = path.join(__dirname, '..');

/** Ten police regions, as the benchmarks spread their cases over them; the first is the one a desk reads. */
export const BENCH_REGIONS = [
  'noord-nl',
  'oost-nl',
  'midden-nl',
  'west-nl',
  'zuid-nl',
  'limburg-nl',
  'amsterdam-nl',
  'rotterdam-nl',
  'den-haag-nl',
  'zeeland-nl',
] as const;

/** The shipped policy document and example report, as a clinic would file it. */
export const shippedPolicy = (): PolicyDocument =>
  PolicyDocumentSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'config/policy.json'), 'utf8')));
export const exampleReport = (): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(ROOT, 'examples/report.json'), 'utf8')) as Record<string, unknown>;

/** The Temporal CLI the toolchain script finds or builds. */
export function temporalCli(): string {
  return execFileSync('bash', [path.join(ROOT, 'scripts/toolchain.sh'), 'cli'], { encoding: 'utf8' })
    .trim()
    .replace(/^TEMPORAL_CLI=/, '');
}

export type BenchSystemOptions = {
  /** Where the worker's SDK metrics are served (Prometheus text), e.g. `127.0.0.1:9464`; off by default. */
  metricsBindAddress?: string;
};

/**
 * Starts the dev server with a case worker on `taskQueue` and a records store in a PGlite directory of its
 * own (the embedded default's shape); `stop` tears all of it down.
 */
export async function startBenchSystem(
  taskQueue: string,
  policy: PolicyDocument = shippedPolicy(),
  options: BenchSystemOptions = {},
) {
  installTemporalRuntime({ metricsBindAddress: options.metricsBindAddress, log: createLogger('error') });
  const keys = [randomBytes(32)];
  const dataConverter = createDataConverter(keys);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli() },
      searchAttributes: Object.values(CaseSearchAttributes),
      log: { format: 'pretty', level: 'error' },
    },
    client: { dataConverter },
  });
  const recordsDir = mkdtempSync(path.join(os.tmpdir(), 'vermist-bench-records-'));
  const records = await openRecordsStore(recordsDir, keys);
  const worker = await createCaseWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    dataConverter,
    // Nobody is reachable: notifications are planned and recorded (withheld), in-app feeds written.
    activities: createActivities({
      contacts: [],
      mailer: {
        transport: nodemailer.createTransport({ jsonTransport: true }),
        from: 'noreply@vermist.test',
      },
      feed: records.feed,
      records,
      retention: policy.retention,
      profilePolicy: policy.profiles,
      publicBaseUrl: 'http://localhost:3000',
      now: () => new Date(),
      webhookTimeoutMs: 1_000,
      log: () => {},
    }),
  });
  const running = worker.run();
  const cases = createCaseClient({ client: env.client, taskQueue, policy, records });
  return {
    env,
    cases,
    records,
    policy,
    stop: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
      await records.database.close();
      rmSync(recordsDir, { recursive: true, force: true });
    },
  };
}

/** The machine a benchmark ran on, for its results file. */
export function machineFacts() {
  return {
    measuredAt: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Writes a benchmark's results under scripts/bench-results/, with the machine it ran on. */
export function writeResults(name: string, results: unknown): void {
  const out = path.join(ROOT, `scripts/bench-results/${name}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ ...machineFacts(), ...(results as object) }, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, out)}`);
}
