import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordsStore } from '../../records/records.store';
import { clinician } from '../support/fixtures';
import { aKeptProfile, aPatientNumber } from '../support/profiles';
import { openTestRecords } from '../support/records';

const AT = new Date('2026-07-03T23:00:00.000Z');

describe('erasing a profile in the records store', () => {
  let records: RecordsStore;
  beforeAll(async () => {
    records = await openTestRecords();
  });
  afterAll(() => records?.database.close());

  /** A profile of two versions, a photo and a task: every kind of row an erasure takes. */
  async function aFullProfile(patientNumber = aPatientNumber()) {
    const created = await records.profiles.create({
      institutionId: 'ggz-noord',
      patientNumber,
      profile: aKeptProfile('2026-05-01'),
      by: clinician,
    });
    if (!created.created) throw new Error('a new patient has no profile yet');
    const { profileId } = created.view;
    await records.profiles.review(profileId, clinician);
    await records.profilePhotos.store({
      profileId,
      contentType: 'image/png',
      bytes: Buffer.from(`a photo of ${profileId}`),
      uploadedAt: new Date(),
      uploadedByRole: 'clinic',
    });
    await records.profileTasks.save({
      profileId,
      institutionId: 'ggz-noord',
      ward: 'De Linde',
      tasks: [
        {
          kind: 'profile_review',
          openedAt: '2026-04-05T09:00:00.000Z',
          dueAt: '2026-04-05T09:00:00.000Z',
          reasons: ['review_due'],
          doneAt: null,
          doneBy: null,
        },
      ],
    });
    return profileId;
  }
  const erase = (profileId: string) =>
    records.profileErasures.erase({ profileId, ground: 'on_request', reason: 'objection', at: AT });

  it('erases the versions, photos, tasks and patient key of a profile, and answers the counts', async () => {
    const profileId = await aFullProfile();

    expect(await erase(profileId)).toEqual({ versions: 2, photos: 1, tasks: 1, patientKeys: 1 });

    expect(await records.profiles.get(profileId)).toBeUndefined();
    expect(await records.profiles.versions(profileId)).toEqual([]);
    expect(await records.profileTasks.of(profileId)).toEqual([]);
    const photos = await records.database.db
      .selectFrom('profile_photos')
      .select('sha256')
      .where('profile_id', '=', profileId)
      .execute();
    expect(photos).toEqual([]);
  });

  it('forgets the patient: the same number makes a new profile, not the erased one', async () => {
    const patientNumber = aPatientNumber();
    const profileId = await aFullProfile(patientNumber);
    await erase(profileId);

    const again = await records.profiles.create({
      institutionId: 'ggz-noord',
      patientNumber,
      profile: aKeptProfile('2026-05-01'),
      by: clinician,
    });

    expect(again.created).toBe(true);
    expect(again.created && again.view.profileId).not.toBe(profileId);
  });

  it("leaves every other profile's rows alone", async () => {
    const kept = await aFullProfile();
    await erase(await aFullProfile());

    expect((await records.profiles.get(kept))?.version).toBe(2);
    expect(await records.profileTasks.of(kept)).toHaveLength(1);
  });

  it('logs one row of counts and why, naming no profile, patient or institution', async () => {
    const profileId = await aFullProfile();
    await erase(profileId);

    const rows = await records.database.db.selectFrom('profile_erasures').selectAll().execute();
    expect(rows.at(-1)).toEqual({
      id: expect.anything(),
      at: AT,
      ground: 'on_request',
      reason: 'objection',
      versions: 2,
      photos: 1,
      tasks: 1,
      patient_keys: 1,
    });
    expect(JSON.stringify(rows)).not.toMatch(new RegExp(`${profileId}|ggz-noord|Karel`));
  });

  it('erases and logs nothing for a profile already erased: a retry answers null', async () => {
    const profileId = await aFullProfile();
    await erase(profileId);
    const logged = (await records.profileErasures.since(new Date(0))).length;

    expect(await erase(profileId)).toBeNull();

    expect(await records.profileErasures.since(new Date(0))).toHaveLength(logged);
  });
});
