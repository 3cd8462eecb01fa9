import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { institutionPartition } from '../../machines/access-record.schema';
import { dateAt } from '../../machines/amsterdam-time';
import type { ProfileAbsence } from '../../machines/absence-history.schema';
import { exampleBody } from '../support/action-examples';
import { ApiHarness } from '../support/api-harness';
import { aProfileInput } from '../support/fixtures';
import { aPatientNumber, theFacts } from '../support/profiles';

const api = new ApiHarness('profile-absences-api-test');

const clinic: Principal = { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' };
const otherClinic: Principal = { sub: 'clinician.oost', role: 'clinic', institutionId: 'ggz-oost' };
const desk: Principal = { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' };
const supervisor: Principal = { sub: 'chief.noord', role: 'police_supervisor', region: 'noord-nl' };

/** A ward of this run alone, so what other specs file on a ward never counts in these rates. */
const ward = `Herhaal-${process.pid}-${Date.now()}`;

/** What the clinic learnt in each debrief, in the order the absences were filed. */
const debriefs = [
  {
    whatHappened: 'nam de trein naar zijn zus',
    pushFactors: ['drukte op de afdeling'],
    pullFactors: ['zus'],
  },
  { whatHappened: 'liep naar het park', pushFactors: [], pullFactors: ['het park'], plansUpdated: true },
  { whatHappened: 'ging naar de kroeg', pushFactors: ['ruzie met medepatiënt'], pullFactors: [] },
];

/** A new profile of ggz-noord on a ward (this run's own unless told): its id. */
async function aProfileId(onWard = ward): Promise<string> {
  const res = await api.call('POST', '/v1/profiles', {
    as: clinic,
    key: api.key(),
    body: {
      ...aProfileInput({ clinicContact: { ...aProfileInput().clinicContact, ward: onWard } }),
      patientNumber: aPatientNumber(),
    },
  });
  if (res.status !== 201) throw new Error(`creating failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.profileId as string;
}

/** Files a report from the profile, as its clinic does when the patient is gone: the new case's id. */
async function fileFrom(profileId: string): Promise<string> {
  const res = await api.call('POST', `/v1/profiles/${profileId}/reports`, {
    as: clinic,
    key: api.key(),
    body: theFacts({ urgent: false, proposedRisk: 'medium' }),
  });
  if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.caseId as string;
}

/** Sends a lifecycle action, and fails loudly when the case refuses it. */
async function act(as: Principal, caseId: string, path: string, body: object): Promise<void> {
  const res = await api.call('POST', `/v1/cases/${caseId}/${path}`, { as, key: api.key(), body });
  if (res.status !== 200) throw new Error(`${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Police find the patient, the clinic has them back and holds the debrief: the case closes `returned`. */
async function bringBack(caseId: string, debrief: object): Promise<void> {
  await act(desk, caseId, 'acknowledge', exampleBody('police.acknowledge'));
  await act(desk, caseId, 'located', exampleBody('case.record_located'));
  await act(clinic, caseId, 'confirm-return', {});
  await act(clinic, caseId, 'debrief', { safeAndWell: true, ...debrief });
}

const absencesOf = (profileId: string, as: Principal = clinic, query = '') =>
  api.call('GET', `/v1/profiles/${profileId}/absences${query}`, { as });

/** A profile with three absences filed from it, all three closed after a debrief; the cases oldest first. */
let repeater: { profileId: string; caseIds: string[] };

beforeAll(async () => {
  await api.start();
  const profileId = await aProfileId();
  const caseIds: string[] = [];
  for (const debrief of debriefs) {
    const caseId = await fileFrom(profileId);
    await bringBack(caseId, debrief);
    caseIds.push(caseId);
  }
  repeater = { profileId, caseIds };
}, 180_000);
afterAll(() => api.stop());

describe('GET /v1/profiles/{id}/absences', () => {
  it('shows each absence newest first, with its version, time away, outcome and what the debrief said', async () => {
    const res = await absencesOf(repeater.profileId);

    expect(res.status).toBe(200);
    expect(res.body.absences.map((a: ProfileAbsence) => a.caseId)).toEqual([...repeater.caseIds].reverse());
    const [newest] = res.body.absences as ProfileAbsence[];
    const stored = (await api.records.cases.get(repeater.caseIds[2]!))!.view;
    expect(newest).toEqual({
      caseId: repeater.caseIds[2],
      profileVersion: 1,
      reportedAt: stored.reportedAt,
      endedAt: stored.returnedAt,
      awayMs: Date.parse(stored.returnedAt!) - Date.parse(stored.reportedAt),
      outcome: 'returned',
      why: { ...debriefs[2], plansUpdated: false },
    });
    expect(res.body.absences[1].why).toEqual(debriefs[1]);
  });

  it('counts the absences within the policy’s window and says when they reach its threshold', async () => {
    const res = await absencesOf(repeater.profileId);

    expect(res.body.profileId).toBe(repeater.profileId);
    expect(res.body.window).toEqual({ days: 90, threshold: 3, count: 3, repeat: true });
  });

  it('shows an absence without a debrief yet, still open, with nothing about why', async () => {
    const profileId = await aProfileId(`${ward}-open`);
    const caseId = await fileFrom(profileId);

    const res = await absencesOf(profileId);

    expect(res.status).toBe(200);
    expect(res.body.window).toEqual({ days: 90, threshold: 3, count: 1, repeat: false });
    expect(res.body.absences).toEqual([
      expect.objectContaining({ caseId, endedAt: null, awayMs: null, outcome: null, why: null }),
    ]);
  });

  it('puts every read on record: the history in the profile’s log, each debrief shown in its case’s', async () => {
    const before = await readsOf(repeater.profileId);
    const caseReadsBefore = await Promise.all(repeater.caseIds.map(caseReadsOf));

    const res = await absencesOf(repeater.profileId, clinic, '?days=30');

    expect(res.status).toBe(200);
    expect((await readsOf(repeater.profileId)).slice(before.length)).toEqual([
      { by: { id: clinic.sub, role: 'clinic' }, resource: 'profile_absences' },
    ]);
    for (const [i, caseId] of repeater.caseIds.entries()) {
      expect((await caseReadsOf(caseId)).slice(caseReadsBefore[i]!.length), caseId).toEqual([
        { by: { id: clinic.sub, role: 'clinic' }, resource: 'debrief' },
      ]);
    }
  });

  it('answers another clinic the 404 a profile read gives it, and records no read', async () => {
    const before = await readsOf(repeater.profileId);

    const res = await absencesOf(repeater.profileId, otherClinic);
    const read = await api.call('GET', `/v1/profiles/${repeater.profileId}`, { as: otherClinic });

    expect(res.status).toBe(404);
    expect(res.body.detail).toBe(read.body.detail);
    expect(res.body.detail).toBe(`no profile ${repeater.profileId}`);
    expect(await readsOf(repeater.profileId)).toEqual(before);
  });

  it.each([
    ['the police desk', desk],
    ['the police supervisor', supervisor],
  ])('answers %s 404, and records no read', async (_who, as) => {
    const before = await readsOf(repeater.profileId);

    const res = await absencesOf(repeater.profileId, as);

    expect(res.status).toBe(404);
    expect(await readsOf(repeater.profileId)).toEqual(before);
  });

  it('looks further back with ?days=, and refuses days beyond 730 or not a whole number with 400 naming it', async () => {
    expect((await absencesOf(repeater.profileId, clinic, '?days=730')).status).toBe(200);
    for (const days of ['731', '0', 'many', '1.5']) {
      const res = await absencesOf(repeater.profileId, clinic, `?days=${days}`);
      expect(res.status, days).toBe(400);
      expect(res.body.errors, days).toEqual([{ path: 'query.days', message: expect.any(String) }]);
    }
  });

  it('refuses a query parameter it does not take with 400 naming it', async () => {
    const res = await absencesOf(repeater.profileId, clinic, '?since=2026-01-01');

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'query.since', message: expect.any(String) }]);
  });
});

describe('GET /v1/ward-rates', () => {
  it('counts a ward’s absences this month, the repeats among them, and the patients, without naming any', async () => {
    const other = await aProfileId();
    await fileFrom(other);

    const res = await api.call('GET', '/v1/ward-rates', { as: clinic });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ institutionId: 'ggz-noord', months: 12, window: { days: 90 } });
    const month = dateAt(new Date().toISOString()).slice(0, 7);
    // Four absences of two patients: the second and third of the first patient repeat an earlier one.
    expect(res.body.rates.filter((r: { ward: string }) => r.ward === ward)).toEqual([
      { ward, month, absences: 4, repeatAbsences: 2, patients: 2 },
    ]);
    const text = JSON.stringify(res.body);
    for (const id of [repeater.profileId, other, ...repeater.caseIds]) expect(text).not.toContain(id);
  });

  it('covers `months` calendar months up to this one', async () => {
    const res = await api.call('GET', '/v1/ward-rates?months=3', { as: clinic });
    const now = dateAt(new Date().toISOString());
    const [year, month] = now.split('-').map(Number) as [number, number];
    const first = new Date(Date.UTC(year, month - 1 - 2, 1)).toISOString().slice(0, 7);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ months: 3, from: first });
  });

  it('shows another clinic only its own institution’s wards', async () => {
    const res = await api.call('GET', '/v1/ward-rates', { as: otherClinic });

    expect(res.status).toBe(200);
    expect(res.body.institutionId).toBe('ggz-oost');
    expect(res.body.rates.map((r: { ward: string }) => r.ward)).not.toContain(ward);
  });

  it.each([
    ['the police desk', desk],
    ['the police supervisor', supervisor],
  ])('refuses %s with 403', async (_who, as) => {
    const res = await api.call('GET', '/v1/ward-rates', { as });

    expect(res.status).toBe(403);
  });

  it('refuses months beyond 36 or not a whole number with 400 naming it', async () => {
    for (const months of ['37', '0', 'twelve']) {
      const res = await api.call('GET', `/v1/ward-rates?months=${months}`, { as: clinic });
      expect(res.status, months).toBe(400);
      expect(res.body.errors, months).toEqual([{ path: 'query.months', message: expect.any(String) }]);
    }
  });
});

/** The reads of one profile on record, oldest first. */
async function readsOf(profileId: string) {
  const { items } = await api.records.accessLog.list({
    region: institutionPartition('ggz-noord'),
    caseId: profileId,
    limit: 100,
  });
  return items.map((r) => ({ by: r.by, resource: r.resource }));
}

/** The reads of one case on record in its region's log, oldest first. */
async function caseReadsOf(caseId: string) {
  const { items } = await api.records.accessLog.list({ region: 'noord-nl', caseId, limit: 100 });
  return items.map((r) => ({ by: r.by, resource: r.resource }));
}
