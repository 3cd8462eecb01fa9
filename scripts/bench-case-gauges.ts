// How long a /metrics scrape takes while the API counts its case gauges from the records store, by the
// number of open cases. Runs the real worker and API metrics on the Temporal CLI dev server (SQLite).
// Usage: npx tsx scripts/bench-case-gauges.ts [open cases, default 500]. Writes scripts/bench-results/case-gauges.json.
import { registerCaseGauges } from '../api/case-gauges.metrics';
import { createApiMetrics } from '../api/metrics';
import { CaseReportSchema } from '../machines/report.schema';
import { exampleReport, startBenchSystem, writeResults } from './bench-system';

const TASK_QUEUE = 'bench-case-gauges';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 500);
  const { cases, records, stop } = await startBenchSystem(TASK_QUEUE);
  const report = exampleReport();
  const metrics = createApiMetrics();
  registerCaseGauges(metrics.registry, (now, within) => records.cases.openCaseCounts(now, within));

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

  await stop();
  writeResults('case-gauges', { results });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
