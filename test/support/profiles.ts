import type { z } from 'zod';
import { createProfileWorkflows, type ProfileWorkflows } from '../../api/profile-workflow';
import type { ProfileReportSchema } from '../../machines/profile-report.schema';
import { ProfileSchema, type Profile, type ProfileView } from '../../machines/profile.schema';
import type { CaseHarness } from './case-harness';
import { aReport, clinician, testPolicyDocument } from './fixtures';

/** A profile as a clinic keeps it, made of the fixture report's own parts, its photo taken on `takenOn`. */
export function aKeptProfile(
  takenOn: string,
  overrides: Partial<z.input<typeof ProfileSchema>> = {},
): Profile {
  const report = aReport();
  return ProfileSchema.parse({
    person: { ...report.person, name: 'Karel Herhaal' },
    photo: { takenOn },
    routines: ['fietst elke middag naar het park'],
    likelyPlaces: report.likelyPlaces,
    associates: [],
    riskFactors: report.riskFactors,
    legalTitle: report.legalTitle,
    clinicContact: report.clinicContact,
    consents: report.consents,
    ...overrides,
  });
}

let patients = 0;
/** A patient number nobody used yet in this process. */
export const aPatientNumber = (): string => `NR-${process.pid}-${Date.now()}-${++patients}`;

/** The facts of one absence, as a clinic adds them to a profile. */
export function theFacts(
  overrides: Partial<z.input<typeof ProfileReportSchema>> = {},
): z.input<typeof ProfileReportSchema> {
  const now = Date.now();
  return {
    region: 'noord-nl',
    kind: { unauthorisedAbsence: true, missing: false },
    urgent: true,
    proposedRisk: 'high',
    absenceNoticedAt: new Date(now - 10 * 60_000).toISOString(),
    internalSearchDone: true,
    lastSeen: { at: new Date(now - 30 * 60_000).toISOString(), place: 'Tuin, afdeling De Linde' },
    clothing: 'rode jas, spijkerbroek',
    ...overrides,
  };
}

/** The API's way into profiles' workflows, on a harness's server and task queue, with the test policy. */
export const profileWorkflowsOn = (h: CaseHarness, taskQueue: string): ProfileWorkflows =>
  createProfileWorkflows({ client: h.env.client, taskQueue, policy: testPolicyDocument.profiles });

/** Keeps a profile of `institutionId`, checked now on the harness's clock, and tells its workflow, as the API does. */
export async function aToldProfile(
  h: CaseHarness,
  workflows: ProfileWorkflows,
  institutionId = 'ggz-noord',
): Promise<ProfileView> {
  const now = await h.now();
  const created = await h.parties.records.profiles.create({
    institutionId,
    patientNumber: aPatientNumber(),
    profile: aKeptProfile(now.toISOString().slice(0, 10)),
    by: clinician,
    at: now,
  });
  if (!created.created) throw new Error('a new patient has no profile yet');
  await workflows.stored(created.view);
  return created.view;
}
