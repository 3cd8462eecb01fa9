import { and, assign, setup, type SnapshotFrom } from 'xstate';
import { startOfDay } from './amsterdam-time';
import { addMs } from './duration';
import type { ProfilePolicy } from './profile.policy';
import type { Absence, ProfileDeadline, ProfileEvent, ProfileTask, ReviewReason } from './profile.events';

/** What the workflow hands the machine when a profile's workflow starts. Plain JSON. */
export type ProfileInput = {
  profileId: string;
  institutionId: string;
  ward: string;
  policy: ProfilePolicy;
  /** When the workflow started: the clock before any event has brought one. */
  startedAt: string;
};

/** A task the profile has open, while it is open. */
type OpenProfileTask = Omit<ProfileTask, 'doneAt' | 'doneBy'>;

export type ProfileContext = Omit<ProfileInput, 'startedAt'> & {
  startedAt: string;
  /** When someone last checked the whole profile is current; null until the API first says so. */
  reviewedAt: string | null;
  photoTakenOn: string | null;
  /** The absences reported from the profile within the repeat window, oldest first. */
  absences: Absence[];
  deadlines: Partial<Record<ProfileDeadline, string>>;
  reviewTask: OpenProfileTask | null;
  repeatTask: (OpenProfileTask & { absences: string[] }) | null;
  /** The latest tasks closed, newest last, so the store learns who closed them and when. */
  closedTasks: ProfileTask[];
};

/** How many closed tasks the context keeps: enough for the store to hear of each, bounded for the history. */
const CLOSED_KEPT = 10;

type Args = { context: ProfileContext; event: ProfileEvent | { type: string } };

/** An event's instant; before any event, the workflow's start. */
const nowOf = ({ context, event }: Args): string =>
  'at' in event ? (event as { at: string }).at : context.startedAt;

/** The instant each review deadline falls: `reviewEvery` after the last review, `photoMaxAge` after the photo's day. */
function reviewDeadlines(context: ProfileContext): Partial<Record<'review' | 'photo', string>> {
  return {
    ...(context.reviewedAt !== null && { review: addMs(context.reviewedAt, context.policy.reviewEvery) }),
    // A photo is dated by its day: it counts from that day's start in Amsterdam, where the clinic took it.
    ...(context.photoTakenOn !== null && {
      photo: addMs(startOfDay(context.photoTakenOn), context.policy.photoMaxAge),
    }),
  };
}

/** Why a review is due at `now`: each deadline that has passed. */
function reasonsAt(context: ProfileContext, now: string): ReviewReason[] {
  const { review, photo } = reviewDeadlines(context);
  const passed = (due: string | undefined) => due !== undefined && Date.parse(due) <= Date.parse(now);
  return [
    ...(passed(review) ? (['review_due'] as const) : []),
    ...(passed(photo) ? (['photo_old'] as const) : []),
  ];
}

/** The earliest of the passed review deadlines: when the review fell due. */
function dueAtOf(context: ProfileContext, reasons: ReviewReason[]): string {
  const { review, photo } = reviewDeadlines(context);
  const due = reasons.map((reason) => (reason === 'review_due' ? review! : photo!));
  return due.reduce((a, b) => (a < b ? a : b));
}

/** Whether an absence still counts at `now`: reported less than the window before it. */
const inWindow = (context: ProfileContext, absence: Pick<Absence, 'reportedAt'>, now: string) =>
  Date.parse(absence.reportedAt) + context.policy.repeat.window > Date.parse(now);

/** The absences kept at `now`, and the deadline at which the oldest of them leaves the window. */
function windowAt(context: ProfileContext, absences: Absence[], now: string) {
  const kept = absences.filter((a) => inWindow(context, a, now));
  const oldest = kept.reduce<string | undefined>(
    (o, a) => (o === undefined || a.reportedAt < o ? a.reportedAt : o),
    undefined,
  );
  const { window: _old, ...deadlines } = context.deadlines;
  return {
    absences: kept,
    deadlines:
      oldest === undefined
        ? deadlines
        : { ...deadlines, window: addMs(oldest, context.policy.repeat.window) },
  };
}

