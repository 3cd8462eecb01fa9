import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../machines/case.events';
import { profileWorkflowId, type ProfileMessage } from '../machines/profile.events';
import type { ProfilePolicy } from '../machines/profile.policy';
import type { ProfileView } from '../machines/profile.schema';
import type { Profiles } from '../records/profiles';
import {
  completeRepeatReviewUpdate,
  dischargeUpdate,
  PROFILE_TRANSITION_REFUSED,
  profileReviewedSignal,
  readmitUpdate,
  requestErasureUpdate,
  type DischargeReceipt,
  type ErasureReceipt,
  type ReadmissionReceipt,
  type RepeatReviewReceipt,
} from '../workflows/profile.messages';
import type { profileWorkflow } from '../workflows/profile.workflow';
import { conflict } from './problems';

export type ProfileWorkflowsDeps = {
  client: Client;
  taskQueue: string;
  /** The policy's `profiles` section: a profile's workflow starts with it and keeps it. */
  policy: ProfilePolicy;
};

/**
 * The API's way into profiles' workflows: it tells a profile's workflow what it just stored (starting the
 * workflow if it is not running) and forwards the clinic's completion of a repeat review to its machine.
 */
export function createProfileWorkflows(deps: ProfileWorkflowsDeps) {
  /**
   * Sends the clinic's command to the profile's machine; its refusal is a 409 that names why. A profile
   * whose workflow is not running (it never started, or an operator ended it) gets one started from the
   * profile as stored, and is asked again.
   */
  async function command<Ret, Arg>(
    view: ProfileView,
    update: UpdateDefinition<Ret, [Arg]>,
    arg: Arg,
    updateId: string,
  ): Promise<Ret> {
    const send = () =>
      deps.client.workflow
        .getHandle<typeof profileWorkflow>(profileWorkflowId(view.profileId))
        .executeUpdate(update, { args: [arg], updateId });
    try {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        await stored(view);
        return await send();
      }
    } catch (error) {
      if (
        error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === PROFILE_TRANSITION_REFUSED
      ) {
        const [reason] = error.cause.details ?? [];
        throw conflict(error.cause.message, {
          profileId: view.profileId,
          ...(typeof reason === 'string' && { reason }),
        });
      }
      throw error;
    }
  }

  /**
   * Tells a profile's workflow the profile as now stored: when it was last reviewed, its photo's day, its
   * ward and its version. Sent after every write; facts the machine already has change nothing.
   */
  async function stored(view: ProfileView): Promise<void> {
    await deps.client.workflow.signalWithStart<typeof profileWorkflow, [ProfileMessage<'profile.reviewed'>]>(
      'profileWorkflow',
      {
        workflowId: profileWorkflowId(view.profileId),
        taskQueue: deps.taskQueue,
        args: [
          {
            profileId: view.profileId,
            institutionId: view.institutionId,
            ward: view.profile.clinicContact.ward,
            policy: deps.policy,
          },
        ],
        signal: profileReviewedSignal,
        signalArgs: [
          {
            at: view.reviewedAt,
            ward: view.profile.clinicContact.ward,
            version: view.version,
            ...(view.profile.photo && { photoTakenOn: view.profile.photo.takenOn }),
          },
        ],
      },
    );
  }

  return {
    stored,

    /** The clinic discharged the patient: the machine arms the erasure and says when it falls. */
    discharge: (
      view: ProfileView,
      message: ProfileMessage<'profile.discharged'>,
      updateId: string,
    ): Promise<DischargeReceipt> => command(view, dischargeUpdate, message, updateId),

    /** The clinic took the patient in again: the machine takes the discharge back, or refuses (409). */
    readmit: (
      view: ProfileView,
      message: ProfileMessage<'profile.readmitted'>,
      updateId: string,
    ): Promise<ReadmissionReceipt> => command(view, readmitUpdate, message, updateId),

    /**
     * The patient asked for erasure: the machine erases the profile (answered once it is gone) or refuses
     * with a 409 naming why.
     */
    requestErasure: (
      view: ProfileView,
      message: ProfileMessage<'erasure.requested'>,
      updateId: string,
    ): Promise<ErasureReceipt> => command(view, requestErasureUpdate, message, updateId),

    /**
     * The clinic held the repeat review: its machine closes the task, or refuses (409) when none is open.
     * `updateId` makes a retry of the same request apply once.
     */
    async completeRepeatReview(
      profileId: string,
      by: Actor,
      updateId: string,
      at = new Date(),
    ): Promise<RepeatReviewReceipt> {
      try {
        return await deps.client.workflow
          .getHandle<typeof profileWorkflow>(profileWorkflowId(profileId))
          .executeUpdate(completeRepeatReviewUpdate, {
            args: [{ at: at.toISOString(), by }],
            updateId,
          });
      } catch (error) {
        if (
          error instanceof WorkflowUpdateFailedError &&
          error.cause instanceof ApplicationFailure &&
          error.cause.type === PROFILE_TRANSITION_REFUSED
        )
          throw conflict(error.cause.message, { profileId });
        // A profile whose workflow never started has opened no task either.
        if (error instanceof WorkflowNotFoundError)
          throw conflict(`no repeat review is open for profile ${profileId}`, { profileId });
        throw error;
      }
    },
  };
}

export type ProfileWorkflows = ReturnType<typeof createProfileWorkflows>;

/**
 * What follows a profile route's kept answer (`SuccessAnswer.then`): the profile's workflow hears the profile
 * as the store has it now. The latest version, not the answered one: a retry of an older write must not
 * tell the machine older facts. Told after the answer is kept, so a request whose telling failed (a 5xx) is
 * finished by its retry with the same key, which gets the first answer rather than a 412 on its own write.
 * Without workflows (an API built for tests of the store alone) there is nobody to tell.
 */
export function tellingWorkflow(
  workflows: ProfileWorkflows | undefined,
  profiles: Pick<Profiles, 'get'>,
): (answered: unknown) => Promise<void> {
  return async (answered) => {
    if (workflows === undefined) return;
    const view = await profiles.get((answered as Pick<ProfileView, 'profileId'>).profileId);
    if (view !== undefined) await workflows.stored(view);
  };
}
