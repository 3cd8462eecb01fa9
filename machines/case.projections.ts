import { z } from 'zod';
import { CaseViewSchema } from './case.view';
import type { CaseView } from './case.view';
import type { Party } from './party.schema';
import { CrisisAssessmentSchema, FindSchema, TransportSchema } from './case.entries';
import type { RecordEntry } from './case.entries';
import { CaseReportSchema, consentInForce, PersonSchema, RiskFactorsSchema } from './report.schema';

export { PartySchema, type Party } from './party.schema';

/**
 * Police see everything they need to search: every sighting, find, transport and piece of information with
 * its place, time and source. Never the clinical fields (diagnosis, treatment notes, record extracts,
 * domain.md), the clinic's debrief of why the person left, nor the crisis service's notes (only the way on
 * it chose).
 */
export const PoliceViewSchema = CaseViewSchema.omit({ debriefs: true, followUps: true }).extend({
  report: CaseReportSchema.omit({ clinical: true }),
  crisisAssessments: z.array(CrisisAssessmentSchema.omit({ notes: true })),
});
export type PoliceView = z.infer<typeof PoliceViewSchema>;

/** What a crew needs to bring someone back safely: who, how they may behave, where to, and under which title. */
export const AmbulanceViewSchema = CaseViewSchema.pick({
  caseId: true,
  status: true,
  region: true,
  institutionId: true,
  urgent: true,
  risk: true,
  locatedAt: true,
  transportMode: true,
  legal: true,
  tasks: true,
  deliveries: true,
}).extend({
  /** Where to pick the person up and where to take them: the transport the crew's task is for. */
  transport: TransportSchema.pick({ mode: true, pickup: true, destination: true }).nullable(),
  person: PersonSchema.pick({
    name: true,
    dateOfBirth: true,
    description: true,
    clothing: true,
    photoRef: true,
    sex: true,
    heightCm: true,
    build: true,
    distinguishingMarks: true,
    languages: true,
  }),
  /** What the person needs on time, and carries: a crew keeps them safe on the way. */
  timeCriticalNeeds: CaseReportSchema.shape.timeCriticalNeeds,
  medicationOnHand: CaseReportSchema.shape.medicationOnHand,
  riskFactors: RiskFactorsSchema.omit({ notes: true }),
  clinicContact: CaseReportSchema.shape.clinicContact,
});
export type AmbulanceView = z.infer<typeof AmbulanceViewSchema>;

/**
 * The crisis service assesses someone found after their title lapsed: who, where they were found, what
 * keeps them safe, the clinic to call, its own task and its own assessments. Not the search (sightings,
 * people at risk), the clinic's debrief, nor the clinical record.
 */
export const CrisisServiceViewSchema = CaseViewSchema.pick({
  caseId: true,
  status: true,
  region: true,
  institutionId: true,
  locatedAt: true,
  legal: true,
  tasks: true,
  crisisAssessments: true,
}).extend({
  person: PersonSchema.pick({ name: true, dateOfBirth: true, description: true, languages: true }),
  /** Where the person was found, the latest find last: where the assessment takes place. */
  foundAt: z.array(FindSchema.pick({ at: true, place: true })),
  timeCriticalNeeds: CaseReportSchema.shape.timeCriticalNeeds,
  medicationOnHand: CaseReportSchema.shape.medicationOnHand,
  riskFactors: RiskFactorsSchema.omit({ notes: true }),
  clinicContact: CaseReportSchema.shape.clinicContact,
});
export type CrisisServiceView = z.infer<typeof CrisisServiceViewSchema>;

/**
 * The contact person hears whether the person is found and back, never where a found adult is
 * (domain.md [46]); and nothing at all without recorded consent to family contact.
 */
export const ContactPersonViewSchema = CaseViewSchema.pick({
  caseId: true,
  status: true,
  returnedAt: true,
  outcome: true,
  closedAt: true,
}).extend({
  found: z.boolean(),
  clinicPhone24x7: z.string(),
});
export type ContactPersonView = z.infer<typeof ContactPersonViewSchema>;

/** Each party's projection type, by party. */
export type PartyView = {
  clinic: CaseView;
  police_desk: PoliceView;
  police_supervisor: PoliceView;
  ambulance: AmbulanceView;
  crisis_service: CrisisServiceView;
  contact_person: ContactPersonView | null;
};

/** Whether the clinic recorded consent for contact with the family/contact person, and it has not expired. */
export function familyContactAllowed(view: CaseView, at: string): boolean {
  return consentInForce(view.report.consents.familyContact, at);
}

