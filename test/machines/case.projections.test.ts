import { initialTransition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { caseMachine } from '../../machines/case.machine';
import {
  AmbulanceViewSchema,
  ContactPersonViewSchema,
  CrisisServiceViewSchema,
  PoliceViewSchema,
  projectCase,
} from '../../machines/case.projections';
import { caseState, nextView, nothingAdded, type CaseView } from '../../machines/case.view';
import { CaseReportSchema } from '../../machines/report.schema';
import { aCaseInput, aReport } from '../support/fixtures';

const NOW = '2026-11-24T09:00:00.000Z';

function aView(report: Parameters<typeof aReport>[0] = {}): CaseView {
  const input = aCaseInput({ report });
  const [snapshot] = initialTransition(caseMachine, input);
  return nextView(caseState(snapshot, CaseReportSchema.parse(aReport(report))), undefined, nothingAdded);
}

const clinicalWords = ['schizophrenia', 'clozapine'];

describe('case projections', () => {
  it('gives the clinic its own report whole', () => {
    const view = aView();
    expect(projectCase('clinic', view, NOW)).toBe(view);
  });

  it.each(['police_desk', 'police_supervisor', 'ambulance', 'crisis_service'] as const)(
    'never gives %s a clinical field',
    (party) => {
      const text = JSON.stringify(projectCase(party, aView(), NOW));
      for (const word of clinicalWords) expect(text).not.toContain(word);
      expect(text).not.toContain('"clinical"');
    },
  );

  it('gives police the rest of the report', () => {
    const police = projectCase('police_desk', aView(), NOW);
    expect(PoliceViewSchema.strict().safeParse(police).success).toBe(true);
    expect(police.report.person.name).toBe('Jan de Vries');
    expect(police.report.riskFactors.vulnerable).toBe(true);
  });

  it('gives the ambulance what transport needs and no more', () => {
    const ambulance = projectCase('ambulance', aView(), NOW);
    expect(AmbulanceViewSchema.strict().parse(ambulance)).toEqual(ambulance);
    expect(ambulance).not.toHaveProperty('report');
    expect(ambulance).not.toHaveProperty('assessments');
    expect(ambulance.clinicContact.phone24x7).toBe('+31 592 000 000');
  });

  it('gives the crisis service who, the functional risks and the clinic to call', () => {
    const crisis = projectCase('crisis_service', aView(), NOW);
    expect(CrisisServiceViewSchema.strict().parse(crisis)).toEqual(crisis);
    expect(crisis).not.toHaveProperty('tasks');
  });

  it('tells the contact person nothing without consent to family contact', () => {
    const view = aView({
      consents: {
        familyContact: { given: false, recordedBy: 'dr. A. Bakker' },
        publicAppeal: { given: false, recordedBy: 'dr. A. Bakker' },
      },
    });
    expect(projectCase('contact_person', view, NOW)).toBeNull();
  });

  it('tells the contact person nothing once the consent expired', () => {
    const view = aView({
      consents: {
        familyContact: { given: true, recordedBy: 'dr. A. Bakker', expiresAt: '2026-11-24T08:30:00Z' },
        publicAppeal: { given: false, recordedBy: 'dr. A. Bakker' },
      },
    });
    expect(projectCase('contact_person', view, NOW)).toBeNull();
  });

  it('tells a consenting contact person whether the person is found, never where', () => {
    const contact = projectCase('contact_person', aView(), NOW)!;
    expect(ContactPersonViewSchema.strict().parse(contact)).toEqual(contact);
    expect(contact.found).toBe(false);
    expect(JSON.stringify(contact)).not.toContain('Tuin');
  });
});
