import { describe, expect, it } from 'vitest';
import { actionBodySchema } from '../../../api/case-actions';
import { ProfileSchema } from '../../../machines/profile.schema';
import { CaseReportSchema } from '../../../machines/report.schema';
import { emptyValues, fromBody, toBody, type FormValues } from './form-values';
import { allPaths, fieldsOf, without } from './schema-fields';
import { placeServerErrors } from './server-errors';
import { dependentFields } from './visibility';

// As the clinic's form asks it: a report it files is never one from a profile.
const report = without(fieldsOf(CaseReportSchema), ['fromProfile']);

function filledReport(): FormValues {
  const values = emptyValues(report) as Record<string, Record<string, unknown>>;
  return {
    ...values,
    reportId: 'demo-001',
    institutionId: 'ggz-noord',
    region: 'noord-nl',
    kind: { unauthorisedAbsence: false, missing: true },
    proposedRisk: 'medium',
    absenceNoticedAt: '24-11-2026 09:00',
    lastSeen: { at: '24-11-2026 08:40', place: 'Tuin' },
    person: {
      ...values.person,
      name: 'Jan',
      dateOfBirth: '1990-04-01',
      description: 'slank',
      languages: 'nl\n\n en ',
    },
    riskFactors: { ...values.riskFactors },
    legalTitle: { ...values.legalTitle, kind: 'none', startsOn: '2026-01-01' },
    clinicContact: { ward: 'De Linde', responsibleClinician: 'dr. B', phone24x7: '+31 592' },
    consents: {
      familyContact: { given: true, recordedBy: 'dr. B', expiresAt: '' },
      publicAppeal: { given: false, recordedBy: 'dr. B', expiresAt: '' },
    },
  };
}

describe('fieldsOf', () => {
  it('reads every field of the report, nested groups and lists included', () => {
    const paths = allPaths(report);
    for (const path of [
      'reportId',
      'person.name',
      'legalTitle.startsOn',
      'timeCriticalNeeds',
      'consents.publicAppeal.given',
    ])
      expect(paths).toContain(path);
  });

  it('leaves out fields a form does not ask for', () => {
    expect(allPaths(without(report, ['person.photoRef']))).not.toContain('person.photoRef');
  });
});

describe('toBody', () => {
  it('makes a report the schema accepts: times as instants, lists split, blanks left out', () => {
    const body = toBody(report, filledReport(), dependentFields);
    const parsed = CaseReportSchema.safeParse(body);
    expect(parsed.success).toBe(true);
    expect(body.absenceNoticedAt).toBe('2026-11-24T08:00:00.000Z');
    expect((body.person as Record<string, unknown>).languages).toEqual(['nl', 'en']);
    expect((body.person as Record<string, unknown>).phone).toBeUndefined();
  });

  it('leaves out an optional group left blank, though its fields are required once it is given', () => {
    const profile = fieldsOf(ProfileSchema);
    const blank = toBody(profile, emptyValues(profile), dependentFields);
    expect(blank.plans).toBeUndefined();
    expect(blank.photo).toBeUndefined();

    const begun = emptyValues(profile) as Record<string, Record<string, Record<string, unknown>>>;
    begun.plans!.crisiskaart!.madeBy = 'dr. B';
    expect(toBody(profile, begun, dependentFields).plans).toEqual({
      crisiskaart: { text: '', madeBy: 'dr. B' },
    });
  });

  it("drops a title's dates while its kind is none", () => {
    const body = toBody(report, filledReport(), dependentFields);
    expect(body.legalTitle).toEqual({ kind: 'none' });
  });

  it('names the fields that are wrong with the paths the form uses', () => {
    const values = { ...filledReport(), reportId: '', lastSeen: { at: 'tomorrow', place: 'Tuin' } };
    const parsed = CaseReportSchema.safeParse(toBody(report, values, dependentFields));
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['reportId', 'lastSeen.at']));
    for (const path of paths) expect(allPaths(report)).toContain(path);
  });

  it('leaves out a police reason unless the transport is by police', () => {
    const transport = fieldsOf(actionBodySchema('transport.arrange'));
    const values = {
      mode: 'ambulance',
      pickup: 'A',
      destination: 'B',
      policeReason: { kind: 'offence', details: 'x' },
    };
    expect(toBody(transport, values, dependentFields)).toEqual({
      mode: 'ambulance',
      pickup: 'A',
      destination: 'B',
    });
  });
});

describe('fromBody', () => {
  it('turns a body back into the values that make it', () => {
    const body = toBody(report, filledReport(), dependentFields);
    expect(toBody(report, fromBody(report, body), dependentFields)).toEqual(body);
  });
});

describe('placeServerErrors', () => {
  it("puts the API's errors on the field they name, or on the list they are an item of", () => {
    const placed: Record<string, string> = {};
    const unplaced = placeServerErrors(
      [
        { path: 'body.person.name', message: 'too short' },
        { path: 'body.person.languages.1', message: 'too long' },
        { path: 'header.idempotency-key', message: 'missing' },
      ],
      report,
      (path, message) => (placed[path] = message),
    );
    expect(placed).toEqual({ 'person.name': 'too short', 'person.languages': 'too long' });
    expect(unplaced).toEqual([{ path: 'header.idempotency-key', message: 'missing' }]);
  });
});
