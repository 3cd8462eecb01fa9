import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { ApiHarness } from '../support/api-harness';
import { aKeptProfile, aPatientNumber, theFacts } from '../support/profiles';

const api = new ApiHarness('profile-tasks-api-test');

const clinic: Principal = { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' };
const otherClinic: Principal = { sub: 'clinician.oost', role: 'clinic', institutionId: 'ggz-oost' };
const police: Principal = { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' };
const crisis: Principal = { sub: 'crisis.noord', role: 'crisis_service', region: 'noord-nl' };

/** A profile of ggz-noord with a repeat review open: three absences filed from it. */
let profileId: string;

beforeAll(async () => {
  await api.start();
  const created = await api.call('POST', '/v1/profiles', {
    as: clinic,
    key: api.key(),
    body: { ...aKeptProfile(new Date().toISOString().slice(0, 10)), patientNumber: aPatientNumber() },
  });
  expect(created.status).toBe(201);
  profileId = created.body.profileId;
  for (let i = 0; i < 3; i++) {
    const filed = await api.call('POST', `/v1/profiles/${profileId}/reports`, {
      as: clinic,
      key: api.key(),
      body: theFacts(),
    });
    expect(filed.status).toBe(201);
  }
}, 120_000);
afterAll(() => api.stop());

const inbox = (as: Principal) => api.call('GET', '/v1/profile-tasks', { as });
const repeatReviewsOf = async (as: Principal) =>
  ((await inbox(as)).body.items as { profileId: string; kind: string }[]).filter(
    (item) => item.profileId === profileId && item.kind === 'repeat_review',
  );
const complete = (as: Principal, key?: string) =>
  api.call('POST', `/v1/profiles/${profileId}/tasks/repeat_review/complete`, {
    as,
    ...(key !== undefined && { key }),
    body: {},
  });

describe('profile tasks in the inbox', () => {
  it("shows a clinic its institution's repeat review after the third absence filed from a profile", async () => {
    await expect
      .poll(() => repeatReviewsOf(clinic), { timeout: 30_000 })
      .toEqual([
        expect.objectContaining({
          kind: 'repeat_review',
          institutionId: 'ggz-noord',
          ward: 'De Linde',
          dueAt: null,
        }),
      ]);
  });

  it.each([
    ['another clinic', otherClinic],
    ['the police', police],
    ['the crisis service', crisis],
  ])('shows %s none of them', async (_who, as) => {
    await expect.poll(() => repeatReviewsOf(clinic), { timeout: 30_000 }).toHaveLength(1);
    const answer = await inbox(as);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((i: { profileId: string }) => i.profileId)).not.toContain(profileId);
    if (as.role !== 'clinic') expect(answer.body.items).toEqual([]);
  });

  it("lists one profile's open tasks alone when asked by its id, and nothing of it to another clinic", async () => {
    // A second profile of the same clinic, its photo two years old: it asks for a review at once.
    const old = await api.call('POST', '/v1/profiles', {
      as: clinic,
      key: api.key(),
      body: {
        ...aKeptProfile(new Date(Date.now() - 730 * 86_400_000).toISOString().slice(0, 10)),
        patientNumber: aPatientNumber(),
      },
    });
    const oldId = old.body.profileId as string;
    const kindsOf = async (as: Principal, id: string) => {
      const answer = await api.call('GET', `/v1/profile-tasks?profileId=${id}`, { as });
      expect(answer.status).toBe(200);
      return (answer.body.items as { profileId: string; kind: string }[]).map((i) => [i.profileId, i.kind]);
    };
    await expect.poll(() => kindsOf(clinic, oldId), { timeout: 30_000 }).toEqual([[oldId, 'profile_review']]);
    await expect.poll(() => repeatReviewsOf(clinic), { timeout: 30_000 }).toHaveLength(1);
    expect(await kindsOf(clinic, profileId)).toEqual([[profileId, 'repeat_review']]);
    expect(await kindsOf(otherClinic, profileId)).toEqual([]);
  });

  it("answers 404 to another clinic completing this clinic's review", async () => {
    const answer = await complete(otherClinic, api.key());
    expect(answer.status).toBe(404);
  });

  it('asks for an Idempotency-Key to complete a review', async () => {
    const answer = await complete(clinic);
    expect(answer.status).toBe(400);
  });

  it('completes the repeat review once for a retried request, records who, and refuses a second', async () => {
    await expect.poll(() => repeatReviewsOf(clinic), { timeout: 30_000 }).toHaveLength(1);
    const key = api.key();
    const first = await complete(clinic, key);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      profileId,
      task: { kind: 'repeat_review', doneBy: { id: clinic.sub, role: 'clinic' } },
    });
    const retry = await complete(clinic, key);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await repeatReviewsOf(clinic)).toEqual([]);
    const again = await complete(clinic, api.key());
    expect(again.status).toBe(409);
  });
});
