import { Context } from '@temporalio/activity';
import {
  profileWorkflowId,
  type ErasureGround,
  type ErasureReason,
  type ProfileErasureCounts,
  type ProfileEvent,
  type ProfileMessage,
} from '../machines/profile.events';
import type { ProfilePolicy } from '../machines/profile.policy';
import type { ProfileErasures } from '../records/profile-erasures';
import type { ProfileTasks, ProfileTaskWrite } from '../records/profile-tasks';
import type { Profiles } from '../records/profiles';

/** The workflow type a profile runs as (workflows/profile.workflow.ts). */
const PROFILE_WORKFLOW = 'profileWorkflow';

/** What a case tells its patient's profile: an absence began or ended, and whose profile it is. */
export type ProfileNotice = {
  profileId: string;
  /** The institution that filed the case: only its own profile hears of it. */
  institutionId: string;
  ward: string;
  event:
    | ({ type: 'absence.reported' } & ProfileMessage<'absence.reported'>)
    | ({ type: 'absence.ended' } & ProfileMessage<'absence.ended'>);
};

export type ProfileDeps = {
  records: {
    profiles: Pick<Profiles, 'institutionOf'>;
    profileTasks: ProfileTasks;
    profileErasures: Pick<ProfileErasures, 'erase'>;
  };
  /** The policy's `profiles` section: what a profile's workflow starts with when a case starts it. */
  profilePolicy: ProfilePolicy;
};

/** Builds the activities profiles need, from injected dependencies. */
export function createProfileActivities(deps: ProfileDeps) {
  return {
    /** Writes a profile's tasks as its workflow knows them. Idempotent (records/profile-tasks.ts). */
    async saveProfileTasks(write: ProfileTaskWrite): Promise<void> {
      await deps.records.profileTasks.save(write);
    },

    /**
     * Erases a profile the machine decided to erase, with its counts logged in the same transaction
     * (records/profile-erasures.ts). Idempotent: a retry after the commit finds nothing and answers zeros,
     * and the ledger holds the first attempt's counts.
     */
    async eraseProfile(erasure: {
      profileId: string;
      ground: ErasureGround;
      reason: ErasureReason | null;
      at: string;
    }): Promise<ProfileErasureCounts> {
      const counts = await deps.records.profileErasures.erase({ ...erasure, at: new Date(erasure.at) });
      return counts ?? { versions: 0, photos: 0, tasks: 0, patientKeys: 0 };
    },

    /**
     * Tells a profile's workflow of an absence, starting it if it is not running (a profile kept before
     * profiles had workflows). A report names its profile itself, so the profile must be the filing
     * institution's own; otherwise nothing is told, and the case carries on. A retry tells it again, which
     * the machine takes once.
     */
    async tellProfile(notice: ProfileNotice): Promise<'told' | 'not_its_profile'> {
      const owner = await deps.records.profiles.institutionOf(notice.profileId);
      if (owner !== notice.institutionId) return 'not_its_profile';
      const { type, ...message } = notice.event;
      const { client, info } = Context.current();
      await client.workflow.signalWithStart(PROFILE_WORKFLOW, {
        workflowId: profileWorkflowId(notice.profileId),
        taskQueue: info.taskQueue,
        args: [
          {
            profileId: notice.profileId,
            institutionId: notice.institutionId,
            ward: notice.ward,
            policy: deps.profilePolicy,
          },
        ],
        signal: type satisfies ProfileEvent['type'],
        signalArgs: [message],
      });
      return 'told';
    },
  };
}

export type ProfileActivities = ReturnType<typeof createProfileActivities>;
