import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { ProfileEvent } from '../../machines/profile.events';
import { profileMachine } from '../../machines/profile.machine';
import { profileMetricFacts } from '../../machines/profile.metrics';
import { PolicyDocumentSchema } from '../../machines/policy.schema';
import { testPolicyFile } from '../support/fixtures';

type Snapshot = SnapshotFrom<typeof profileMachine>;
const START = '2026-01-05T09:00:00.000Z';
const day = (days: number) => new Date(Date.parse(START) + days * 86_400_000).toISOString();
const absence = (caseId: string, days: number): ProfileEvent => ({
  type: 'absence.reported',
  at: day(days),
  caseId,
});

/** Applies events in order and collects every fact each transition establishes. */
function factsOf(...events: ProfileEvent[]) {
  let [snapshot]: [Snapshot, unknown] = initialTransition(profileMachine, {
    profileId: 'p-1',
    institutionId: 'ggz-noord',
    ward: ' De Linde ',
    policy: PolicyDocumentSchema.parse(testPolicyFile).profiles,
    startedAt: START,
  });
  const facts = [];
  for (const event of events) {
    const [next] = transition(profileMachine, snapshot, event);
    facts.push(...profileMetricFacts(snapshot, next));
    snapshot = next;
  }
  return facts;
}

describe('profile metrics', () => {
  const labels = { institution: 'ggz-noord', ward: 'De Linde' };

  it('counts every absence filed from a profile by institution and ward, and no patient', () => {
    expect(factsOf(absence('case-a', 0))).toEqual([{ metric: 'absences', value: 1, labels }]);
  });

  it('counts an absence as a repeat when another fell within the 90-day window before it', () => {
    const facts = factsOf(absence('case-a', 0), absence('case-b', 89));
    expect(facts.filter((f) => f.metric === 'repeatAbsences')).toEqual([
      { metric: 'repeatAbsences', value: 1, labels },
    ]);
  });

  it('counts no repeat for an absence 90 days or more after the one before', () => {
    const facts = factsOf(absence('case-a', 0), absence('case-b', 90));
    expect(facts.map((f) => f.metric)).toEqual(['absences', 'absences']);
  });

  it('counts an absence reported twice once', () => {
    expect(factsOf(absence('case-a', 0), absence('case-a', 0))).toHaveLength(1);
  });
});
