import type { SnapshotFrom } from 'xstate';
import type { CaseContext, RecordEntry } from './case.context';
import type { CaseMachine } from './case.machine';
import { legalStatusOf } from './case.status';
import type { DeliveryRecord } from './notification.schema';

/**
 * The domain metrics a case workflow records, one entry per fact it decides. Labels are bounded sets
 * (regions, institutions, enums): never a person, a case or a user id.
 */
export const caseMetrics = {
  opened: {
    name: 'vermist_cases_opened_total',
    help: 'Cases opened, by kind and region.',
    type: 'counter',
  },
  closed: {
    name: 'vermist_cases_closed_total',
    help: 'Cases closed, by kind, region and outcome.',
    type: 'counter',
  },
  escalations: {
    name: 'vermist_escalations_total',
    help: 'Tasks escalated to the next role up because their deadline passed, by reason and region.',
    type: 'counter',
  },
  titleEndedBeforeReturn: {
    name: 'vermist_titles_ended_before_return_total',
    help: 'Cases whose compulsory-care title ended before the person was back, by title and region.',
    type: 'counter',
  },
  repeatAbsences: {
    name: 'vermist_repeat_absences_total',
    help: 'Cases of a patient the clinic reports absent before in the last 12 months, by institution, ward and region.',
    type: 'counter',
  },
  timeToReport: {
    name: 'vermist_time_to_report_seconds',
    help: 'Seconds from the absence being noticed to the report, by region.',
    type: 'histogram',
  },
  timeToAcknowledgement: {
    name: 'vermist_time_to_acknowledgement_seconds',
    help: 'Seconds from the absence being noticed to the police acknowledging the report, by region.',
    type: 'histogram',
  },
  timeToLocated: {
    name: 'vermist_time_to_located_seconds',
    help: 'Seconds from the absence being noticed to the person being located, by region and risk.',
    type: 'histogram',
  },
  timeToReturned: {
    name: 'vermist_time_to_returned_seconds',
    help: 'Seconds from the absence being noticed to the clinic confirming the return, by region and risk.',
    type: 'histogram',
  },
  transports: {
    name: 'vermist_transports_total',
    help: 'Ways back arranged, by mode (ambulance, care transport, clinic staff, police, own accord) and region.',
    type: 'counter',
  },
  rejections: {
    name: 'vermist_rejections_total',
    help: 'Reports police rejected, by grounds and region.',
    type: 'counter',
  },
  custody: {
    name: 'vermist_custody_seconds',
    help: 'Seconds a person was held after an arrest, from the custody to the release, by region.',
    type: 'histogram',
  },
  notifications: {
    name: 'vermist_notifications_total',
    help: 'Notifications settled, by receiving party, channel, result (sent, delivered, failed, withheld) and region.',
    type: 'counter',
  },
} as const;
export type CaseMetricKey = keyof typeof caseMetrics;

/**
 * Bucket bounds for the time-to-X histograms, in seconds: 5 min to 28 days, the span of the lifecycle's
 * deadlines (acknowledge in 15 min, reviews every 2 h to 24 h, the 72 h / 14 d / 28 d thresholds).
 */
export const timeToBuckets = [
  300, 900, 1_800, 3_600, 7_200, 14_400, 28_800, 86_400, 259_200, 604_800, 1_209_600, 2_419_200,
];

/** One fact for one metric: a counter increment or a histogram observation, with its labels. */
export type MetricFact = { metric: CaseMetricKey; value: number; labels: Record<string, string> };

type CaseSnapshot = SnapshotFrom<CaseMachine>;

/** What the case knows that the machine does not carry: when the absence was noticed, and earlier absences. */
export type CaseFactsInput = {
  absenceNoticedAt: string;
  previousAbsences?: number | undefined;
  clinicContact?: { ward: string } | undefined;
};

/** A ward as a label: the name the clinic gives it, trimmed and cut short. A ward is a place, not a person. */
const wardLabel = (input: CaseFactsInput) => input.clinicContact?.ward.trim().slice(0, 64) || 'unknown';

