import { z } from 'zod';
import type { ProfileView } from './profile.schema';
import {
  CaseReportSchema,
  ClinicalSchema,
  ConsentsSchema,
  consentInForce,
  PersonSchema,
  type CaseReport,
  type CaseReportInput,
} from './report.schema';

/**
 * What a clinic adds to a patient profile to file a report from it in one step (issue 15): the facts of
 * this absence. Who the person is, and all that was known before they left, is the profile's. Strict at
 * every level, so a field it does not have is refused at its own path instead of silently dropped.
 */
export const ProfileReportSchema = z
  .object({
    region: CaseReportSchema.shape.region.describe('The police region the report goes to.'),
    kind: CaseReportSchema.shape.kind.strict(),
    urgent: CaseReportSchema.shape.urgent,
    proposedRisk: CaseReportSchema.shape.proposedRisk,
    absenceNoticedAt: CaseReportSchema.shape.absenceNoticedAt,
    internalSearchDone: CaseReportSchema.shape.internalSearchDone,
    lastSeen: CaseReportSchema.shape.lastSeen.strict(),
    clothing: PersonSchema.shape.clothing.describe(
      'What they wore when last seen; without it, the clothing the profile describes.',
    ),
    medicationOnHand: CaseReportSchema.shape.medicationOnHand,
    reportId: CaseReportSchema.shape.reportId
      .optional()
      .describe(
        "The clinic's own id for this report; without it, one made from the profile, you and the Idempotency-Key, so a retry finds the same case.",
      ),
    clinical: ClinicalSchema.strict()
      .optional()
      .describe("The clinic's clinical notes on this absence: for the clinic's view only."),
  })
  .strict();
export type ProfileReport = z.infer<typeof ProfileReportSchema>;

/** The consents a report records, by name. */
const consentNames = ConsentsSchema.keyof().options;

/**
 * The report a profile files at `at`: the profile's latest version for the person and all that was known
 * before, the request for this absence. Its likely places are the profile's followed by its routines. A
 * consent the profile gave that has expired by `at` is filed as not given, and named in `fromProfile`:
 * an expired consent never lets anyone contact the family or appeal to the public.
 */
export function reportFromProfile(input: {
  view: ProfileView;
  facts: ProfileReport;
  reportId: string;
  /** The photo the report shows: the profile's, as the case will keep it. */
  photoRef: string | undefined;
  at: string;
}): CaseReport {
  const { view, facts, at } = input;
  const { profile } = view;
  const expired = consentNames.filter(
    (name) => profile.consents[name].given && !consentInForce(profile.consents[name], at),
  );
  const consents = Object.fromEntries(
    consentNames.map((name) => {
      const consent = profile.consents[name];
      return [name, expired.includes(name) ? { ...consent, given: false } : consent];
    }),
  ) as CaseReport['consents'];
  const clothing = facts.clothing ?? profile.person.clothing;
  return CaseReportSchema.parse({
    reportId: input.reportId,
    institutionId: view.institutionId,
    region: facts.region,
    kind: facts.kind,
    urgent: facts.urgent,
    proposedRisk: facts.proposedRisk,
    absenceNoticedAt: facts.absenceNoticedAt,
    internalSearchDone: facts.internalSearchDone,
    lastSeen: facts.lastSeen,
    person: {
      ...profile.person,
      ...(input.photoRef !== undefined && { photoRef: input.photoRef }),
      ...(clothing !== undefined && { clothing }),
    },
    likelyPlaces: [...profile.likelyPlaces, ...profile.routines],
    associates: profile.associates,
    riskFactors: profile.riskFactors,
    travel: profile.travel,
    ...(facts.medicationOnHand !== undefined && { medicationOnHand: facts.medicationOnHand }),
    timeCriticalNeeds: profile.timeCriticalNeeds,
    peopleAtRisk: profile.peopleAtRisk,
    legalTitle: profile.legalTitle,
    clinicContact: profile.clinicContact,
    consents,
    ...(facts.clinical !== undefined && { clinical: facts.clinical }),
    fromProfile: { profileId: view.profileId, version: view.version, expiredConsents: expired },
  } satisfies CaseReportInput);
}
