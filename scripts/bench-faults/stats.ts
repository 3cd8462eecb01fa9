import os from 'node:os';

/** A distribution as the results file reports it, in milliseconds. */
export type Distribution = { count: number; p50: number; p95: number; p99: number; max: number };

const round = (n: number) => Math.round(n);

/** Nearest-rank percentiles (the value at rank ⌈q·n⌉), as scripts/bench.ts reports latencies. */
export function distribution(samples: number[]): Distribution | { count: 0 } {
  if (samples.length === 0) return { count: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted.at(-1)!) };
}

/** The 1, 5 and 15 minute load averages, rounded: other work on the machine shows here. */
export function loadAverage(): { '1m': number; '5m': number; '15m': number } {
  const [one, five, fifteen] = os.loadavg().map((n) => Math.round(n * 100) / 100);
  return { '1m': one!, '5m': five!, '15m': fifteen! };
}

/** A seeded generator (mulberry32), so a run's plan can be drawn again from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** How often each value occurs. */
export function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
export const iso = (ms: number) => new Date(ms).toISOString();
export const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Runs at most `limit` tasks at once, first come first served. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** Spaces calls at least `1000 / perSecond` ms apart, across every caller. */
export class Pacer {
  private next = 0;

  constructor(private readonly perSecond: number) {}

  async turn(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now);
  }
}