const closing = (
  context: ProfileContext,
  task: OpenProfileTask,
  doneAt: string,
  doneBy: ProfileTask['doneBy'],
) => [...context.closedTasks, { ...task, doneAt, doneBy }].slice(-CLOSED_KEPT);

/**
 * One patient profile over time (issue 15). It decides two things. A review: asked for (`profile_review`)
 * once the profile went `reviewEvery` unchecked or its photo grew older than `photoMaxAge`, and closed by a
 * review that makes both current again. A repeat review: on the absence that makes `threshold` absences
 * within `window`, the clinic is asked to hold a multidisciplinary review (`repeat_review`) and says when it
 * did. Time comes in as `deadline.passed` from the workflow's durable timers, one per entry in `deadlines`.
 */
export const profileMachine = setup({
  types: {
    context: {} as ProfileContext,
    events: {} as ProfileEvent,
    input: {} as ProfileInput,
  },
  actions: {
    takeReview: assign(({ context, event }) => {
      if (event.type !== 'profile.reviewed') return {};
      return {
        // A review reported late, or twice, never moves the stamp back.
        reviewedAt:
          context.reviewedAt !== null && context.reviewedAt >= event.at ? context.reviewedAt : event.at,
        photoTakenOn: event.photoTakenOn ?? context.photoTakenOn,
        ward: event.ward ?? context.ward,
      };
    }),
    /** One timer per review deadline still ahead; one that passed already asked for the review. */
    armReviewDeadlines: assign(({ context, event }) => {
      const now = Date.parse(nowOf({ context, event }));
      const { review: _r, photo: _p, ...others } = context.deadlines;
      const ahead = Object.entries(reviewDeadlines(context)).filter(([, dueAt]) => Date.parse(dueAt) > now);
      return { deadlines: { ...others, ...Object.fromEntries(ahead) } };
    }),
    openReviewTask: assign(({ context, event }) => {
      const reasons = reasonsAt(context, nowOf({ context, event }));
      return {
        reviewTask: {
          kind: 'profile_review' as const,
          // Still the same task when a photo arrives but the review is still due: it keeps its opening.
          openedAt: context.reviewTask?.openedAt ?? nowOf({ context, event }),
          dueAt: dueAtOf(context, reasons),
          reasons,
        },
      };
    }),
    closeReviewTask: assign(({ context, event }) =>
      context.reviewTask === null
        ? {}
        : {
            reviewTask: null,
            closedTasks: closing(context, context.reviewTask, nowOf({ context, event }), null),
          },
    ),
    addAbsence: assign(({ context, event }) => {
      if (event.type !== 'absence.reported') return {};
      const absence: Absence = {
        caseId: event.caseId,
        reportedAt: event.at,
        endedAt: null,
        outcome: null,
        awayMs: null,
        reviewed: false,
      };
      return windowAt(context, [...context.absences, absence], event.at);
    }),
    endAbsence: assign(({ context, event }) => {
      if (event.type !== 'absence.ended') return {};
      return {
        absences: context.absences.map((a) =>
          a.caseId === event.caseId
            ? {
                ...a,
                endedAt: event.at,
                outcome: event.outcome,
                awayMs: Math.max(0, Date.parse(event.at) - Date.parse(a.reportedAt)),
              }
            : a,
        ),
      };
    }),
    dropOldAbsences: assign(({ context, event }) =>
      windowAt(context, context.absences, nowOf({ context, event })),
    ),
    openRepeatTask: assign(({ context, event }) => ({
      repeatTask: {
        kind: 'repeat_review' as const,
        openedAt: nowOf({ context, event }),
        dueAt: null,
        reasons: [],
        absences: context.absences.filter((a) => !a.reviewed).map((a) => a.caseId),
      },
    })),
    completeRepeatReview: assign(({ context, event }) => {
      if (event.type !== 'repeat_review.complete' || context.repeatTask === null) return {};
      const { absences: _covered, ...task } = context.repeatTask;
      return {
        repeatTask: null,
        // The review looked at every absence so far: the next one asks for `threshold` new absences.
        absences: context.absences.map((a) => ({ ...a, reviewed: true })),
        closedTasks: closing(context, task, event.at, event.by),
      };
    }),
  },
  guards: {
    reviewOverdue: ({ context, event }) => reasonsAt(context, nowOf({ context, event })).length > 0,
    /** A review that tells the machine something new: a later stamp, another photo, another ward. */
    newFacts: ({ context, event }) =>
      event.type === 'profile.reviewed' &&
      (context.reviewedAt === null ||
        event.at > context.reviewedAt ||
        (event.photoTakenOn !== undefined && event.photoTakenOn !== context.photoTakenOn) ||
        (event.ward !== undefined && event.ward !== context.ward)),
    reviewDeadlinePassed: ({ event }) =>
      event.type === 'deadline.passed' && (event.deadline === 'review' || event.deadline === 'photo'),
    windowDeadlinePassed: ({ event }) => event.type === 'deadline.passed' && event.deadline === 'window',
    /** A case not heard of before: a retried message counts once. */
    newAbsence: ({ context, event }) =>
      event.type === 'absence.reported' && !context.absences.some((a) => a.caseId === event.caseId),
    /** This absence makes `threshold` absences within the window that no review has looked at yet. */
    reachesThreshold: ({ context, event }) =>
      event.type === 'absence.reported' &&
      context.absences.filter((a) => !a.reviewed && inWindow(context, a, event.at)).length + 1 >=
        context.policy.repeat.threshold,
    openAbsence: ({ context, event }) =>
      event.type === 'absence.ended' &&
      context.absences.some((a) => a.caseId === event.caseId && a.endedAt === null),
    /** The review is the clinic's: the API lets only the profile's own clinic send it. */
    byClinic: ({ event }) => event.type === 'repeat_review.complete' && event.by.role === 'clinic',
  },
}).createMachine({
  id: 'profile',
  type: 'parallel',
  context: ({ input }) => ({
    ...input,
    reviewedAt: null,
    photoTakenOn: null,
    absences: [],
    deadlines: {},
    reviewTask: null,
    repeatTask: null,
    closedTasks: [],
  }),
  states: {
    review: {
      initial: 'judging',
      on: { 'profile.reviewed': { guard: 'newFacts', target: '.judging', actions: 'takeReview' } },
      states: {
        judging: { always: [{ guard: 'reviewOverdue', target: 'due' }, { target: 'current' }] },
        current: {
          entry: ['closeReviewTask', 'armReviewDeadlines'],
          on: { 'deadline.passed': { guard: 'reviewDeadlinePassed', target: 'due' } },
        },
        // Open until a review makes both current; a second deadline passing adds its reason to the task.
        due: {
          entry: ['armReviewDeadlines', 'openReviewTask'],
          on: { 'deadline.passed': { guard: 'reviewDeadlinePassed', target: 'due', reenter: true } },
        },
      },
    },
    repeat: {
      initial: 'watching',
      on: {
        'absence.ended': { guard: 'openAbsence', actions: 'endAbsence' },
        'deadline.passed': { guard: 'windowDeadlinePassed', actions: 'dropOldAbsences' },
      },
      states: {
        watching: {
          on: {
            'absence.reported': [
              {
                guard: and(['newAbsence', 'reachesThreshold']),
                target: 'reviewNeeded',
                actions: 'addAbsence',
              },
              { guard: 'newAbsence', actions: 'addAbsence' },
            ],
          },
        },
        reviewNeeded: {
          entry: 'openRepeatTask',
          on: {
            'absence.reported': { guard: 'newAbsence', actions: 'addAbsence' },
            'repeat_review.complete': {
              guard: 'byClinic',
              target: 'watching',
              actions: 'completeRepeatReview',
            },
          },
        },
      },
    },
  },
});

export type ProfileMachine = typeof profileMachine;
type ProfileSnapshot = SnapshotFrom<ProfileMachine>;

/** The tasks the profile has open now, for the inbox and the store. */
export function openProfileTasks(snapshot: ProfileSnapshot): ProfileTask[] {
  const { reviewTask, repeatTask } = snapshot.context;
  const open: ProfileTask[] = [];
  if (reviewTask) open.push({ ...reviewTask, doneAt: null, doneBy: null });
  if (repeatTask) {
    const { absences: _covered, ...task } = repeatTask;
    open.push({ ...task, doneAt: null, doneBy: null });
  }
  return open;
}
