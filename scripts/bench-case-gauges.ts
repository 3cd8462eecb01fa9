// How long a /metrics scrape takes while the API derives its case gauges from Temporal visibility, by the
// number of open cases. Runs the real worker and API metrics on the Temporal CLI dev server (SQLite).
// Usage: npx tsx scripts/bench-case-gauges.ts [open cases, default 500]. Writes scripts/bench-results/case-gauges.json.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities/case.activities';
import { listOpenCases, registerCaseGauges } from '../api/case-gauges.metrics';
import { createCaseClient } from '../api/case-client';
import { createApiMetrics } from '../api/metrics';
import { createLogger } from '../config/log';
import { PolicyDocumentSchema } from '../machines/policy.schema';
import { CaseReportSchema } from '../machines/report.schema';
import { createDataConverter } from '../temporal/data-converter';
import { installTemporalRuntime } from '../temporal/runtime';
import { createCaseWorker } from '../temporal/worker';
import { CaseSearchAttributes } from '../workflows/case.search-attributes';

const ROOT = path.join(__dirname, '..');
const TASK_QUEUE = 'bench-case-gauges';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 500);
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
    taskQueue: TASK_QUEUE,
    dataConverter,
    activities: createActivities({
      subscribers: [],
      now: () => new Date(),
      webhookTimeoutMs: 1_000,
      log: () => {},
    }),
  });
  const running = worker.run();
  const policy = PolicyDocumentSchema.parse(
    JSON.parse(readFileSync(path.join(ROOT, 'config/policy.json'), 'utf8')),
  );
  const cases = createCaseClient({ client: env.client, taskQueue: TASK_QUEUE, policy });
  const report = JSON.parse(readFileSync(path.join(ROOT, 'examples/report.json'), 'utf8')) as object;
  const metrics = createApiMetrics();
  registerCaseGauges(metrics.registry, listOpenCases(env.client));

  const results: { openCases: number; scrapeMs: { median: number; max: number } }[] = [];
  const checkpoints = [0, 100, 250, total].filter((n, i, all) => n <= total && all.indexOf(n) === i);
  let filed = 0;
  for (const target of checkpoints) {
    for (; filed < target; filed += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, target - filed) }, (_, i) =>
          cases.file(CaseReportSchema.parse({ ...report, reportId: `bench-${filed + i}` })),
        ),
      );
    }
    const timings: number[] = [];
    for (let i = 0; i < 11; i++) {
      const started = performance.now();
      await metrics.registry.metrics();
      timings.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the one-listing-per-scrape window
    }
    timings.sort((a, b) => a - b);
    const text = await metrics.registry.metrics();
    const counted = [...text.matchAll(/^vermist_open_cases\{[^}]*\} (\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
    results.push({
      openCases: counted,
      scrapeMs: { median: Math.round(timings[5]! * 10) / 10, max: Math.round(timings.at(-1)! * 10) / 10 },
    });
    console.log(JSON.stringify(results.at(-1)));
  }

  worker.shutdown();
  await running;
  await env.teardown();
  const out = path.join(ROOT, 'scripts/bench-results/case-gauges.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), cpus: os.cpus().length, node: process.version, results }, null, 2)}\n`,
  );
  console.log(`wrote ${path.relative(ROOT, out)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
