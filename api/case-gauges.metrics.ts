import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import { RoleSchema } from '../machines/case.events';
import { CaseSearchAttributes as SA } from '../workflows/case.search-attributes';

/** What one open case contributes to the gauges: search-attribute facts, never personal data. */
export type OpenCaseFacts = {
  state: string;
  risk: string;
  region: string;
  overdueRoles: string[];
  nextDueAt: Date | null;
};

/** How far ahead a deadline counts as "at risk" on the supervisors' dashboard. */
export const AT_RISK_WITHIN_MS = 60 * 60 * 1000;
/** Past this many open cases a scrape stops listing: the gauges then undercount, and say so. */
export const SCAN_LIMIT = 20_000;

/** Every open case's facts, read from Temporal's visibility store. */
export function listOpenCases(client: Client): () => Promise<OpenCaseFacts[]> {
  return async () => {
    const facts: OpenCaseFacts[] = [];
    const query = `WorkflowType = 'caseWorkflow' AND ExecutionStatus = 'Running'`;
    for await (const execution of client.workflow.list({ query })) {
      const sa = execution.typedSearchAttributes;
      facts.push({
        state: sa.get(SA.state) ?? 'unknown',
        risk: sa.get(SA.risk) ?? 'unknown',
        region: sa.get(SA.region) ?? 'unknown',
        overdueRoles: sa.get(SA.overdueRoles) ?? [],
        nextDueAt: sa.get(SA.nextDueAt) ?? null,
      });
      if (facts.length >= SCAN_LIMIT) break;
    }
    return facts;
  };
}

/**
 * Gauges derived at scrape time from what Temporal's visibility store says about open cases, so they are
 * right whatever happened before (retries, replays, restarts of this process). One listing serves all of
 * them per scrape.
 */
export function registerCaseGauges(
  registry: Registry,
  openCases: () => Promise<OpenCaseFacts[]>,
  options: { now?: () => Date; onError?: (error: unknown) => void } = {},
): void {
  const now = options.now ?? (() => new Date());
  let current: { at: number; facts: Promise<OpenCaseFacts[] | null> } | undefined;
  // Prometheus collects the gauges one after another within a scrape: they share one listing. A failed
  // listing leaves the case gauges empty (and vermist_visibility_up at 0) rather than failing the scrape.
  const listing = () => {
    if (!current || Date.now() - current.at > 1_000) {
      current = {
        at: Date.now(),
        facts: openCases().catch((error: unknown) => (options.onError?.(error), null)),
      };
    }
    return current.facts;
  };
  const facts = async () => (await listing()) ?? [];

  new Gauge({
    name: 'vermist_open_cases',
    help: 'Open cases by public state, risk grade (the clinic proposal until police grade) and region.',
    labelNames: ['state', 'risk', 'region'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await facts()) this.inc({ state: c.state, risk: c.risk, region: c.region });
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
      for (const c of await facts()) for (const role of c.overdueRoles) this.inc({ role });
    },
  });
  new Gauge({
    name: 'vermist_deadlines_at_risk',
    help: 'Open cases whose next deadline falls within the next hour, by region.',
    labelNames: ['region'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const horizon = now().getTime() + AT_RISK_WITHIN_MS;
      for (const c of await facts())
        if (c.nextDueAt && c.nextDueAt.getTime() <= horizon) this.inc({ region: c.region });
    },
  });
  new Gauge({
    name: 'vermist_visibility_up',
    help: 'Whether the last scrape could list open cases from Temporal (1) or not (0).',
    registers: [registry],
    async collect() {
      this.set((await listing()) === null ? 0 : 1);
    },
  });
  new Gauge({
    name: 'vermist_open_cases_scan_truncated',
    help: `1 when more than ${SCAN_LIMIT} cases are open and the case gauges undercount, else 0.`,
    registers: [registry],
    async collect() {
      this.set((await facts()).length >= SCAN_LIMIT ? 1 : 0);
    },
  });
}
