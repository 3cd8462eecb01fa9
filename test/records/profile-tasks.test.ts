import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileTask } from '../../machines/profile.events';
import type { RecordsStore } from '../../records/records.store';
import { clinician } from '../support/fixtures';
import { aKeptProfile, aPatientNumber } from '../support/profiles';
import { openTestRecords } from '../support/records';

describe('profile tasks in the records store', () => {
  let records: RecordsStore;
  beforeAll(async () => {
    records = await openTestRecords();
  });
  afterAll(() => records?.database.close());

  const aProfileOf = async (institutionId: string) => {
    const created = await records.profiles.create({
      institutionId,
      patientNumber: aPatientNumber(),
      profile: aKeptProfile('2026-10-01'),
      by: clinician,
    });
    if (!created.created) throw new Error('a new patient has no profile yet');
    return created.view.profileId;
  };
  const review: ProfileTask = {
    kind: 'profile_review',
    openedAt: '2026-04-05T09:00:00.000Z',
    dueAt: '2026-04-05T09:00:00.000Z',
    reasons: ['review_due', 'photo_old'],
    doneAt: null,
    doneBy: null,
  };
  const done = { ...review, doneAt: '2026-04-07T10:00:00.000Z', doneBy: clinician };

  it("lists an institution's open tasks with their ward, and no other institution's", async () => {
    const ours = await aProfileOf('ggz-noord');
    const theirs = await aProfileOf('ggz-oost');
    await records.profileTasks.save({
      profileId: ours,
      institutionId: 'ggz-noord',
      ward: 'De Linde',
      tasks: [review],
    });
    await records.profileTasks.save({
      profileId: theirs,
      institutionId: 'ggz-oost',
      ward: 'Oost 2',
      tasks: [review],
    });
    const { items } = await records.profileTasks.open({ institutionId: 'ggz-noord', limit: 50 });
    expect(items).toContainEqual({
      ...review,
      profileId: ours,
      institutionId: 'ggz-noord',
      ward: 'De Linde',
    });
    expect(items.map((i) => i.profileId)).not.toContain(theirs);
  });

  it('keeps a task done once it is done, whatever a late write says', async () => {
    const profileId = await aProfileOf('ggz-noord');
    const write = { profileId, institutionId: 'ggz-noord', ward: 'De Linde' };
    await records.profileTasks.save({ ...write, tasks: [review] });
    await records.profileTasks.save({ ...write, tasks: [done] });
    await records.profileTasks.save({ ...write, tasks: [review] });
    expect(await records.profileTasks.of(profileId)).toEqual([done]);
    const { items } = await records.profileTasks.open({ institutionId: 'ggz-noord', limit: 50 });
    expect(items.map((i) => i.profileId)).not.toContain(profileId);
  });

  it('writes a retried write once', async () => {
    const profileId = await aProfileOf('ggz-noord');
    const write = { profileId, institutionId: 'ggz-noord', ward: 'De Linde', tasks: [review] };
    await records.profileTasks.save(write);
    await records.profileTasks.save(write);
    expect(await records.profileTasks.of(profileId)).toEqual([review]);
  });
});
