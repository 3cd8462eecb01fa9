import { expect } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { Actor } from '../../machines/case.events';
import type { ProfileEvent } from '../../machines/profile.events';
import { profileMachine, type ProfileInput } from '../../machines/profile.machine';
import { PolicyDocumentSchema } from '../../machines/policy.schema';
import { testPolicyFile } from './fixtures';

/** The profile machine driven by hand, as its specs do: a start, a clock in days, and who acts. */
export type Snapshot = SnapshotFrom<typeof profileMachine>;
export const START = '2026-01-05T09:00:00.000Z';
export const DAY = 86_400_000;
/** An instant `days` after the profile's workflow started. */
export const day = (days: number) => new Date(Date.parse(START) + days * DAY).toISOString();
export const clinician: Actor = { id: 'dr-bakker', role: 'clinic' };
export const police: Actor = { id: 'desk-1', role: 'police_desk' };

export const input = (): ProfileInput => ({
  profileId: 'p-1',
  institutionId: 'ggz-noord',
  ward: 'De Linde',
  policy: PolicyDocumentSchema.parse(testPolicyFile).profiles,
  startedAt: START,
});

/** Starts a profile's machine and applies events in order, each of which it must take. */
export function drive(...events: ProfileEvent[]): Snapshot {
  let [snapshot] = initialTransition(profileMachine, input());
  for (const event of events) {
    expect(snapshot.can(event), `${event.type} should be taken`).toBe(true);
    [snapshot] = transition(profileMachine, snapshot, event);
  }
  return snapshot;
}
/** The snapshot after one more event, taken or not. (Not exported as `then`: a module with one is a thenable.) */
export const andThen = (snapshot: Snapshot, event: ProfileEvent) =>
  transition(profileMachine, snapshot, event)[0];
