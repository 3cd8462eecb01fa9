import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Absence, ProfileMessage, ProfileTask } from '../machines/profile.events';

/**
 * A profile's messages, each named after the machine event it forwards. Facts arrive as signals (the API
 * and cases tell, nobody waits); completing the repeat review is an update, because the machine may refuse it.
 */
export const profileReviewedSignal = defineSignal<[ProfileMessage<'profile.reviewed'>]>('profile.reviewed');
export const absenceReportedSignal = defineSignal<[ProfileMessage<'absence.reported'>]>('absence.reported');
export const absenceEndedSignal = defineSignal<[ProfileMessage<'absence.ended'>]>('absence.ended');

/** What completing the repeat review answers, once the records store holds the closed task. */
export type RepeatReviewReceipt = { profileId: string; task: ProfileTask };
export const completeRepeatReviewUpdate = defineUpdate<
  RepeatReviewReceipt,
  [ProfileMessage<'repeat_review.complete'>]
>('repeat_review.complete');

/** The profile's open tasks as its machine has them: for tests and operators; the inbox reads the store. */
export const openProfileTasksQuery = defineQuery<ProfileTask[]>('openProfileTasks');

/** The absences within the repeat window, with how each ended and the time away: per patient, no names. */
export const profileAbsencesQuery = defineQuery<Absence[]>('absences');

/** The failure type the update's validator raises when the machine refuses the completion. */
export const PROFILE_TRANSITION_REFUSED = 'TransitionRefused';
