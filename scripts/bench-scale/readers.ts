import { performance } from 'node:perf_hooks';
import type { Principal } from '../../api/auth';
import type { HttpClient } from './http';
import type { FiledCase } from './intake';
import { clinicians, desks, INSTITUTIONS, REGIONS } from './population';
import { latency, round, type Latency } from '../bench-stats';

/** What a desk filters its region's inbox by (the first is the plain inbox, most asked for). */
const DESK_FILTERS = [
  '',
  '',
  '?state=reported',
  '?overdue=true',
  '?overdue=false&assigned=none',
  '?assigned=me',
  '?task=acknowledge_report&limit=200',
  '?risk=high',
  '?state=reported&risk=low',
  '?role=police_supervisor',
];
const CLINIC_FILTERS = ['', '?overdue=true'];

type Read = { kind: 'inbox' | 'case'; who: Principal['role']; filter: string; status: number; ms: number };

/** The reads of a window, as the results file has them. */
export type ReadResults = {
  /** Reads asked for per second, and what was asked and answered. */
  targetPerSecond: number;
  seconds: number;
  sent: number;
  /** Reads not sent because `maxInFlight` were still unanswered: the API falling behind. */
  shed: number;
  statuses: Record<string, number>;
  inbox: Latency & { byFilter: Record<string, Latency>; byRole: Record<string, Latency> };
  caseRead: Latency & { byRole: Record<string, Latency> };
};

/**
 * Reads at a steady `perSecond` (open loop: each read leaves on schedule whether or not the previous ones
 * were answered, so a slow API shows as latency, not as fewer reads), half task inboxes and half single
 * cases, as police desks and clinics read them: desks their region's inbox and cases, clinicians their
 * clinic's. Only answers with status 200 count in the latencies; every status is counted.
 */
export function startReaders(options: {
  call: HttpClient;
  perSecond: number;
  filed: readonly FiledCase[];
  maxInFlight?: number;
}) {
  const { call, filed } = options;
  const maxInFlight = options.maxInFlight ?? 64;
  const reads: Read[] = [];
  const inFlight = new Set<Promise<void>>();
  let shed = 0;
  let sent = 0;
  let stopped = false;
  const started = performance.now();

  const pick = <T>(list: readonly T[], n: number) => list[n % list.length]!;
  // Fixed strides through principals, filters and cases: every region, clinic and filter is read in turn.
  let deskInboxes = 0;
  let clinicInboxes = 0;
  const one = async (k: number) => {
    const n = Math.floor(k / 2);
    let read: Omit<Read, 'status' | 'ms'> & { path: string; as: Principal };
    if (k % 2 === 0 && n % 5 === 4) {
      const c = clinicInboxes++;
      const filter = pick(CLINIC_FILTERS, c);
      const as = pick(clinicians(pick(INSTITUTIONS, c * 7).institutionId), c);
      read = { kind: 'inbox', who: as.role, filter, path: `/v1/tasks${filter}`, as };
    } else if (k % 2 === 0) {
      const d = deskInboxes++;
      const filter = pick(DESK_FILTERS, d);
      const as = pick(desks(pick(REGIONS, d * 3)), d);
      read = { kind: 'inbox', who: as.role, filter, path: `/v1/tasks${filter}`, as };
    } else {
      const c = pick(filed, n * 7919);
      const as = n % 4 === 3 ? pick(clinicians(c.institutionId), n) : pick(desks(c.region), n);
      read = { kind: 'case', who: as.role, filter: '', path: `/v1/cases/${c.caseId}`, as };
    }
    const answer = await call('GET', read.path, read.as);
    reads.push({ kind: read.kind, who: read.who, filter: read.filter, status: answer.status, ms: answer.ms });
  };

  const loop = (async () => {
    for (let k = 0; !stopped; k++) {
      const due = started + (k * 1000) / options.perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopped) break;
      if (inFlight.size >= maxInFlight) {
        shed++;
        continue;
      }
      sent++;
      const p: Promise<void> = one(k).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  })();

  return {
    async stop(): Promise<ReadResults> {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
      const seconds = (performance.now() - started) / 1000;
      const ok = (r: Read) => r.status === 200;
      const ms = (list: Read[]) => latency(list.filter(ok).map((r) => r.ms));
      const by = (list: Read[], key: (r: Read) => string) => {
        const groups = new Map<string, Read[]>();
        for (const r of list) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
        return Object.fromEntries([...groups].map(([k, v]) => [k, ms(v)]));
      };
      const statuses: Record<string, number> = {};
      for (const r of reads) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      const inbox = reads.filter((r) => r.kind === 'inbox');
      const cases = reads.filter((r) => r.kind === 'case');
      return {
        targetPerSecond: options.perSecond,
        seconds: round(seconds),
        sent,
        shed,
        statuses,
        inbox: {
          ...ms(inbox),
          byFilter: by(inbox, (r) => `${r.who} ${r.filter || '(none)'}`),
          byRole: by(inbox, (r) => r.who),
        },
        caseRead: { ...ms(cases), byRole: by(cases, (r) => r.who) },
      };
    },
  };
}
