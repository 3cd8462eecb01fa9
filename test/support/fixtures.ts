import type { CaseInput } from '../../machines/case.machine';
import type { CaseReportInput } from '../../machines/report.schema';
import type { PolicyDocument } from '../../machines/policy.schema';
import { PolicyDocumentSchema, resolvePolicy } from '../../machines/policy.schema';

/** The policy the tests run under: the documented defaults. */
export const testPolicyDocument: PolicyDocument = PolicyDocumentSchema.parse({
  version: 'test-1',
  defaults: { acknowledge: { urgent: '15m', ordinary: '60m' } },
  regions: { 'oost-nl': { acknowledge: { ordinary: '30m' } } },
});

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

/** The machine's input for a report filed at `reportedAt`. */
export function aCaseInput(
  overrides: { urgent?: boolean; region?: string; reportedAt?: string } = {},
): CaseInput {
  const region = overrides.region ?? 'noord-nl';
  return {
    caseId: 'case-ggz-noord-rep-0001',
    reportedAt: overrides.reportedAt ?? '2026-11-24T08:10:00.000Z',
    report: {
      region,
      institutionId: 'ggz-noord',
      kind: { unauthorisedAbsence: true, missing: false },
      urgent: overrides.urgent ?? false,
      proposedRisk: 'medium',
    },
    policy: resolvePolicy(testPolicyDocument, region),
  };
}

export const police = { id: 'agent-17', role: 'police_desk' } as const;
export const clinician = { id: 'a.bakker', role: 'clinic' } as const;
