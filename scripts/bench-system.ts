// What every benchmark stands on: the Temporal CLI dev server (SQLite), a case worker, the case client, and
// a place to write results. Benchmarks measure; tests never time anything.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import nodemailer from 'nodemailer';
import { createActivities } from '../activities/case.activities';
import { createCaseClient } from '../api/case-client';
import { createLogger } from '../config/log';
import { PolicyDocumentSchema, type PolicyDocument } from '../machines/policy.schema';
import { createDataConverter } from '../temporal/data-converter';
import { createFeedStore } from '../temporal/feed.store';
import { installTemporalRuntime } from '../temporal/runtime';
import { createCaseWorker } from '../temporal/worker';
import { CaseSearchAttributes } from '../workflows/case.search-attributes';

export const ROOT = path.join(__dirname, '..');

/** The shipped policy document and example report, as a clinic would file it. */
export const shippedPolicy = (): PolicyDocument =>
  PolicyDocumentSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'config/policy.json'), 'utf8')));
export const exampleReport = (): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(ROOT, 'examples/report.json'), 'utf8')) as Record<string, unknown>;

/** Starts the dev server with a case worker on `taskQueue`; `stop` tears both down. */
export async function startBenchSystem(taskQueue: string, policy: PolicyDocument = shippedPolicy()) {
  const cli = execFileSync('bash', [path.join(ROOT, 'scripts/toolchain.sh'), 'cli'], { encoding: 'utf8' })
    .trim()
    .replace(/^TEMPORAL_CLI=/, '');
  installTemporalRuntime({ log: createLogger('error') });
  const dataConverter = createDataConverter([randomBytes(32)]);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      searchAttributes: Object.values(CaseSearchAttributes),
      log: { format: 'pretty', level: 'error' },
    },
    client: { dataConverter },
  });
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
      feed: createFeedStore({ client: env.client, taskQueue }),
      publicBaseUrl: 'http://localhost:3000',
      now: () => new Date(),
      webhookTimeoutMs: 1_000,
      log: () => {},
    }),
  });
  const running = worker.run();
  const cases = createCaseClient({ client: env.client, taskQueue, policy });
  return {
    env,
    cases,
    stop: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** Writes a benchmark's results under scripts/bench-results/, with the machine it ran on. */
export function writeResults(name: string, results: unknown): void {
  const out = path.join(ROOT, `scripts/bench-results/${name}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  const machine = { measuredAt: new Date().toISOString(), cpus: os.cpus().length, node: process.version };
  writeFileSync(out, `${JSON.stringify({ ...machine, ...(results as object) }, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, out)}`);
}
