import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileWorkflows } from '../../api/profile-workflow';
import { Problem } from '../../api/problems';
import { dateAt, startOfDay } from '../../machines/amsterdam-time';
import { profileWorkflowId } from '../../machines/profile.events';
import type { ProfileView } from '../../machines/profile.schema';
import { profileAbsencesQuery } from '../../workflows/profile.messages';
import { CaseHarness } from '../support/case-harness';
import { clinician, farTitle, police } from '../support/fixtures';
import { aToldProfile, profileWorkflowsOn } from '../support/profiles';

const TASK_QUEUE = 'profile-retention-test';
const POLL = { timeout: 20_000 };

/**
 * A profile's retention on the time-skipping server: erased by its workflow a policy period (180 days)
 * after discharge unless the patient is readmitted, and on request unless a case from it is open; each
 * erasure logged as counts only.
 */
describe('profile retention (time-skipping server)', () => {
  const h = new CaseHarness(TASK_QUEUE);
  let workflows: ProfileWorkflows;
  beforeAll(async () => {
    await h.start();
    workflows = profileWorkflowsOn(h, TASK_QUEUE);
  });
  afterAll(() => h.stop());

  const records = () => h.parties.records;
  let updates = 0;
  const updateId = () => `retention-${process.pid}-${++updates}`;
  const aProfile = () => aToldProfile(h, workflows);
  const discharge = async (view: ProfileView) =>
    workflows.discharge(
      view,
      {
        at: (await h.now()).toISOString(),
        by: clinician,
        dischargedOn: dateAt((await h.now()).toISOString()),
      },
      updateId(),
    );
  const ledger = () => records().profileErasures.since(new Date(0));
  const handleOf = (view: ProfileView) => h.env.client.workflow.getHandle(profileWorkflowId(view.profileId));

  it('erases the profile 180 days after discharge, logs the counts, and ends its workflow', async () => {
    const view = await aProfile();
    const today = dateAt((await h.now()).toISOString());
    const receipt = await discharge(view);
    expect(receipt).toEqual({
      profileId: view.profileId,
      dischargedOn: today,
      eraseAt: new Date(Date.parse(startOfDay(today)) + 180 * 86_400_000).toISOString(),
    });
    const before = (await ledger()).length;

    await h.advance('179 days');
    expect(await records().profiles.get(view.profileId)).toBeDefined();

    await h.advance('2 days');
    await expect.poll(() => records().profiles.get(view.profileId), POLL).toBeUndefined();
    expect(await records().profiles.versions(view.profileId)).toEqual([]);
    const logged = await ledger();
    expect(logged.slice(before)).toEqual([
      {
        at: receipt.eraseAt,
        ground: 'after_discharge',
        reason: null,
        versions: 1,
        photos: 0,
        tasks: 0,
        patientKeys: 1,
      },
    ]);
    await expect(handleOf(view).result()).resolves.toBeUndefined();
  });

  it('keeps a profile whose patient was readmitted after discharge', async () => {
    const view = await aProfile();
    await discharge(view);
    await workflows.readmit(view, { at: (await h.now()).toISOString(), by: clinician }, updateId());

    await h.advance('200 days');

    expect(await records().profiles.get(view.profileId)).toBeDefined();
    expect((await handleOf(view).describe()).status.name).toBe('RUNNING');
  });

  it('refuses erasure on request while a case filed from the profile is open, and erases once it closed', async () => {
    const view = await aProfile();
    const filed = await h.file({
      legalTitle: farTitle,
      fromProfile: { profileId: view.profileId, version: view.version },
    });
    const request = async () =>
      workflows.requestErasure(
        view,
        { at: (await h.now()).toISOString(), by: clinician, reason: 'consent_withdrawn' },
        updateId(),
      );
    // The case tells its profile when it starts: wait until it has, or the request would be honoured.
    await expect
      .poll(
        () =>
          handleOf(view)
            .query(profileAbsencesQuery)
            .then((a) => a.length),
        POLL,
      )
      .toBe(1);
    const refused = await request().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Problem);
    expect(refused).toMatchObject({ status: 409, extras: { reason: 'case_open' } });
    expect(await records().profiles.get(view.profileId)).toBeDefined();

    await h.cases.command(filed.caseId, 'case.close', {
      commandId: `close-${filed.caseId}`,
      by: police,
      outcome: 'returned_on_own',
    } as never);
    await h.env.client.workflow.getHandle(filed.caseId).result();

    await expect
      .poll(
        () =>
          request()
            .then((r) => r.erased)
            .catch(() => undefined),
        POLL,
      )
      .toEqual({ versions: 1, photos: 0, tasks: 0, patientKeys: 1 });
    expect(await records().profiles.get(view.profileId)).toBeUndefined();
    expect(await records().cases.get(filed.caseId)).toBeDefined();
  });
});
