import { metricMeter } from '@temporalio/workflow';
import type { MetricCounter } from '@temporalio/common';
import type { SnapshotFrom } from 'xstate';
import type { ProfileMachine } from '../machines/profile.machine';
import { profileMetricFacts, profileMetrics, type ProfileMetricKey } from '../machines/profile.metrics';

/**
 * Records a profile's metrics through the workflow's metric meter, which the SDK silences while a workflow
 * replays: each absence counts once, on the run that first takes it.
 */
export function createProfileMetricsRecorder() {
  const counters = new Map<ProfileMetricKey, MetricCounter>();
  const counter = (key: ProfileMetricKey): MetricCounter => {
    let found = counters.get(key);
    if (!found) {
      const { name, help } = profileMetrics[key];
      found = metricMeter.createCounter(name, undefined, help);
      counters.set(key, found);
    }
    return found;
  };
  return {
    record(before: SnapshotFrom<ProfileMachine>, after: SnapshotFrom<ProfileMachine>): void {
      for (const fact of profileMetricFacts(before, after)) counter(fact.metric).add(fact.value, fact.labels);
    },
  };
}