function policeView(view: CaseView): PoliceView {
  const { clinical: _clinical, ...report } = view.report;
  const { debriefs: _debriefs, followUps: _followUps, timeline, crisisAssessments, ...rest } = view;
  return {
    ...rest,
    timeline: timelineForPolice(timeline),
    crisisAssessments: crisisAssessments.map(withoutNotes),
    report,
  };
}

const withoutNotes = <T extends { notes?: string | undefined }>({
  notes: _notes,
  ...rest
}: T): Omit<T, 'notes'> => rest;

/**
 * The timeline as police see it: the debrief and its follow-up are the clinic's, and the crisis service's
 * notes its own; the rest is there as in the record.
 */
function timelineForPolice(timeline: CaseView['timeline']): CaseView['timeline'] {
  return timeline.map(({ recorded, ...entry }) => {
    const kept = recorded
      ?.filter((e) => e.kind !== 'debrief' && e.kind !== 'followUp')
      .map((e): RecordEntry => (e.kind === 'crisisAssessment' ? withoutNotes(e) : e));
    return kept && kept.length > 0 ? { ...entry, recorded: kept } : entry;
  });
}

function ambulanceView(view: CaseView): AmbulanceView {
  const { notes: _notes, ...riskFactors } = view.report.riskFactors;
  const { name, dateOfBirth, description, clothing, photoRef, sex, heightCm, build } = view.report.person;
  const { distinguishingMarks, languages } = view.report.person;
  return {
    caseId: view.caseId,
    status: view.status,
    region: view.region,
    institutionId: view.institutionId,
    urgent: view.urgent,
    risk: view.risk,
    locatedAt: view.locatedAt,
    transportMode: view.transportMode,
    legal: view.legal,
    tasks: view.tasks.filter((t) => t.role === 'ambulance' || t.task === 'arrange_transport'),
    deliveries: view.deliveries.filter((d) => d.party === 'ambulance'),
    transport: latestTransport(view),
    person: {
      name,
      dateOfBirth,
      description,
      ...(clothing !== undefined && { clothing }),
      ...(photoRef !== undefined && { photoRef }),
      ...(sex !== undefined && { sex }),
      ...(heightCm !== undefined && { heightCm }),
      ...(build !== undefined && { build }),
      distinguishingMarks,
      languages,
    },
    timeCriticalNeeds: view.report.timeCriticalNeeds,
    ...(view.report.medicationOnHand !== undefined && { medicationOnHand: view.report.medicationOnHand }),
    riskFactors,
    clinicContact: view.report.clinicContact,
  };
}

function latestTransport(view: CaseView): AmbulanceView['transport'] {
  const last = view.transports.at(-1);
  return last ? { mode: last.mode, pickup: last.pickup, destination: last.destination } : null;
}

function crisisServiceView(view: CaseView): CrisisServiceView {
  const { notes: _notes, ...riskFactors } = view.report.riskFactors;
  const { name, dateOfBirth, description, languages } = view.report.person;
  return {
    caseId: view.caseId,
    status: view.status,
    region: view.region,
    institutionId: view.institutionId,
    locatedAt: view.locatedAt,
    legal: view.legal,
    tasks: view.tasks.filter((t) => t.role === 'crisis_service'),
    crisisAssessments: view.crisisAssessments,
    person: { name, dateOfBirth, description, languages },
    foundAt: view.finds.map(({ at, place }) => ({ at, place })),
    timeCriticalNeeds: view.report.timeCriticalNeeds,
    ...(view.report.medicationOnHand !== undefined && { medicationOnHand: view.report.medicationOnHand }),
    riskFactors,
    clinicContact: view.report.clinicContact,
  };
}

function contactPersonView(view: CaseView, at: string): ContactPersonView | null {
  if (!familyContactAllowed(view, at)) return null;
  return {
    caseId: view.caseId,
    status: view.status,
    found: view.locatedAt !== null || view.returnedAt !== null,
    returnedAt: view.returnedAt,
    outcome: view.outcome,
    closedAt: view.closedAt,
    clinicPhone24x7: view.report.clinicContact.phone24x7,
  };
}

/**
 * One party's projection of a case: the only shape in which case data leaves the engine, over the API or
 * in a notification. `at` is when the disclosure happens (consents expire).
 */
export function projectCase<P extends Party>(party: P, view: CaseView, at: string): PartyView[P] {
  const projections: { [K in Party]: () => PartyView[K] } = {
    clinic: () => view,
    police_desk: () => policeView(view),
    police_supervisor: () => policeView(view),
    ambulance: () => ambulanceView(view),
    crisis_service: () => crisisServiceView(view),
    contact_person: () => contactPersonView(view, at),
  };
  return projections[party]();
}
