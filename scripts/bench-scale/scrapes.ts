import { performance } from 'node:perf_hooks';
import { latency, round, sleep, type Latency } from '../bench-stats';

/** A Prometheus endpoint of the cluster: each API's and worker's, and the Temporal server's. */
export type ScrapeTarget = { name: string; kind: 'api' | 'worker' | 'temporal'; address: string };

type Scrape = { ms: number; bytes: number; series: number; status: number; facts: Record<string, number> };

/** One target's scrapes, as the results file has them. */
export type ScrapeSummary = {
  scrapes: number;
  failed: number;
  /** From sending the request to the last byte of the exposition. */
  ms: Latency;
  bytes: { last: number; max: number };
  /** Samples in the exposition (lines that are not comments). */
  series: { last: number; max: number };
  /** What the last scrape said that the benchmark checks: open cases counted, the workflow cache's size. */
  lastFacts: Record<string, number>;
};

/** Sums every sample of a metric in an exposition (all its label sets). */
const sumOf = (text: string, metric: string) =>
  [...text.matchAll(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );

async function scrapeOnce(target: ScrapeTarget): Promise<Scrape> {
  const started = performance.now();
  try {
    const response = await fetch(`http://${target.address}/metrics`, { signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    const ms = performance.now() - started;
    const facts: Record<string, number> =
      target.kind === 'api'
        ? { openCases: sumOf(text, 'vermist_open_cases'), recordsUp: sumOf(text, 'vermist_records_up') }
        : target.kind === 'worker'
          ? {
              stickyCacheSize: sumOf(text, 'temporal_sticky_cache_size'),
              stickyCacheForcedEvictions: sumOf(text, 'temporal_sticky_cache_total_forced_eviction'),
            }
          : {};
    return {
      ms,
      bytes: Buffer.byteLength(text),
      series: text.split('\n').filter((line) => line && !line.startsWith('#')).length,
      status: response.status,
      facts,
    };
  } catch {
    return { ms: performance.now() - started, bytes: 0, series: 0, status: 0, facts: {} };
  }
}

function summarise(list: Scrape[]): ScrapeSummary {
  const ok = list.filter((s) => s.status === 200);
  return {
    scrapes: list.length,
    failed: list.length - ok.length,
    ms: latency(ok.map((s) => s.ms)),
    bytes: { last: ok.at(-1)?.bytes ?? 0, max: Math.max(0, ...ok.map((s) => s.bytes)) },
    series: { last: ok.at(-1)?.series ?? 0, max: Math.max(0, ...ok.map((s) => s.series)) },
    lastFacts: Object.fromEntries(Object.entries(ok.at(-1)?.facts ?? {}).map(([k, v]) => [k, round(v, 0)])),
  };
}

/**
 * Scrapes every target in turn, one round every `everyMs`, as one Prometheus would (one scrape of a target
 * at a time), until stopped; answers each target's summary.
 */
export function startScraper(targets: ScrapeTarget[], everyMs: number) {
  const scrapes = new Map<string, Scrape[]>(targets.map((t) => [t.name, []]));
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      const round = performance.now();
      for (const target of targets) scrapes.get(target.name)!.push(await scrapeOnce(target));
      await Promise.race([
        sleep(everyMs - (performance.now() - round)),
        new Promise<void>((r) => (wake = r)),
      ]);
    }
  })();
  return {
    async stop(): Promise<Record<string, ScrapeSummary>> {
      stopped = true;
      wake?.();
      await loop;
      return Object.fromEntries([...scrapes].map(([name, list]) => [name, summarise(list)]));
    },
  };
}

/** `rounds` rounds of scrapes, `gapMs` apart: the baseline of an empty cluster. */
export async function scrapeRounds(
  targets: ScrapeTarget[],
  rounds: number,
  gapMs: number,
): Promise<Record<string, ScrapeSummary>> {
  const scraper = startScraper(targets, gapMs);
  await sleep(gapMs * (rounds - 0.5));
  return scraper.stop();
}
