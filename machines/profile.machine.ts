import { and, assign, raise, setup, type SnapshotFrom } from 'xstate';
import { startOfDay } from './amsterdam-time';
import { addMs } from './duration';
import type { ProfilePolicy } from './profile.policy';
import type {
  Absence,
  ErasureGround,
  ErasureReason,
  ErasureRefusal,
  ProfileDeadline,
  ProfileEvent,
  ProfileTask,
  ReviewReason,
} from './profile.events';

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
  /** The latest version the API said it stored; null until a write says. */
  version: number | null;
  /** The cases filed from the profile that are still open: unlike `absences`, never cut by the window. */
  openCases: string[];
  /** The patient's discharge while it stands: its day, and the version the profile was at then. */
  discharge: { on: string; version: number | null } | null;
  /** Once decided, why and when the profile is erased: the workflow erases it and ends. */
  erasure: { ground: ErasureGround; reason: ErasureReason | null; at: string } | null;
};

/** The internal event the retention region raises when the patient's discharge comes or goes. */
type DischargeChanged = { type: 'discharge.changed'; at: string };

/** How many closed tasks the context keeps: enough for the store to hear of each, bounded for the history. */
const CLOSED_KEPT = 10;

type Args = { context: ProfileContext; event: ProfileEvent | DischargeChanged | { type: string } };

/** An event's instant; before any event, the workflow's start. */
const nowOf = ({ context, event }: Args): string =>
  'at' in event ? (event as { at: string }).at : context.startedAt;

/**
 * The instant each review deadline falls: `reviewEvery` after the last review, `photoMaxAge` after the
 * photo's day. None while the patient is discharged: nobody keeps a discharged patient's profile current,
 * and a review asked for then would only tempt the clinic into one that takes the discharge back.
 */
