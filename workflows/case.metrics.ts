import { metricMeter } from '@temporalio/workflow';
import type { MetricCounter, MetricHistogram } from '@temporalio/common';
import type { SnapshotFrom } from 'xstate';
import type { RecordEntry } from '../machines/case.context';
import type { CaseMachine } from '../machines/case.machine';
import type { DeliveryRecord } from '../machines/notification.schema';
import {
  caseMetricFacts,
  caseMetrics,
  notificationFact,
  type CaseFactsInput,
  type CaseMetricKey,
  type MetricFact,
} from '../machines/case.metrics';

type Instrument = MetricCounter | MetricHistogram;

/**
 * Records a case's domain metrics through the workflow's metric meter, which the SDK silences while a
 * workflow replays its history: each fact counts once, on the run that first decides it, whatever the
 * number of replays, worker restarts or activity retries.
 */
export function createCaseMetricsRecorder(input: CaseFactsInput) {
  const instruments = new Map<CaseMetricKey, Instrument>();
  const instrument = (key: CaseMetricKey): Instrument => {
    let found = instruments.get(key);
    if (!found) {
      const { name, help, type } = caseMetrics[key];
      found =
        type === 'counter'
          ? metricMeter.createCounter(name, undefined, help)
          : metricMeter.createHistogram(name, 'float', undefined, help);
      instruments.set(key, found);
    }
    return found;
  };

  const count = (fact: MetricFact) => {
    const target = instrument(fact.metric);
    if ('add' in target) target.add(fact.value, fact.labels);
    else target.record(fact.value, fact.labels);
  };

  return {
    /** Records what changed from `before` (null when the case opens) to `after`. */
    record(
      before: SnapshotFrom<CaseMachine> | null,
      after: SnapshotFrom<CaseMachine>,
      entries: readonly RecordEntry[] = [],
    ): void {
      caseMetricFacts(before, after, input, entries).forEach(count);
    },
    /** Records a notification whose delivery settled (sent, delivered, failed or withheld). */
    notification(delivery: DeliveryRecord, region: string): void {
      count(notificationFact(delivery, region));
    },
  };
}