/** A case's kind as one bounded label value. */
export function kindLabel(kind: CaseContext['kind']): 'both' | 'missing' | 'unauthorised_absence' {
  return kind.missing && kind.unauthorisedAbsence
    ? 'both'
    : kind.missing
      ? 'missing'
      : 'unauthorised_absence';
}

const secondsBetween = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/**
 * The facts a transition establishes, from the snapshots before and after it (`before` null when the case
 * opens) and the entries it added to the record. Each fact follows from a field that changes once (a time set, an outcome, a new escalation), so a
 * case yields each fact once however often its events are retried.
 */
export function caseMetricFacts(
  before: CaseSnapshot | null,
  after: CaseSnapshot,
  input: CaseFactsInput,
  entries: readonly RecordEntry[] = [],
): MetricFact[] {
  const was = before?.context;
  const now = after.context;
  const region = { region: now.region };
  const facts: MetricFact[] = [];
  // How long a search took is read against how dangerous it was: located and returned carry the grade.
  const graded = { ...region, risk: now.risk ?? now.proposedRisk };
  const timeTo = (metric: CaseMetricKey, key: 'acknowledgedAt' | 'locatedAt' | 'returnedAt') => {
    const at = now[key];
    const labels = key === 'acknowledgedAt' ? region : graded;
    if (at !== null && (was === undefined || was[key] === null))
      facts.push({ metric, value: secondsBetween(input.absenceNoticedAt, at), labels });
  };

  if (!was) {
    facts.push({ metric: 'opened', value: 1, labels: { kind: kindLabel(now.kind), ...region } });
    facts.push({
      metric: 'timeToReport',
      value: secondsBetween(input.absenceNoticedAt, now.reportedAt),
      labels: region,
    });
    if ((input.previousAbsences ?? 0) > 0)
      facts.push({
        metric: 'repeatAbsences',
        value: 1,
        labels: { institution: now.institutionId, ward: wardLabel(input), ...region },
      });
  }
  timeTo('timeToAcknowledgement', 'acknowledgedAt');
  timeTo('timeToLocated', 'locatedAt');
  timeTo('timeToReturned', 'returnedAt');
  for (const entry of entries) {
    if (entry.kind === 'escalation')
      facts.push({ metric: 'escalations', value: 1, labels: { reason: entry.reason, ...region } });
    if (entry.kind === 'transport')
      facts.push({ metric: 'transports', value: 1, labels: { mode: entry.mode, ...region } });
    if (entry.kind === 'rejection')
      facts.push({ metric: 'rejections', value: 1, labels: { grounds: entry.grounds, ...region } });
    // Held since the custody located the person (custody comes only while the search is on).
    if (entry.kind === 'release' && now.locatedAt !== null)
      facts.push({ metric: 'custody', value: secondsBetween(now.locatedAt, entry.at), labels: region });
  }
  const titleEnded = (s: CaseSnapshot) => s.status !== 'done' && legalStatusOf(s) === 'ended';
  if (titleEnded(after) && (before === null || !titleEnded(before)) && now.returnedAt === null)
    facts.push({
      metric: 'titleEndedBeforeReturn',
      value: 1,
      labels: { title: now.legalTitle.kind, ...region },
    });
  if (now.outcome !== null && (was === undefined || was.outcome === null))
    facts.push({
      metric: 'closed',
      value: 1,
      labels: { kind: kindLabel(now.kind), outcome: now.outcome, ...region },
    });
  return facts;
}

/** A notification settled: counted once, when its delivery reaches its final status. */
export function notificationFact(
  delivery: Pick<DeliveryRecord, 'party' | 'channel' | 'status'>,
  region: string,
): MetricFact {
  return {
    metric: 'notifications',
    value: 1,
    labels: { party: delivery.party, channel: delivery.channel, result: delivery.status, region },
  };
}