function reviewDeadlines(context: ProfileContext): Partial<Record<'review' | 'photo', string>> {
  if (context.discharge !== null) return {};
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

/**
 * Why the machine refuses an erasure request now, or null when the law lets it erase (AVG art. 17).
 * - `case_open`: a case filed from the profile is still open. The search needs what the profile says,
 *   and a search for a patient under the Wvggz is a legal obligation and a task in the public interest
 *   (art. 17(3)(b)). Once the case closes, the request can be made again.
 * - `not_clinic`: the clinic is the controller that answers its patient's request; nobody else forwards it.
 * Refusals we chose not to make: the medical dossier's retention (WGBO) binds the dossier, not this working
 * copy; cases already filed keep their own record, so no legal claim (art. 17(3)(e)) needs the profile;
 * and whether an objection (art. 21) is outweighed while a title is in force is the clinic's weighing
 * before it forwards the request, on facts (the title, the treatment) this engine does not hold.
 */
export function erasureRefusal(
  context: ProfileContext,
  event: Extract<ProfileEvent, { type: 'erasure.requested' }>,
): ErasureRefusal | null {
  if (context.erasure !== null) return 'already_erased';
  if (event.by.role !== 'clinic') return 'not_clinic';
  if (context.openCases.length > 0) return 'case_open';
  return null;
}

/** When a profile is erased after a discharge on `on`: `eraseAfterDischarge` after that day's start in Amsterdam. */
export const eraseAtOf = (context: Pick<ProfileContext, 'policy'>, on: string): string =>
  addMs(startOfDay(on), context.policy.eraseAfterDischarge);

const closing = (
  context: ProfileContext,
  task: OpenProfileTask,
  doneAt: string,
  doneBy: ProfileTask['doneBy'],
) => [...context.closedTasks, { ...task, doneAt, doneBy }].slice(-CLOSED_KEPT);

/**
 * What takes a discharge back, in every state that has one: the clinic's word that the patient is its
 * again, a new version of the profile, or a case filed from it.
 */
const takenBack = {
  'profile.readmitted': {
    guard: 'readmissionByClinic',
    target: 'kept',
    actions: ['dropDischarge', 'rejudge'],
  },
  'profile.reviewed': [
    { guard: 'writtenSinceDischarge', target: 'kept', actions: ['takeVersion', 'dropDischarge', 'rejudge'] },
    { guard: 'newerVersion', actions: 'takeVersion' },
  ],
  'absence.reported': { guard: 'newAbsence', target: 'kept', actions: ['dropDischarge', 'rejudge'] },
} as const;

/**
 * One patient profile over time (issue 15). It decides three things. A review: asked for (`profile_review`)
 * once the profile went `reviewEvery` unchecked or its photo grew older than `photoMaxAge`, and closed by a
 * review that makes both current again. A repeat review: on the absence that makes `threshold` absences
 * within `window`, the clinic is asked to hold a multidisciplinary review (`repeat_review`) and says when it
 * did. Retention: a discharge erases the profile a policy period later unless taken back, and the patient
 * may ask for erasure when no case from the profile is open. Time comes in as `deadline.passed` from the
 * workflow's durable timers, one per entry in `deadlines`.
 */
export const profileMachine = setup({
  types: {
    context: {} as ProfileContext,
    events: {} as ProfileEvent | DischargeChanged,
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
      return {
        ...windowAt(context, [...context.absences, absence], event.at),
        openCases: [...context.openCases.filter((caseId) => caseId !== event.caseId), event.caseId],
      };
    }),
    endAbsence: assign(({ context, event }) => {
      if (event.type !== 'absence.ended') return {};
      return {
        openCases: context.openCases.filter((caseId) => caseId !== event.caseId),
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
    takeVersion: assign(({ context, event }) =>
      event.type === 'profile.reviewed' && event.version !== undefined
        ? { version: Math.max(event.version, context.version ?? 0) }
        : {},
    ),
    takeDischarge: assign(({ context, event }) =>
      event.type === 'profile.discharged'
        ? { discharge: { on: event.dischargedOn, version: context.version } }
        : {},
    ),
    dropDischarge: assign({ discharge: null }),
    armErase: assign(({ context }) =>
      context.discharge === null
        ? {}
        : { deadlines: { ...context.deadlines, erase: eraseAtOf(context, context.discharge.on) } },
    ),
    disarmErase: assign(({ context }) => {
      const { erase: _erase, ...deadlines } = context.deadlines;
      return { deadlines };
    }),
    /** Tells the review region that the discharge came or went, so it judges the review again. */
    rejudge: raise(({ context, event }) => ({
      type: 'discharge.changed' as const,
      at: nowOf({ context, event }),
    })),
    eraseAfterDischarge: assign(({ context, event }) => ({
      erasure: { ground: 'after_discharge' as const, reason: null, at: nowOf({ context, event }) },
    })),
    eraseOnRequest: assign(({ event }) =>
      event.type === 'erasure.requested'
        ? { erasure: { ground: 'on_request' as const, reason: event.reason, at: event.at } }
        : {},
    ),
  },
  guards: {
    /** Not yet erased: once the erasure is decided, the profile takes nothing more. */
    live: ({ context }) => context.erasure === null,
    reviewOverdue: ({ context, event }) => reasonsAt(context, nowOf({ context, event })).length > 0,
    /** A review that tells the machine something new: a later stamp, another photo, another ward. */
    newFacts: ({ context, event }) =>
      event.type === 'profile.reviewed' &&
      (context.reviewedAt === null ||
        event.at > context.reviewedAt ||
        (event.photoTakenOn !== undefined && event.photoTakenOn !== context.photoTakenOn) ||
        (event.ward !== undefined && event.ward !== context.ward)),
    /** A version later than any heard: another write to the profile. */
    newerVersion: ({ context, event }) =>
      event.type === 'profile.reviewed' &&
      event.version !== undefined &&
      (context.version === null || event.version > context.version),
    /** A version written after the discharge: the clinic keeps the profile in use, so the patient is its again. */
    writtenSinceDischarge: ({ context, event }) =>
      event.type === 'profile.reviewed' &&
      event.version !== undefined &&
      context.discharge !== null &&
      event.version > (context.discharge.version ?? 0),
    /** The clinic records its patients' discharges and readmissions, on a day that has begun. */
    dischargeByClinic: ({ event }) =>
      event.type === 'profile.discharged' &&
      event.by.role === 'clinic' &&
      Date.parse(startOfDay(event.dischargedOn)) <= Date.parse(event.at),
    readmissionByClinic: ({ event }) => event.type === 'profile.readmitted' && event.by.role === 'clinic',
    eraseDeadlinePassed: ({ event }) => event.type === 'deadline.passed' && event.deadline === 'erase',
    noOpenCase: ({ context }) => context.openCases.length === 0,
    erasable: ({ context, event }) =>
      event.type === 'erasure.requested' && erasureRefusal(context, event) === null,
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
    // An open case older than the window left `absences` but not `openCases`: its end still counts.
    openAbsence: ({ context, event }) =>
      event.type === 'absence.ended' &&
      (context.openCases.includes(event.caseId) ||
        context.absences.some((a) => a.caseId === event.caseId && a.endedAt === null)),
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
    version: null,
    openCases: [],
    discharge: null,
    erasure: null,
  }),
  states: {
    review: {
      initial: 'judging',
      on: {
        'profile.reviewed': { guard: and(['live', 'newFacts']), target: '.judging', actions: 'takeReview' },
        'discharge.changed': { target: '.judging' },
      },
      states: {
        judging: { always: [{ guard: 'reviewOverdue', target: 'due' }, { target: 'current' }] },
        current: {
          entry: ['closeReviewTask', 'armReviewDeadlines'],
          on: { 'deadline.passed': { guard: and(['live', 'reviewDeadlinePassed']), target: 'due' } },
        },
        // Open until a review makes both current; a second deadline passing adds its reason to the task.
        due: {
          entry: ['armReviewDeadlines', 'openReviewTask'],
          on: {
            'deadline.passed': { guard: and(['live', 'reviewDeadlinePassed']), target: 'due', reenter: true },
          },
        },
      },
    },
    repeat: {
      initial: 'watching',
      on: {
        'absence.ended': { guard: and(['live', 'openAbsence']), actions: 'endAbsence' },
        'deadline.passed': { guard: and(['live', 'windowDeadlinePassed']), actions: 'dropOldAbsences' },
      },
      states: {
        watching: {
          on: {
            'absence.reported': [
              {
                guard: and(['live', 'newAbsence', 'reachesThreshold']),
                target: 'reviewNeeded',
                actions: 'addAbsence',
              },
              { guard: and(['live', 'newAbsence']), actions: 'addAbsence' },
            ],
          },
        },
        reviewNeeded: {
          entry: 'openRepeatTask',
          on: {
            'absence.reported': { guard: and(['live', 'newAbsence']), actions: 'addAbsence' },
            'repeat_review.complete': {
              guard: and(['live', 'byClinic']),
              target: 'watching',
              actions: 'completeRepeatReview',
            },
          },
        },
      },
    },
    // Issue 15 item 5: a profile is erased `eraseAfterDischarge` after the patient's discharge, unless the
    // patient is its clinic's again first; and on the patient's request where the law allows it now.
    retention: {
      initial: 'kept',
      on: { 'erasure.requested': { guard: 'erasable', target: '.erased', actions: 'eraseOnRequest' } },
      states: {
        kept: {
          on: {
            'profile.discharged': {
              guard: 'dischargeByClinic',
              target: 'discharged',
              actions: 'takeDischarge',
            },
            'profile.reviewed': { guard: and(['live', 'newerVersion']), actions: 'takeVersion' },
          },
        },
        // Erased when `erase` passes. Whatever shows the clinic has the patient again takes the discharge
        // back: its word (`profile.readmitted`), a new version of the profile, or a case filed from it. Users
        // expect a profile they still work on never to vanish under them; the review reminder, back on, asks
        // them again later whether it is still needed.
        discharged: {
          entry: ['armErase', 'rejudge'],
          exit: 'disarmErase',
          on: {
            // A second discharge corrects the day: the deadline moves with it.
            'profile.discharged': {
              guard: 'dischargeByClinic',
              target: 'discharged',
              reenter: true,
              actions: 'takeDischarge',
            },
            ...takenBack,
            'deadline.passed': { guard: 'eraseDeadlinePassed', target: 'expired' },
          },
        },
        // The period ran out. A case still open from the profile holds the erasure until it closes: its
        // search may need the profile (the report it was filed with is the case's own, but a re-report is
        // not). Then it erases.
        expired: {
          always: { guard: 'noOpenCase', target: 'erased', actions: 'eraseAfterDischarge' },
          on: {
            ...takenBack,
          },
        },
        // Decided: the workflow erases the profile from the records store, counts only on record, and ends.
        erased: { type: 'final' },
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
