import type { SnapshotFrom } from 'xstate';
import type { ProfileMachine } from './profile.machine';

/**
 * The metrics a profile's workflow records. Labels are an institution and a ward, places and never a
 * person: no profile, patient or case id.
 */
export const profileMetrics = {
  absences: {
    name: 'vermist_profile_absences_total',
    help: 'Absences filed from a patient profile, by institution and ward.',
    type: 'counter',
  },
  repeatAbsences: {
    name: 'vermist_profile_repeat_absences_total',
    help: "Absences filed from a patient profile with another of that patient's within the policy's repeat window, by institution and ward.",
    type: 'counter',
  },
} as const;
export type ProfileMetricKey = keyof typeof profileMetrics;

/** One counter increment with its labels. */
export type ProfileMetricFact = { metric: ProfileMetricKey; value: number; labels: Record<string, string> };

type ProfileSnapshot = SnapshotFrom<ProfileMachine>;

/** A ward as a label: the name the clinic gives it, trimmed and cut short, as the case metrics do. */
const wardLabel = (ward: string) => ward.trim().slice(0, 64) || 'unknown';

/**
 * The facts a transition establishes: each absence it added counts once, and as a repeat when the profile
 * already had another within the window. An absence is added once per case, so retried messages count once.
 */
export function profileMetricFacts(before: ProfileSnapshot, after: ProfileSnapshot): ProfileMetricFact[] {
  const known = new Set(before.context.absences.map((a) => a.caseId));
  const labels = { institution: after.context.institutionId, ward: wardLabel(after.context.ward) };
  const window = after.context.policy.repeat.window;
  return after.context.absences
    .filter((a) => !known.has(a.caseId))
    .flatMap((added): ProfileMetricFact[] => {
      const at = Date.parse(added.reportedAt);
      const repeat = before.context.absences.some(
        (a) => Date.parse(a.reportedAt) <= at && Date.parse(a.reportedAt) + window > at,
      );
      return [
        { metric: 'absences', value: 1, labels },
        ...(repeat ? [{ metric: 'repeatAbsences' as const, value: 1, labels }] : []),
      ];
    });
}
