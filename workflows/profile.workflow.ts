import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { ProfileActivities } from '../activities/profile.activities';
import type {
  ProfileDeadline,
  ProfileErasureCounts,
  ProfileEvent,
  ProfileMessage,
  ProfileTask,
} from '../machines/profile.events';
import {
  erasureRefusal,
  eraseAtOf,
  openProfileTasks,
  profileMachine,
  type ProfileContext,
} from '../machines/profile.machine';
import type { ProfilePolicy } from '../machines/profile.policy';
import {
  absenceEndedSignal,
  absenceReportedSignal,
  completeRepeatReviewUpdate,
  dischargeUpdate,
  openProfileTasksQuery,
  profileAbsencesQuery,
  PROFILE_TRANSITION_REFUSED,
  profileReviewedSignal,
  readmitUpdate,
  requestErasureUpdate,
} from './profile.messages';
import { deadlineTimers } from './deadline-timers';
import { createProfileMetricsRecorder } from './profile.metrics';

/** The workflow's argument: whose profile, and the policy it runs under (kept, so it never shifts under it). */
export type ProfileWorkflowInput = {
  profileId: string;
  institutionId: string;
  ward: string;
  policy: ProfilePolicy;
  /** Where the previous run stood when it continued as new. Plain JSON. */
  resume?: { value: unknown; context: ProfileContext };
  /** Continue as new past this many history events (Temporal also suggests it on its own). */
  historyLimit?: number;
};

type ProfileSnapshot = SnapshotFrom<typeof profileMachine>;

/** What the API says when the machine refuses an erasure request, by the machine's reason. */
const refusalMessages = {
  case_open:
    'a case filed from this profile is still open: its search may need the profile (AVG art. 17(3)(b)); ask again once it closed',
  not_clinic: "only the profile's own clinic forwards its patient's request to erase it",
  already_erased: 'this profile is already being erased',
} as const;

/** A profile lives for years, hearing a few events a month: a fresh run every few thousand keeps replay quick. */
const DEFAULT_HISTORY_LIMIT = 2_000;

/** The store is written until it takes the write: a profile's tasks wait rather than go missing. */
const { saveProfileTasks, eraseProfile } = proxyActivities<ProfileActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One patient profile, for as long as it is kept. The profile machine decides; this workflow feeds it the
 * messages it gets and the deadlines its durable timers reach, and writes the tasks it opens and closes to
 * the records store. It continues as new when its history grows long, and ends only when its machine
 * decides to erase the profile: it erases it from the records store, counts only on record, and completes.
 */
