import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  Absence,
  DischargeReceipt,
  ErasureReceipt,
  ProfileMessage,
  ProfileTask,
  ReadmissionReceipt,
} from '../machines/profile.events';

export type { DischargeReceipt, ErasureReceipt, ReadmissionReceipt };

/**
 * A profile's messages, each named after the machine event it forwards. Facts arrive as signals (the API
 * and cases tell, nobody waits); the clinic's commands are updates, because the machine may refuse them.
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

/** The clinic's discharge, readmission and forwarded erasure request: each answers a receipt. */
export const dischargeUpdate = defineUpdate<DischargeReceipt, [ProfileMessage<'profile.discharged'>]>(
  'profile.discharged',
);

export const readmitUpdate = defineUpdate<ReadmissionReceipt, [ProfileMessage<'profile.readmitted'>]>(
  'profile.readmitted',
);

export const requestErasureUpdate = defineUpdate<ErasureReceipt, [ProfileMessage<'erasure.requested'>]>(
  'erasure.requested',
);

/** The profile's open tasks as its machine has them: for tests and operators; the inbox reads the store. */
export const openProfileTasksQuery = defineQuery<ProfileTask[]>('openProfileTasks');

/** The absences within the repeat window, with how each ended and the time away: per patient, no names. */
export const profileAbsencesQuery = defineQuery<Absence[]>('absences');

/**
 * The failure type an update's validator raises when the machine refuses the command. An erasure refused
 * carries the machine's reason (an `ErasureRefusal`) as its first detail.
 */
export const PROFILE_TRANSITION_REFUSED = 'TransitionRefused';
