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

  describe('the signalement', () => {
    const searched = () =>
      aView({
        person: {
          name: 'Jan de Vries',
          dateOfBirth: '1990-04-01',
          description: 'slank, kort donker haar',
          sex: 'male',
          heightCm: 185,
          build: 'slim',
          distinguishingMarks: ['anchor tattoo, left forearm'],
          languages: ['nl', 'ar'],
        },
        travel: { means: ['public_transport'], hasMoney: true, hasBankCards: false },
        medicationOnHand: 'none',
        timeCriticalNeeds: [{ need: 'insulin', urgency: 'within 12 hours' }],
        peopleAtRisk: ['his former partner, Assen'],
      });

    it('gives police all of it: who to look for, how they travel, what they need on time, who is at risk', () => {
      const police = projectCase('police_desk', searched(), NOW);
      expect(police.report.person).toMatchObject({
        heightCm: 185,
        distinguishingMarks: ['anchor tattoo, left forearm'],
      });
      expect(police.report.travel).toEqual({
        means: ['public_transport'],
        hasMoney: true,
        hasBankCards: false,
      });
      expect(police.report.timeCriticalNeeds).toEqual([{ need: 'insulin', urgency: 'within 12 hours' }]);
      expect(police.report.peopleAtRisk).toEqual(['his former partner, Assen']);
    });

    it('gives the crew who to pick up and what they need on time, never who is at risk', () => {
      const crew = projectCase('ambulance', searched(), NOW);
      expect(crew.person).toMatchObject({ sex: 'male', heightCm: 185, languages: ['nl', 'ar'] });
      expect(crew.timeCriticalNeeds).toEqual([{ need: 'insulin', urgency: 'within 12 hours' }]);
      expect(crew.medicationOnHand).toBe('none');
      expect(JSON.stringify(crew)).not.toContain('former partner');
    });
  });

  it('gives the crisis service who, where found, what keeps them safe, and the clinic to call', () => {
    const crisis = projectCase('crisis_service', aView(), NOW);
    expect(CrisisServiceViewSchema.strict().parse(crisis)).toEqual(crisis);
    // Not the search: no sightings, no information, no people at risk, no debrief.
    for (const field of ['sightings', 'information', 'report', 'debriefs', 'timeline'])
      expect(crisis).not.toHaveProperty(field);
  });

  it("gives police the crisis service's way on, never its notes", () => {
    const by = { id: 'crisis-4', role: 'crisis_service' } as const;
    const assessment = {
      at: NOW,
      by,
      outcome: 'care_elsewhere',
      notes: 'hears voices; GP tomorrow',
    } as const;
    const view = {
      ...aView(),
      crisisAssessments: [assessment],
      timeline: [
        {
          type: 'crisis.record_assessment',
          at: NOW,
          by,
          recorded: [{ kind: 'crisisAssessment' as const, ...assessment }],
        },
      ],
    };
    const police = projectCase('police_desk', view, NOW);
    expect(police.crisisAssessments).toEqual([{ at: NOW, by, outcome: 'care_elsewhere' }]);
    expect(JSON.stringify(police)).not.toContain('hears voices');
    expect(JSON.stringify(projectCase('crisis_service', view, NOW))).toContain('hears voices');
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