export async function profileWorkflow(input: ProfileWorkflowInput): Promise<void> {
  // It passed when it fell due, however late the timer fired.
  const timers = deadlineTimers<ProfileDeadline>((deadline, dueAt) =>
    apply({ type: 'deadline.passed', at: dueAt, deadline }),
  );
  const metrics = createProfileMetricsRecorder();
  let snapshot: ProfileSnapshot = input.resume
    ? profileMachine.resolveState({ value: input.resume.value as never, context: input.resume.context })
    : initialTransition(profileMachine, {
        profileId: input.profileId,
        institutionId: input.institutionId,
        ward: input.ward,
        policy: input.policy,
        startedAt: workflowInfo().startTime.toISOString(),
      })[0];
  // The tasks the store was last given, and whether it has them: each change is written once, in order.
  let written = '[]';
  let version = 0;
  let saved = 0;
  // What the erasure took, once the records store has done it.
  let erased: ProfileErasureCounts | undefined;
  afterChange();

  /** Feeds one event to the machine; one it does not take leaves no trace. */
  function apply(event: ProfileEvent): void {
    if (!snapshot.can(event)) return;
    const [next] = transition(profileMachine, snapshot, event);
    metrics.record(snapshot, next);
    snapshot = next;
    afterChange();
  }

  /** The tasks the store should hold: those open, and those closed lately, with who closed them. */
  function tasksNow(): ProfileTask[] {
    return [...openProfileTasks(snapshot), ...snapshot.context.closedTasks];
  }

  /** Keeps one durable timer per deadline in the machine's context, and marks changed tasks for the store. */
  function afterChange(): void {
    timers.keep(snapshot.context.deadlines);
    const tasks = JSON.stringify(tasksNow());
    if (tasks !== written) {
      written = tasks;
      version += 1;
    }
  }

  setHandler(profileReviewedSignal, (message) => apply({ type: 'profile.reviewed', ...message }));
  setHandler(absenceReportedSignal, (message) => apply({ type: 'absence.reported', ...message }));
  setHandler(absenceEndedSignal, (message) => apply({ type: 'absence.ended', ...message }));
  setHandler(openProfileTasksQuery, () => openProfileTasks(snapshot));
  setHandler(profileAbsencesQuery, () => snapshot.context.absences);
  setHandler(
    completeRepeatReviewUpdate,
    async (message) => {
      apply({ type: 'repeat_review.complete', ...message });
      const task = snapshot.context.closedTasks.at(-1)!;
      // Answer once the store holds the closed task: the inbox reads from there.
      const target = version;
      await condition(() => saved >= target);
      return { profileId: input.profileId, task };
    },
    {
      // A refused completion leaves no trace in the history: the validator runs before the update is accepted.
      validator: (message: ProfileMessage<'repeat_review.complete'>) => {
        if (!snapshot.can({ type: 'repeat_review.complete', ...message })) {
          throw ApplicationFailure.create({
            type: PROFILE_TRANSITION_REFUSED,
            message: 'no repeat review is open for this profile, or only its clinic may complete it',
            nonRetryable: true,
          });
        }
      },
    },
  );

  /** Refuses a command the machine would not take: the update leaves no trace in the history. */
  const refuseUnless = (event: ProfileEvent, message: string, details: unknown[] = []) => {
    if (!snapshot.can(event))
      throw ApplicationFailure.create({
        type: PROFILE_TRANSITION_REFUSED,
        message,
        details,
        nonRetryable: true,
      });
  };
  setHandler(
    dischargeUpdate,
    (message) => {
      apply({ type: 'profile.discharged', ...message });
      return {
        profileId: input.profileId,
        dischargedOn: message.dischargedOn,
        eraseAt: eraseAtOf(snapshot.context, message.dischargedOn),
      };
    },
    {
      validator: (message: ProfileMessage<'profile.discharged'>) =>
        refuseUnless(
          { type: 'profile.discharged', ...message },
          'only the clinic records a discharge, on a day that has begun, of a profile not being erased',
        ),
    },
  );
  setHandler(
    readmitUpdate,
    (message) => {
      apply({ type: 'profile.readmitted', ...message });
      return { profileId: input.profileId, kept: true as const };
    },
    {
      validator: (message: ProfileMessage<'profile.readmitted'>) =>
        refuseUnless(
          { type: 'profile.readmitted', ...message },
          'this profile has no discharge to take back: the patient was not discharged',
        ),
    },
  );
  setHandler(
    requestErasureUpdate,
    async (message) => {
      apply({ type: 'erasure.requested', ...message });
      // Answer once the records store no longer holds the profile.
      await condition(() => erased !== undefined);
      return { profileId: input.profileId, ground: 'on_request' as const, erased: erased! };
    },
    {
      validator: (message: ProfileMessage<'erasure.requested'>) => {
        const event = { type: 'erasure.requested' as const, ...message };
        const refusal = erasureRefusal(snapshot.context, event);
        refuseUnless(event, refusalMessages[refusal ?? 'already_erased'], [refusal]);
      },
    },
  );

  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit;

  for (;;) {
    await condition(() => snapshot.context.erasure !== null || saved < version || historyFull());
    // Erasing comes first: no task is written for a profile about to go, and none after it went.
    const erasure = snapshot.context.erasure;
    if (erasure !== null) {
      erased = await eraseProfile({ profileId: input.profileId, ...erasure });
      await condition(allHandlersFinished);
      return;
    }
    if (saved < version) {
      const target = version;
      await saveProfileTasks({
        profileId: input.profileId,
        institutionId: snapshot.context.institutionId,
        ward: snapshot.context.ward,
        tasks: tasksNow(),
      });
      saved = target;
      continue;
    }
    // An update still waits for its write: write first, then look again.
    if (!allHandlersFinished()) {
      await condition(() => allHandlersFinished() || saved < version);
      continue;
    }
    // Carry the machine (deadlines included) into a fresh run, which re-arms its timers at the same instants.
    const persisted = profileMachine.getPersistedSnapshot(snapshot) as unknown as {
      value: unknown;
      context: ProfileContext;
    };
    await continueAsNew<typeof profileWorkflow>({
      ...input,
      resume: { value: persisted.value, context: persisted.context },
    });
  }
}
