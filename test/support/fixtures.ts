import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Actor, Role } from '../../machines/case.events';
import type { CaseInput } from '../../machines/case.machine';
import type { ProfileInput } from '../../machines/profile.schema';
import type { CaseReportInput } from '../../machines/report.schema';
import type { PolicyDocument } from '../../machines/policy.schema';
import { PolicyDocumentSchema, resolvePolicy } from '../../machines/policy.schema';
import { CaseReportSchema } from '../../machines/report.schema';
import { LegalTitleSchema } from '../../machines/legal-title';
import type { z } from 'zod';

/** The policy the tests run under, as its file says it: the shipped defaults, plus one regional override. */
const shippedPolicy = JSON.parse(readFileSync(path.join(__dirname, '../../config/policy.json'), 'utf8'));
export const testPolicyFile = {
  version: 'test-1',
  defaults: shippedPolicy.defaults,
  regions: { 'oost-nl': { acknowledge: { ordinary: '30m' } } },
  profiles: shippedPolicy.profiles,
};

/** The policy the tests run under, parsed. */
export const testPolicyDocument: PolicyDocument = PolicyDocumentSchema.parse(testPolicyFile);

/** A complete, valid report as a clinic would file it. */
export function aReport(overrides: Partial<CaseReportInput> = {}): CaseReportInput {
  return {
    reportId: 'rep-0001',
    institutionId: 'ggz-noord',
    region: 'noord-nl',
    kind: { unauthorisedAbsence: true, missing: false },
    urgent: false,
    proposedRisk: 'medium',
    absenceNoticedAt: '2026-11-24T08:00:00Z',
    internalSearchDone: true,
    lastSeen: { at: '2026-11-24T07:40:00Z', place: 'Tuin, afdeling De Linde' },
    person: {
      name: 'Jan de Vries',
      dateOfBirth: '1990-04-01',
      description: '1.85 m, slank, kort donker haar',
      clothing: 'blauwe jas, grijze broek',
    },
    likelyPlaces: ['Station Assen'],
    associates: [],
    riskFactors: {
      suicideRisk: false,
      dependentOnMedication: true,
      vulnerable: true,
      dangerToOthers: false,
      substanceUse: false,
    },
    legalTitle: { kind: 'zorgmachtiging', startsOn: '2026-06-01', endsOn: '2026-12-01' },
    clinicContact: { ward: 'De Linde', responsibleClinician: 'dr. A. Bakker', phone24x7: '+31 592 000 000' },
    consents: {
      familyContact: { given: true, recordedBy: 'dr. A. Bakker' },
      publicAppeal: { given: false, recordedBy: 'dr. A. Bakker' },
    },
    clinical: { diagnosis: 'paranoid schizophrenia', treatmentNotes: 'clozapine 300mg' },
    ...overrides,
  };
}

/**
 * A report as a clinic files it today: under a title in force whatever day the suite runs, since the API
 * refuses an unauthorised absence without one.
 */
export function aReportNow(overrides: Partial<CaseReportInput> = {}): CaseReportInput {
  return aReport({ legalTitle: aTitleInForce(), ...overrides });
}

/**
 * A patient profile as a clinic sends it, made of the fixture report's own parts with a fuller signalement,
 * under a title in force whatever day the suite runs.
 */
export function aProfileInput(overrides: Partial<ProfileInput> = {}): ProfileInput {
  const report = aReport();
  return {
    person: {
      ...report.person,
      name: 'Pieter Profiel',
      sex: 'male',
      heightCm: 185,
      distinguishingMarks: ['litteken boven linkerwenkbrauw'],
      languages: ['nl', 'en'],
    },
    routines: ['loopt elke ochtend naar de bakker'],
    likelyPlaces: ['Station Assen'],
    associates: ['broer, woont in Groningen'],
    riskFactors: report.riskFactors,
    timeCriticalNeeds: [{ need: 'insuline', urgency: 'binnen 12 uur' }],
    peopleAtRisk: ['ex-partner'],
    legalTitle: aTitleInForce(),
    clinicContact: report.clinicContact,
    consents: report.consents,
    ...overrides,
  };
}

/** The machine's input for a report filed at `reportedAt` (08:10 on 24 November 2026 unless told). */
export function aCaseInput(
  overrides: { reportedAt?: string; report?: Partial<CaseReportInput> } & Partial<
    Pick<CaseReportInput, 'urgent' | 'region'>
  > = {},
): CaseInput {
  const report = CaseReportSchema.parse(
    aReport({
      ...(overrides.urgent !== undefined && { urgent: overrides.urgent }),
      ...(overrides.region !== undefined && { region: overrides.region }),
      ...overrides.report,
    }),
  );
  return {
    caseId: 'case-ggz-noord-rep-0001',
    reportedAt: overrides.reportedAt ?? '2026-11-24T08:10:00.000Z',
    report,
    policy: resolvePolicy(testPolicyDocument, report.region, report.institutionId),
  };
}

export const police = { id: 'agent-17', role: 'police_desk' } as const;
export const supervisor = { id: 'chief-3', role: 'police_supervisor' } as const;
export const clinician = { id: 'a.bakker', role: 'clinic' } as const;
export const ambulance = { id: 'rav-12', role: 'ambulance' } as const;
export const crisisService = { id: 'crisis-4', role: 'crisis_service' } as const;
/** One person acting in each role. */
export const actorFor = {
  clinic: clinician,
  police_desk: police,
  police_supervisor: supervisor,
  ambulance,
  crisis_service: crisisService,
} as const satisfies Record<Role, Actor>;

/** A title that ended well before any test runs: recorded on a case, it lapses at once. */
export function endedTitle() {
  return { kind: 'zorgmachtiging', startsOn: '2025-01-01', endsOn: '2025-07-01' } as const;
}

/** A title as the case keeps it (instants), from a title as a clinic may give it (dates). */
export const aTitle = (input: z.input<typeof LegalTitleSchema>) => LegalTitleSchema.parse(input);

/**
 * A zorgmachtiging in force at `now`: begun two months before, ending in four. Reports filed over HTTP
 * use it, so they stay unauthorised absences under a title in force whatever day the suite runs.
 */
export function aTitleInForce(now = new Date()) {
  const day = (offsetDays: number) =>
    new Date(now.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
  return { kind: 'zorgmachtiging', startsOn: day(-60), endsOn: day(120) } as const;
}

/**
 * A title that stays in force however far a time-skipping server runs its clock: a Wzd rechterlijke
 * machtiging, whose term the court sets (the law caps none we could verify).
 */
export const farTitle = {
  kind: 'wzd_rechterlijke_machtiging',
  startsOn: '2026-01-01',
  endsOn: '2099-01-01',
} as const;
