import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileWorkflows } from '../../api/profile-workflow';
import { profileWorkflowId, type ProfileMessage } from '../../machines/profile.events';
import type { ProfileView } from '../../machines/profile.schema';
import {
  absenceReportedSignal,
  profileAbsencesQuery,
  profileReviewedSignal,
} from '../../workflows/profile.messages';
import type { profileWorkflow } from '../../workflows/profile.workflow';
import type { caseWorkflow } from '../../workflows/case.workflow';
import { CaseHarness } from '../support/case-harness';
import { clinician, farTitle, police, testPolicyDocument } from '../support/fixtures';
import { aKeptProfile, aPatientNumber, aToldProfile, profileWorkflowsOn } from '../support/profiles';

const TASK_QUEUE = 'profile-workflow-test';
/** A timer's task and the store write after it take a moment on a busy machine. */
const POLL = { timeout: 20_000 };

/**
 * A profile's workflow on the time-skipping server, started as the API starts it and told of absences by
 * the cases filed from it: its reminders come from durable timers, its tasks land in the records store.
 */
describe('profile workflow (time-skipping server)', () => {
  const h = new CaseHarness(TASK_QUEUE);
  let workflows: ProfileWorkflows;
  beforeAll(async () => {
    await h.start();
    workflows = profileWorkflowsOn(h, TASK_QUEUE);
  });
  afterAll(() => h.stop());

  const records = () => h.parties.records;
  const aProfile = (institutionId?: string) => aToldProfile(h, workflows, institutionId);
  const tasksOf = async (profileId: string) =>
    (await records().profileTasks.of(profileId)).filter((t) => t.doneAt === null).map((t) => t.kind);
  const absencesOf = (profileId: string) =>
    h.env.client.workflow.getHandle(profileWorkflowId(profileId)).query(profileAbsencesQuery);
  const fileFrom = (view: ProfileView) =>
    h.file({ legalTitle: farTitle, fromProfile: { profileId: view.profileId, version: view.version } });

  it('asks for a review 90 days after the profile was last checked, not before', async () => {
    const view = await aProfile();
    await h.advance('89 days');
    expect(await tasksOf(view.profileId)).toEqual([]);
    await h.advance('2 days');
    await expect
      .poll(() => records().profileTasks.of(view.profileId), POLL)
      .toEqual([
        expect.objectContaining({
          kind: 'profile_review',
          dueAt: new Date(Date.parse(view.reviewedAt) + 90 * 86_400_000).toISOString(),
          reasons: ['review_due'],
          doneAt: null,
        }),
      ]);
  });

  it('closes the review reminder when the profile is reviewed', async () => {
    const view = await aProfile();
    await h.advance('91 days');
    await expect.poll(() => tasksOf(view.profileId), POLL).toEqual(['profile_review']);
    const reviewed = await records().profiles.review(view.profileId, clinician, await h.now());
    if (reviewed.outcome !== 'written') throw new Error('the review was not written');
    await workflows.stored(reviewed.view);
    await expect.poll(() => tasksOf(view.profileId), POLL).toEqual([]);
  });

  it('opens a repeat review at the third absence filed from the profile, not at the second', async () => {
    const view = await aProfile();
    await fileFrom(view);
    await h.advance('20 days');
    await fileFrom(view);
    await expect.poll(() => absencesOf(view.profileId).then((a) => a.length), POLL).toBe(2);
    expect(await tasksOf(view.profileId)).toEqual([]);
    await h.advance('20 days');
    await fileFrom(view);
    await expect.poll(() => tasksOf(view.profileId), POLL).toEqual(['repeat_review']);
  });

  it('hears how an absence ended when its case closes', async () => {
    const view = await aProfile();
    const filed = await fileFrom(view);
    await h.cases.command(filed.caseId, 'case.close', {
      commandId: `close-${filed.caseId}`,
      by: police,
      outcome: 'returned_on_own',
    } as never);
    await expect
      .poll(() => absencesOf(view.profileId), POLL)
      .toEqual([expect.objectContaining({ caseId: filed.caseId, outcome: 'returned_on_own' })]);
  });

  it('keeps its absences, tasks and deadlines across a continued run', async () => {
    const now = await h.now();
    const created = await records().profiles.create({
      institutionId: 'ggz-noord',
      patientNumber: aPatientNumber(),
      profile: aKeptProfile(now.toISOString().slice(0, 10)),
      by: clinician,
      at: now,
    });
    if (!created.created) throw new Error('a new patient has no profile yet');
    const { profileId, reviewedAt } = created.view;
    const handle = await h.env.client.workflow.signalWithStart<
      typeof profileWorkflow,
      [ProfileMessage<'profile.reviewed'>]
    >('profileWorkflow', {
      workflowId: profileWorkflowId(profileId),
      taskQueue: TASK_QUEUE,
      args: [
        {
          profileId,
          institutionId: 'ggz-noord',
          ward: 'De Linde',
          policy: testPolicyDocument.profiles,
          historyLimit: 20,
        },
      ],
      signal: profileReviewedSignal,
      signalArgs: [{ at: reviewedAt }],
    });
    const firstRun = handle.signaledRunId;
    for (let i = 1; i <= 6; i++) {
      const at = new Date(now.getTime() + i * 60_000).toISOString();
      await handle.signal(absenceReportedSignal, { caseId: `case-can-${i}`, at });
    }
    await expect.poll(async () => (await handle.describe()).runId !== firstRun, POLL).toBe(true);
    await expect.poll(() => absencesOf(profileId).then((a) => a.length), POLL).toBe(6);
    await expect.poll(() => tasksOf(profileId), POLL).toEqual(['repeat_review']);
    await h.advance('91 days');
    await expect.poll(() => tasksOf(profileId), POLL).toEqual(['repeat_review', 'profile_review']);
  });

  it("tells another institution's profile nothing when a report names it", async () => {
    const theirs = await aProfile('ggz-oost');
    const filed = await fileFrom(theirs);
    await h.cases.command(filed.caseId, 'case.close', {
      commandId: `close-${filed.caseId}`,
      by: police,
      outcome: 'returned_on_own',
    } as never);
    // The case told its profile (or declined to) before it ended.
    await h.env.client.workflow.getHandle<typeof caseWorkflow>(filed.caseId).result();
    expect(await absencesOf(theirs.profileId)).toEqual([]);
  });
});
