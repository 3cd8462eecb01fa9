import { Gauge, type Registry } from 'prom-client';
import { RoleSchema } from '../machines/case.events';
import type { OpenCaseCounts } from '../records/case-records';

/** How far ahead a deadline counts as "at risk" on the supervisors' dashboard. */
export const AT_RISK_WITHIN_MS = 60 * 60 * 1000;

/** Reads the open-case counts at an instant; the records store's `cases.openCaseCounts` in production. */
export type CountOpenCases = (now: Date, atRiskWithinMs: number) => Promise<OpenCaseCounts>;

/**
 * Gauges counted at scrape time from the records store's indexes, so they are right whatever happened
 * before (retries, replays, restarts of this process) and count every open case. One count serves all of
 * them per scrape.
 */
export function registerCaseGauges(
  registry: Registry,
  count: CountOpenCases,
  options: { now?: () => Date; onError?: (error: unknown) => void } = {},
): void {
  const now = options.now ?? (() => new Date());
  let current: { at: number; counts: Promise<OpenCaseCounts | null> } | undefined;
  // Prometheus collects the gauges one after another within a scrape: they share one count. A failed count
  // leaves the case gauges empty (and vermist_records_up at 0) rather than failing the scrape.
  const counting = () => {
    if (!current || Date.now() - current.at > 1_000) {
      current = {
        at: Date.now(),
        counts: count(now(), AT_RISK_WITHIN_MS).catch((error: unknown) => (options.onError?.(error), null)),
      };
    }
    return current.counts;
  };
  const counts = async () =>
    (await counting()) ?? { byStateRiskRegion: [], overdueByRole: [], atRiskByRegion: [] };

  new Gauge({
    name: 'vermist_open_cases',
    help: 'Open cases by public state, risk grade (the clinic proposal until police grade) and region.',
    labelNames: ['state', 'risk', 'region'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await counts()).byStateRiskRegion)
        this.set({ state: c.state, risk: c.risk, region: c.region }, c.count);
    },
  });
  new Gauge({
    name: 'vermist_overdue_tasks',
    help: 'Open cases with a task past its deadline, by the role that owns the task.',
    labelNames: ['role'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // Every role shows, at 0 when nothing is overdue: "none overdue" is an answer, not a gap.
      for (const role of RoleSchema.options) this.set({ role }, 0);
      for (const c of (await counts()).overdueByRole) this.set({ role: c.role }, c.count);
    },
  });
  new Gauge({
    name: 'vermist_deadlines_at_risk',
    help: 'Open cases with a deadline that has passed or falls within the next hour, by region.',
    labelNames: ['region'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await counts()).atRiskByRegion) this.set({ region: c.region }, c.count);
    },
  });
  new Gauge({
    name: 'vermist_records_up',
    help: 'Whether the last scrape could count open cases in the records store (1) or not (0).',
    registers: [registry],
    async collect() {
      this.set((await counting()) === null ? 0 : 1);
    },
  });
}
