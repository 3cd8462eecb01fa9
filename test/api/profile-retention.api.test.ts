import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { dateAt, startOfDay } from '../../machines/amsterdam-time';
import { profileWorkflowId } from '../../machines/profile.events';
import { profileAbsencesQuery } from '../../workflows/profile.messages';
import { ApiHarness } from '../support/api-harness';
import { aKeptProfile, aPatientNumber, theFacts } from '../support/profiles';

const api = new ApiHarness('profile-retention-api-test');

const clinic: Principal = { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' };
const otherClinic: Principal = { sub: 'clinician.oost', role: 'clinic', institutionId: 'ggz-oost' };
const POLL = { timeout: 30_000 };

beforeAll(() => api.start(), 120_000);
afterAll(() => api.stop());

async function aProfile(): Promise<string> {
  const created = await api.call('POST', '/v1/profiles', {
    as: clinic,
    key: api.key(),
    body: { ...aKeptProfile(new Date().toISOString().slice(0, 10)), patientNumber: aPatientNumber() },
  });
  expect(created.status).toBe(201);
  return created.body.profileId as string;
}
const post = (profileId: string, what: string, body: unknown, as = clinic, key: string | null = api.key()) =>
  api.call('POST', `/v1/profiles/${profileId}/${what}`, { as, body, ...(key !== null && { key }) });
const erase = (profileId: string, as = clinic, key = api.key()) =>
  post(profileId, 'erasure', { reason: 'consent_withdrawn' }, as, key);

describe('erasure of a profile on request', () => {
  it('erases the profile when no case from it is open, answering the counts; then it is 404', async () => {
    const profileId = await aProfile();

    const answer = await erase(profileId);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      profileId,
      ground: 'on_request',
      erased: { versions: 1, photos: 0, tasks: 0, patientKeys: 1 },
    });
    expect((await api.call('GET', `/v1/profiles/${profileId}`, { as: clinic })).status).toBe(404);
    const ledger = await api.records.profileErasures.since(new Date(0));
    expect(JSON.stringify(ledger)).not.toContain(profileId);
  });

  it('answers a retry with the same key as the first time, though the profile is gone', async () => {
    const profileId = await aProfile();
    const key = api.key();
    const first = await erase(profileId, clinic, key);

    const retry = await erase(profileId, clinic, key);

    expect(retry.status).toBe(first.status);
    expect(retry.body).toEqual(first.body);
  });

  it('refuses with 409 naming why while a case filed from the profile is open', async () => {
    const profileId = await aProfile();
    const filed = await post(profileId, 'reports', theFacts());
    expect(filed.status).toBe(201);
    // The case tells its profile when it starts: only then does the profile know a search is on.
    await expect
      .poll(
        () =>
          api.client.workflow
            .getHandle(profileWorkflowId(profileId))
            .query(profileAbsencesQuery)
            .then((a) => a.length),
        POLL,
      )
      .toBe(1);

    const answer = await erase(profileId);

    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ reason: 'case_open', profileId });
    expect(answer.body.detail).toMatch(/case filed from this profile is still open/);
    expect((await api.call('GET', `/v1/profiles/${profileId}`, { as: clinic })).status).toBe(200);
  });

  it("answers 404 to another clinic asking to erase this clinic's profile, and erases nothing", async () => {
    const profileId = await aProfile();

    const answer = await erase(profileId, otherClinic);

    expect(answer.status).toBe(404);
    expect((await api.call('GET', `/v1/profiles/${profileId}`, { as: clinic })).status).toBe(200);
  });

  it('refuses a reason it does not know with 400 naming the field', async () => {
    const profileId = await aProfile();

    const answer = await post(profileId, 'erasure', { reason: 'because' });

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'body.reason' })]);
  });

  it('refuses free text beside the reason, naming it', async () => {
    const profileId = await aProfile();

    const answer = await post(profileId, 'erasure', {
      reason: 'objection',
      note: 'wil niet meer gevolgd worden',
    });

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'body.note' })]);
  });

  it('asks for an Idempotency-Key', async () => {
    const profileId = await aProfile();

    const answer = await post(profileId, 'erasure', { reason: 'objection' }, clinic, null);

    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/header/);
  });
});

describe('discharge and readmission', () => {
  it('answers when the profile will be erased: 180 days after the start of the discharge day', async () => {
    const profileId = await aProfile();
    const today = dateAt(new Date().toISOString());
    const key = api.key();

    const answer = await post(profileId, 'discharge', { dischargedOn: today }, clinic, key);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      profileId,
      dischargedOn: today,
      eraseAt: new Date(Date.parse(startOfDay(today)) + 180 * 86_400_000).toISOString(),
    });
    const retry = await post(profileId, 'discharge', { dischargedOn: today }, clinic, key);
    expect(retry.body).toEqual(answer.body);
  });

  it('refuses a discharge on a day that has not begun with 400 naming the field', async () => {
    const profileId = await aProfile();
    const nextWeek = dateAt(new Date(Date.now() + 7 * 86_400_000).toISOString());

    const answer = await post(profileId, 'discharge', { dischargedOn: nextWeek });

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: 'body.dischargedOn', message: 'lies in the future' }]);
  });

  it('refuses a discharge day that is not a date with 400 naming the field', async () => {
    const profileId = await aProfile();

    const answer = await post(profileId, 'discharge', { dischargedOn: 'gisteren' });

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'body.dischargedOn' })]);
  });

  it('takes a discharge back on readmission, and refuses a readmission without one with 409', async () => {
    const profileId = await aProfile();
    expect((await post(profileId, 'readmission', {})).status).toBe(409);
    await post(profileId, 'discharge', { dischargedOn: dateAt(new Date().toISOString()) });

    const answer = await post(profileId, 'readmission', {});

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ profileId, kept: true });
  });

  it('answers 404 to another clinic recording a discharge', async () => {
    const profileId = await aProfile();

    const answer = await post(profileId, 'discharge', { dischargedOn: '2026-01-05' }, otherClinic);

    expect(answer.status).toBe(404);
  });
});
