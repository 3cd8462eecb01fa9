import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor } from '../machines/case.events';
import { profileWorkflowId, type ProfileMessage } from '../machines/profile.events';
import type { ProfilePolicy } from '../machines/profile.policy';
import type { ProfileView } from '../machines/profile.schema';
import type { Profiles } from '../records/profiles';
import {
  completeRepeatReviewUpdate,
  PROFILE_TRANSITION_REFUSED,
  profileReviewedSignal,
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
  return {
    /**
     * Tells a profile's workflow the profile as now stored: when it was last reviewed, its photo's day and
     * its ward. Sent after every write; facts the machine already has change nothing.
     */
    async stored(view: ProfileView): Promise<void> {
      await deps.client.workflow.signalWithStart<
        typeof profileWorkflow,
        [ProfileMessage<'profile.reviewed'>]
      >('profileWorkflow', {
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
            ...(view.profile.photo && { photoTakenOn: view.profile.photo.takenOn }),
          },
        ],
      });
    },

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
