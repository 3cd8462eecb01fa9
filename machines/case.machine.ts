import { and, assign, not, or, setup, stateIn } from 'xstate';
import { closingRoles, mayComplete, mayReassign, maySend, mayTake } from './case.access';
import { LegalTitleSchema, titleEndsAt } from './legal-title';
import {
  instantOf,
  titleWarningAt,
  type AdhocTask,
  type CaseContext,
  type CaseInput,
  type RecordEntry,
  type TaskMeta,
} from './case.context';
import type { AnnouncementKind, CaseEvent, DeadlineKey, Outcome, Role, TaskKind } from './case.events';
import { addMs } from './duration';

export type { CaseContext, CaseInput, TaskMeta } from './case.context';

/** Something the parties must hear about; the notification rules decide who hears it and how. */
export type Announcement = {
  event: AnnouncementKind;
  at: string;
  reason?: string | undefined;
  escalateTo?: Role | undefined;
  /**
   * What made it, as the workflow names it: a command's id, a deadline and when it fell due, a failed
   * delivery. The same on every attempt of a workflow task and every retry of a command, so its deliveries
   * keep their ids when a task is run again (the machine leaves it unset; the workflow adds it).
   */
  cause?: string | undefined;
};

/** The effects a transition returns, by kind: what to announce, and what to add to the case's record. */
export function effectsOf(actions: readonly { type: string; params?: unknown }[]): {
  announcements: Announcement[];
  entries: RecordEntry[];
} {
  return {
    announcements: actions.filter((a) => a.type === 'announce').map((a) => a.params as Announcement),
    entries: actions.filter((a) => a.type === 'record').map((a) => a.params as RecordEntry),
  };
}

const earlier = (a: string | undefined, b: string) => (a !== undefined && a < b ? a : b);
const without = <T extends object>(record: T, key: keyof T): T => {
  const { [key]: _gone, ...rest } = record;
  return rest as T;
};

/** The open task a state or a threshold stands for, as the claim rules see it. */
const holdersOf = (context: CaseContext, task: Pick<TaskMeta, 'role' | 'deadline'>) => ({
  role: task.role,
  escalatedTo: task.deadline ? (context.overdue[task.deadline]?.to ?? null) : null,
});

/** The open task an event names, among the state's own task and the ad-hoc ones; undefined if not open. */
const openTask = (context: CaseContext, own: TaskMeta | null, task: TaskKind) =>
  own?.task === task ? own : context.adhocTasks.find((t) => t.task === task);

// The tasks the lifecycle's states open. Each is named in its state's meta (for the inbox), and a claim
// on it is taken in that state and ends when the state is left.
const internalSearchTask: TaskMeta = {
  task: 'complete_internal_search',
  role: 'clinic',
  deadline: 'internalSearch',
};
const acknowledgeTask: TaskMeta = {
  task: 'acknowledge_report',
  role: 'police_desk',
  deadline: 'acknowledge',
};
const reviewTask: TaskMeta = { task: 'review_risk', role: 'police_desk', deadline: 'review' };
const transportTask: TaskMeta = {
  task: 'arrange_transport',
  role: 'police_desk',
  deadline: 'arrangeTransport',
};
const arrivalTask: TaskMeta = { task: 'confirm_arrival', role: 'clinic', deadline: 'arrival' };
const releaseTask: TaskMeta = { task: 'handoff_at_release', role: 'police_desk', deadline: 'custodyRelease' };
const debriefTask: TaskMeta = { task: 'debrief', role: 'clinic', deadline: 'debrief' };
const rejectedTask: TaskMeta = { task: 'decide_after_rejection', role: 'clinic', deadline: 'afterRejection' };
const disputeTask: TaskMeta = {
  task: 'review_rejection',
  role: 'police_supervisor',
  deadline: 'rejectionReview',
};
const followUpTask: TaskMeta = { task: 'follow_up_after_return', role: 'clinic', deadline: 'followUp' };
const afterExpiryTask: TaskMeta = {
  task: 'decide_after_title_expiry',
  role: 'police_desk',
  deadline: 'afterExpiryDecision',
};
const crisisTask: TaskMeta = {
  task: 'arrange_crisis_assessment',
  role: 'crisis_service',
  deadline: 'crisisAssessment',
};

/** What a state with a task declares: the task, for the inbox, and the claims on it while it is open. */
const withTask = (task: TaskMeta) =>
  ({
    meta: { tasks: [task] },
    claims: {
      'task.claim': { guard: { type: 'mayClaim', params: { own: task } }, actions: 'claim' },
      'task.reassign': { guard: { type: 'mayReassign', params: { own: task } }, actions: 'reassign' },
    },
    release: { type: 'releaseClaim', params: { task: task.task } },
    /** Leaving the state: its deadline goes, and so does any claim on its task. */
    leave: [
      { type: 'clearDeadlines', params: { deadlines: task.deadline ? [task.deadline] : [] } },
      { type: 'releaseClaim', params: { task: task.task } },
    ],
  }) as const;

/** A state's deadline, set `within` after the event that entered it. */
const dueWithin = (deadline: DeadlineKey, within: (context: CaseContext) => number) =>
  ({
    type: 'setDeadline',
    params: ({ context, event }: Args) => ({
      deadline,
      dueAt: addMs(instantOf(context, event), within(context)),
    }),
  }) as const;

type Args = { context: CaseContext; event: CaseEvent };

// Lifecycle states the legal region looks at, so an event both regions take is recorded once.
const searching = { open: { lifecycle: 'searching' } } as const;
const located = { open: { lifecycle: 'located' } } as const;
const inCustody = { open: { lifecycle: 'inCustody' } } as const;

/** Tells the parties what an event caused, at that event's instant. */
const announceNow = (announced: AnnouncementKind) =>
  ({
    type: 'announce',
    params: ({ context, event }: Args) => ({ event: announced, at: instantOf(context, event) }),
  }) as const;

/** The police assessment behind a grade goes on the record, with when it must be looked at again. */
const recordAssessment = {
  type: 'record',
  params: ({ context, event }: Args): RecordEntry => {
    if (event.type !== 'police.acknowledge' && event.type !== 'police.review_risk')
      throw new Error(`${event.type} carries no assessment`);
    return {
      kind: 'assessment',
      risk: event.risk,
      urgent: event.urgent,
      knownFacts: event.knownFacts,
      source: event.source,
      by: event.by,
      at: event.at,
      nextReviewAt:
        event.type === 'police.review_risk'
          ? event.nextReviewAt
          : addMs(event.at, context.policy.review[event.risk]),
    };
  },
} as const;

/** What a person told the case goes on its record as they said it, with who and when. */
const recordSaid = (
  // Assessments, escalations and corrections are composed by the machine; every other entry is as said.
  kind: Exclude<RecordEntry['kind'], 'assessment' | 'escalation' | 'correction'>,
) =>
  ({
    type: 'record',
    params: ({ event }: Args): RecordEntry => {
      const { type: _type, ...said } = event;
      return { kind, ...said } as RecordEntry;
    },
  }) as const;

/** A correction of the report after filing keeps its own history: which fact, its new value, who, when. */
const recordCorrection = {
  type: 'record',
  params: ({ event }: Args): RecordEntry => {
    if (event.type === 'clinic.update_last_seen') {
      const { type: _type, ...said } = event;
      return { kind: 'correction', correction: { field: 'lastSeen', ...said } };
    }
    if (event.type === 'clinic.update_title') {
      const { type: _type, ...said } = event;
      return { kind: 'correction', correction: { field: 'legalTitle', ...said } };
    }
    if (event.type === 'clinic.update_description') {
      const { type: _type, ...said } = event;
      return { kind: 'correction', correction: { field: 'person', ...said } };
    }
    throw new Error(`${event.type} corrects nothing`);
  },
} as const;

/** The transition on a passing deadline whose task stays open: it goes to the next role up, on record. */
const overdue = (deadline: DeadlineKey, owner: Role) =>
  ({
    guard: { type: 'deadlineIs', params: { deadline } },
    actions: [
      { type: 'escalate', params: { deadline, owner } },
      {
        type: 'record',
        params: ({ context, event }: Args): RecordEntry => ({
          kind: 'escalation',
          reason: `${deadline}_overdue`,
          to: context.overdue[deadline]!.to,
          at: instantOf(context, event),
          dueAt: context.overdue[deadline]!.dueAt,
        }),
      },
      {
        type: 'announce',
        params: ({ context, event }: Args) => ({
          event: 'task.escalated' as const,
          at: instantOf(context, event),
          reason: `${deadline}_overdue`,
          escalateTo: context.overdue[deadline]!.to,
        }),
      },
    ],
  }) as const;

/** A long-missing threshold passed: its task opens for the role the threshold concerns, and it is said. */
const threshold = (
  deadline: 'nationalBureau' | 'dnaTask' | 'longTerm',
  task: AdhocTask['task'],
  role: Role,
  event: AnnouncementKind,
) =>
  ({
    guard: { type: 'deadlineIs', params: { deadline } },
    actions: [
      { type: 'clearDeadlines', params: { deadlines: [deadline] } },
      { type: 'openAdhocTask', params: { task, role, deadline: null } },
      announceNow(event),
    ],
  }) as const;

/** A new last-seen moves the long-missing clock; while searching, its thresholds are re-armed from it. */
const updateLastSeen = (rearm: boolean) =>
  ({
    guard: and(['senderMay', 'lastSeenValid']),
    actions: [
      'recordLastSeen',
      recordCorrection,
      ...(rearm ? (['armThresholds'] as const) : []),
      announceNow('information.added'),
    ],
  }) as const;

export const caseMachine = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseEvent,
    input: {} as CaseInput,
  },
  actions: {
    // Effects are data: the pure `transition` returns them and the workflow performs them. `announce` tells
    // the parties; `record` adds an entry to the case's record in the records store.
    announce: (_, _announcement: Announcement) => undefined,
    record: (_, _entry: RecordEntry) => undefined,
    setDeadline: assign(({ context }, params: { deadline: DeadlineKey; dueAt: string }) => ({
      deadlines: { ...context.deadlines, [params.deadline]: params.dueAt },
      overdue: without(context.overdue, params.deadline),
    })),
    clearDeadlines: assign(({ context }, params: { deadlines: readonly DeadlineKey[] }) => ({
      deadlines: params.deadlines.reduce(without, context.deadlines),
      overdue: params.deadlines.reduce(without, context.overdue),
    })),
    escalate: assign(({ context, event }, params: { deadline: DeadlineKey; owner: Role }) => {
      const to = context.policy.escalation[params.owner];
      const dueAt = context.deadlines[params.deadline] ?? instantOf(context, event);
      return {
        deadlines: without(context.deadlines, params.deadline),
        overdue: { ...context.overdue, [params.deadline]: { dueAt, to } },
      };
    }),
    openAdhocTask: assign(({ context, event }, params: Omit<AdhocTask, 'openedAt'> | null) => ({
      adhocTasks:
        params === null || context.adhocTasks.some((t) => t.task === params.task)
          ? context.adhocTasks
          : [...context.adhocTasks, { ...params, openedAt: instantOf(context, event) }],
    })),
    /** Once found, or once consent lapsed, a public appeal must come down at once [politie.nl 2021]. */
    withdrawAppeal: assign(({ context, event }) => {
      const at = instantOf(context, event);
      return {
        appeal: null,
        adhocTasks: context.adhocTasks.some((t) => t.task === 'withdraw_public_appeal')
          ? context.adhocTasks
          : [
              ...context.adhocTasks,
              {
                task: 'withdraw_public_appeal' as const,
                role: 'police_desk' as const,
                openedAt: at,
                deadline: 'appealWithdrawal' as const,
              },
            ],
        deadlines: {
          ...without(context.deadlines, 'appealExpiry'),
          appealWithdrawal: addMs(at, context.policy.publicAppeal.withdrawWithin),
        },
        overdue: without(without(context.overdue, 'appealExpiry'), 'appealWithdrawal'),
      };
    }),
    completeTask: assign(({ context, event }) => {
      if (event.type !== 'task.complete') return {};
      // A task that takes something down ends it, with its deadline.
      const ends = { withdraw_public_appeal: 'appealWithdrawal', withdraw_alert: 'alertWithdrawal' } as const;
      const deadline = ends[event.task as keyof typeof ends] as DeadlineKey | undefined;
      return {
        adhocTasks: context.adhocTasks.filter((t) => t.task !== event.task),
        claims: without(context.claims, event.task),
        appeal: event.task === 'withdraw_public_appeal' ? null : context.appeal,
        alert: event.task === 'withdraw_alert' ? null : context.alert,
        deadlines: deadline ? without(context.deadlines, deadline) : context.deadlines,
        overdue: deadline ? without(context.overdue, deadline) : context.overdue,
      };
    }),
    placeAlert: assign(({ context, event }) =>
      event.type === 'police.place_alert'
        ? { alert: { reference: event.reference, placedAt: event.at } }
        : { alert: context.alert },
    ),
    /**
     * The search is over (found, held, the title lapsed, or the case closed) while a police alert is out:
     * the desk must withdraw it, within the policy's time.
     */
    askAlertWithdrawal: assign(({ context, event }) => {
      if (context.alert === null || context.adhocTasks.some((t) => t.task === 'withdraw_alert')) return {};
      const at = instantOf(context, event);
      return {
        adhocTasks: [
          ...context.adhocTasks,
          {
            task: 'withdraw_alert' as const,
            role: 'police_desk' as const,
            openedAt: at,
            deadline: 'alertWithdrawal' as const,
          },
        ],
        deadlines: { ...context.deadlines, alertWithdrawal: addMs(at, context.policy.alert.withdrawWithin) },
      };
    }),
    /** Long-missing thresholds run from when the person was last seen, and only for missing persons. */
    armThresholds: assign(({ context }) => {
      if (!context.kind.missing) return {};
      const opened = new Set(context.adhocTasks.map((t) => t.task));
      const t = context.policy.missingThresholds;
      const deadlines = { ...context.deadlines };
      if (!opened.has('notify_national_bureau'))
        deadlines.nationalBureau = addMs(context.missingSince, t.nationalBureau);
      if (!opened.has('request_dna_sample')) deadlines.dnaTask = addMs(context.missingSince, t.dnaTask);
      if (!opened.has('set_long_term_status')) deadlines.longTerm = addMs(context.missingSince, t.longTerm);
      return { deadlines };
    }),
    recordLastSeen: assign(({ event }) =>
      event.type === 'clinic.update_last_seen'
        ? { lastSeen: { at: event.seenAt, place: event.place }, missingSince: event.seenAt }
        : {},
    ),
    /** The police grade is the case's; the assessment behind it goes on the record with its next review. */
    grade: assign(({ context, event }) => {
      if (event.type !== 'police.acknowledge' && event.type !== 'police.review_risk') return {};
      return {
        risk: event.risk,
        urgent: event.urgent,
        acknowledgedAt: context.acknowledgedAt ?? event.at,
      };
    }),
    /** The next review is due when the last assessment said, or sooner once new information came in. */
    scheduleReview: assign(({ context, event }) => {
      let dueAt: string | undefined;
      if (event.type === 'police.review_risk') dueAt = event.nextReviewAt;
      if (event.type === 'police.acknowledge') dueAt = addMs(event.at, context.policy.review[event.risk]);
      if (event.type === 'case.add_information')
        dueAt = earlier(
          context.deadlines.review ?? context.overdue.review?.dueAt,
          addMs(event.at, context.policy.review.onNewInformation),
        );
      return dueAt === undefined
        ? {}
        : {
            deadlines: { ...context.deadlines, review: dueAt },
            overdue: without(context.overdue, 'review'),
          };
    }),
    /** Found (or held) at last: the first instant counts, a release from custody does not move it. */
    markLocated: assign(({ context, event }) => ({
      locatedAt: context.locatedAt ?? instantOf(context, event),
    })),
    /** The hand-off is due when the person is expected to be released. */
    expectRelease: assign(({ context, event }) =>
      event.type === 'police.record_custody'
        ? {
            deadlines: { ...context.deadlines, custodyRelease: event.expectedReleaseAt },
            overdue: without(context.overdue, 'custodyRelease'),
          }
        : {},
    ),
    markReturned: assign(({ context, event }) => ({ returnedAt: instantOf(context, event) })),
    chooseTransport: assign(({ context, event }) => ({
      transportMode: event.type === 'transport.arrange' ? event.mode : context.transportMode,
    })),
    /** The crew gets a task of its own: it is what lets an ambulance user see the case at all. */
    openCrewTask: assign(({ context, event }) => ({
      adhocTasks:
        event.type === 'transport.arrange' && event.mode === 'ambulance'
          ? [
              ...context.adhocTasks,
              {
                task: 'transport_patient' as const,
                role: 'ambulance' as const,
                openedAt: event.at,
                deadline: 'arrival' as const,
              },
            ]
          : context.adhocTasks,
    })),
    closeCrewTask: assign(({ context }) => ({
      adhocTasks: context.adhocTasks.filter((t) => t.task !== 'transport_patient'),
      claims: without(context.claims, 'transport_patient'),
    })),
    transfer: assign(({ context, event }) => ({
      region: event.type === 'police.transfer' ? event.toRegion : context.region,
    })),
    startAppeal: assign(({ event }) =>
      event.type === 'case.public_appeal'
        ? { appeal: { expiresAt: event.expiresAt, consentRecordedBy: event.consentRecordedBy } }
        : {},
    ),
    newTitle: assign(({ event }) =>
      event.type === 'clinic.update_title' ? { legalTitle: event.title, legalJudgedAt: event.at } : {},
    ),
    claim: assign(({ context, event }) =>
      event.type === 'task.claim' ? { claims: { ...context.claims, [event.task]: event.by } } : {},
    ),
    reassign: assign(({ context, event }) =>
      event.type === 'task.reassign' ? { claims: { ...context.claims, [event.task]: event.to } } : {},
    ),
    release: assign(({ context, event }) =>
      event.type === 'task.release' ? { claims: without(context.claims, event.task) } : {},
    ),
    releaseClaim: assign(({ context }, params: { task: TaskKind }) => ({
      claims: without(context.claims, params.task),
    })),
    close: assign(({ context, event }, params: { outcome: Outcome }) => ({
      outcome: params.outcome,
      closedAt: instantOf(context, event),
      deadlines: {},
      overdue: {},
      claims: {},
      // Every open task ends with the case, but for the one that takes the police alert down.
      adhocTasks: context.adhocTasks.filter((t) => t.task === 'withdraw_alert'),
    })),
  },
  guards: {
    /** The sender's role may send this command at all (case.access.ts). Every person's event passes it. */
    senderMay: ({ event }) => 'by' in event && maySend(event.by.role, event.type as never),
    deadlineIs: ({ event }, params: { deadline: DeadlineKey }) =>
      event.type === 'deadline.passed' && event.deadline === params.deadline,
    /** A failed delivery is the engine's own report; no person sends it. */
    fromEngine: ({ event }) => !('by' in event),
    mayCloseWith: ({ event }) =>
      event.type === 'case.close' && closingRoles[event.outcome].includes(event.by.role),
    /** Anyone the task concerns may take an open, unclaimed task (case.access.ts). */
    mayClaim: ({ context, event }, params: { own: TaskMeta | null }) => {
      if (event.type !== 'task.claim' || context.claims[event.task] !== undefined) return false;
      const task = openTask(context, params.own, event.task);
      return task !== undefined && mayTake(holdersOf(context, task), event.by);
    },
    /** Its holder claiming it again: nothing changes. */
    holdsIt: ({ context, event }) =>
      (event.type === 'task.claim' || event.type === 'task.release') &&
      context.claims[event.task]?.id === event.by.id &&
      context.claims[event.task]?.role === event.by.role,
    /** A supervisor hands an open task of the police to someone else it concerns (case.access.ts). */
    mayReassign: ({ context, event }, params: { own: TaskMeta | null }) => {
      if (event.type !== 'task.reassign') return false;
      const task = openTask(context, params.own, event.task);
      return task !== undefined && mayReassign(holdersOf(context, task), event.by, event.to);
    },
    /** An open ad-hoc task is completed by a role the access rules allow. */
    mayComplete: ({ context, event }) => {
      if (event.type !== 'task.complete') return false;
      const task = context.adhocTasks.find((t) => t.task === event.task);
      return task !== undefined && mayComplete(task, event.by);
    },
    /** A clinic may move the last-seen time, never past the moment it says so. */
    lastSeenValid: ({ event }) =>
      event.type === 'clinic.update_last_seen' && Date.parse(event.seenAt) <= Date.parse(event.at),
    internalSearchDone: ({ context }) => context.internalSearchDone,
    routeIsClose: ({ event }) => event.type === 'clinic.route_after_rejection' && event.route === 'close',
    upholds: ({ event }) => event.type === 'police.review_rejection' && event.uphold,
    recordsArrest: ({ event }) => event.type === 'case.close' && event.outcome === 'arrested',
    safeAndWell: ({ event }) => event.type === 'clinic.complete_debrief' && event.safeAndWell,
    foundOnWard: ({ event }) => event.type === 'clinic.internal_search_done' && event.found,
    noTitle: ({ context }) => titleEndsAt(context.legalTitle) === null,
    /** A title recorded as none where there was one: the court refused to continue it, or it was lifted. */
    titleLifted: ({ context, event }) =>
      event.type === 'clinic.update_title' &&
      event.title.kind === 'none' &&
      context.legalTitle.kind !== 'none',
    titleEnded: ({ context }) => titleEndsAt(context.legalTitle)! <= context.legalJudgedAt,
    titleEndingSoon: ({ context }) => titleWarningAt(context)! <= context.legalJudgedAt,
    /** A review must name its next review time: after now, and no later than the policy allows for the grade. */
    reviewInWindow: ({ context, event }) =>
      event.type === 'police.review_risk' &&
      event.nextReviewAt > event.at &&
      event.nextReviewAt <= addMs(event.at, context.policy.review[event.risk]),
    /** A police car takes someone back only with an offence or acute danger, and that reason is recorded. */
    transportJustified: ({ event }) =>
      event.type === 'transport.arrange' && (event.mode !== 'police' || event.policeReason !== undefined),
    appealActive: ({ context }) => context.appeal !== null,
    alertOut: ({ context }) => context.alert !== null,
    searchStillOn: ({ context }) => context.locatedAt === null,
    /** After the title lapsed, police decide the search ends: the case closes as legal_basis_expired. */
    endsSearch: ({ event }) => event.type === 'police.decide_after_expiry' && !event.continueSearch,
  },
}).createMachine({
  id: 'case',
  context: ({ input }) => ({
    caseId: input.caseId,
    region: input.report.region,
    institutionId: input.report.institutionId,
    kind: input.report.kind,
    urgent: input.report.urgent,
    proposedRisk: input.report.proposedRisk,
    risk: null,
    policy: input.policy,
    reportedAt: input.reportedAt,
    missingSince: input.report.lastSeen.at,
    lastSeen: input.report.lastSeen,
    internalSearchDone: input.report.internalSearchDone,
    // Normalised here too, so a case filed before titles carried instants starts the same way.
    legalTitle: LegalTitleSchema.parse(input.report.legalTitle),
    legalJudgedAt: input.reportedAt,
    acknowledgedAt: null,
    locatedAt: null,
    returnedAt: null,
    transportMode: null,
    appeal: null,
    alert: null,
    adhocTasks: [],
    claims: {},
    deadlines: {},
    overdue: {},
    outcome: null,
    closedAt: null,
  }),
  initial: 'open',
  states: {
    open: {
      type: 'parallel',
      entry: announceNow('case.reported'),
      on: {
        'case.withdraw': {
          guard: 'senderMay',
          target: 'closed',
          actions: [
            recordSaid('withdrawal'),
            {
              type: 'close',
              params: ({ event }) => ({ outcome: event.falseAlarm ? 'false_alarm' : 'withdrawn' }),
            },
          ],
        },
        // An arrest is a custody first (where, until when); `arrested` ends a case only from custody.
        'case.close': {
          guard: and(['senderMay', 'mayCloseWith', or([not('recordsArrest'), stateIn(inCustody)])]),
          target: 'closed',
          actions: { type: 'close', params: ({ event }) => ({ outcome: event.outcome }) },
        },
        'clinic.update_last_seen': updateLastSeen(false),
        // A fuller or corrected signalement: on the record, and the desk hears of new information.
        'clinic.update_description': {
          guard: 'senderMay',
          actions: [recordCorrection, announceNow('information.added')],
        },
        'case.public_appeal': {
          guard: 'senderMay',
          actions: [
            'startAppeal',
            {
              type: 'setDeadline',
              params: ({ event }) => ({ deadline: 'appealExpiry', dueAt: event.expiresAt }),
            },
            announceNow('appeal.started'),
          ],
        },
        // Claims on the tasks thresholds and transports open; a state's own task is claimed in that state.
        'task.claim': [
          { guard: and(['senderMay', 'holdsIt']) },
          { guard: and(['senderMay', { type: 'mayClaim', params: { own: null } }]), actions: 'claim' },
        ],
        'task.reassign': {
          guard: and(['senderMay', { type: 'mayReassign', params: { own: null } }]),
          actions: 'reassign',
        },
        'task.release': { guard: and(['senderMay', 'holdsIt']), actions: 'release' },
        'task.complete': { guard: and(['senderMay', 'mayComplete']), actions: 'completeTask' },
        // A party that could not be told is a handover at risk: the case escalates it, so someone acts.
        'delivery.failed': {
          guard: 'fromEngine',
          actions: [
            {
              type: 'record',
              params: ({ context, event }) => ({
                kind: 'escalation',
                reason: 'delivery_failed',
                to: context.policy.notifications.escalateFailuresTo,
                at: event.at,
                dueAt: event.at,
              }),
            },
            {
              type: 'announce',
              params: ({ context, event }) => ({
                event: 'delivery.failed',
                at: event.at,
                reason: event.reason,
                escalateTo: context.policy.notifications.escalateFailuresTo,
              }),
            },
          ],
        },
        'deadline.passed': [
          {
            // Consent for a public appeal expired: the appeal must come down.
            guard: { type: 'deadlineIs', params: { deadline: 'appealExpiry' } },
            actions: [
              'withdrawAppeal',
              {
                type: 'announce',
                params: ({ event }) => ({
                  event: 'appeal.to_withdraw',
                  at: event.at,
                  reason: 'consent_expired',
                }),
              },
            ],
          },
          overdue('appealWithdrawal', 'police_desk'),
          overdue('alertWithdrawal', 'police_desk'),
        ],
      },
      states: {
        lifecycle: {
          initial: 'starting',
          states: {
            starting: {
              always: [{ guard: 'internalSearchDone', target: 'reported' }, { target: 'internalSearch' }],
            },
            internalSearch: {
              meta: withTask(internalSearchTask).meta,
              // Entered as the case opens: due from the report.
              entry: dueWithin('internalSearch', (c) => c.policy.internalSearch.within),
              exit: withTask(internalSearchTask).leave,
              on: {
                ...withTask(internalSearchTask).claims,
                'clinic.internal_search_done': [
                  {
                    guard: and(['senderMay', 'foundOnWard']),
                    target: '#case.closed',
                    actions: { type: 'close', params: { outcome: 'false_alarm' } },
                  },
                  { guard: 'senderMay', target: 'reported' },
                ],
                // The ward searched long enough: the report goes to the police anyway.
                'deadline.passed': {
                  guard: { type: 'deadlineIs', params: { deadline: 'internalSearch' } },
                  target: 'reported',
                },
              },
            },
            reported: {
              meta: withTask(acknowledgeTask).meta,
              entry: dueWithin('acknowledge', (c) =>
                c.urgent ? c.policy.acknowledge.urgent : c.policy.acknowledge.ordinary,
              ),
              exit: withTask(acknowledgeTask).leave,
              on: {
                ...withTask(acknowledgeTask).claims,
                'police.acknowledge': {
                  guard: 'senderMay',
                  target: 'searching',
                  actions: ['grade', recordAssessment, 'scheduleReview', announceNow('case.acknowledged')],
                },
                // The person is still gone and the clinic keeps responsibility: the case stays open under it.
                'police.reject': {
                  guard: 'senderMay',
                  target: 'rejected',
                  actions: [
                    recordSaid('rejection'),
                    {
                      type: 'announce',
                      params: ({ event }) => ({ event: 'case.rejected', at: event.at, reason: event.reason }),
                    },
                  ],
                },
                'deadline.passed': overdue('acknowledge', 'police_desk'),
              },
            },
            // Rejected by police: the clinic chooses how it goes on, or disputes the rejection.
            rejected: {
              meta: withTask(rejectedTask).meta,
              entry: dueWithin('afterRejection', (c) => c.policy.rejection.decideWithin),
              exit: withTask(rejectedTask).leave,
              on: {
                ...withTask(rejectedTask).claims,
                'clinic.route_after_rejection': [
                  {
                    guard: and(['senderMay', 'routeIsClose']),
                    target: '#case.closed',
                    actions: [
                      recordSaid('rejectionRoute'),
                      { type: 'close', params: { outcome: 'rejected_by_police' } },
                    ],
                  },
                  { guard: 'senderMay', target: 'clinicSearch', actions: recordSaid('rejectionRoute') },
                ],
                'clinic.dispute_rejection': {
                  guard: 'senderMay',
                  target: 'disputed',
                  actions: recordSaid('dispute'),
                },
                'deadline.passed': overdue('afterRejection', 'clinic'),
              },
            },
            // A supervisor reviews the clinic's dispute: upheld, the clinic decides again; overturned, the
            // report goes back to the desk to be acknowledged.
            disputed: {
              meta: withTask(disputeTask).meta,
              entry: dueWithin('rejectionReview', (c) => c.policy.rejection.reviewWithin),
              exit: withTask(disputeTask).leave,
              on: {
                ...withTask(disputeTask).claims,
                'police.review_rejection': [
                  {
                    guard: and(['senderMay', 'upholds']),
                    target: 'rejected',
                    actions: recordSaid('rejectionReview'),
                  },
                  { guard: 'senderMay', target: 'reported', actions: recordSaid('rejectionReview') },
                ],
                'deadline.passed': overdue('rejectionReview', 'police_supervisor'),
              },
            },
            // The clinic searches on itself (or with the crisis service, or through the municipality) until
            // the person is back or the case is closed.
            clinicSearch: {
              on: {
                'clinic.confirm_return': { guard: 'senderMay', target: 'returned' },
              },
            },
            searching: {
              meta: withTask(reviewTask).meta,
              entry: 'armThresholds',
              exit: withTask(reviewTask).leave,
              on: {
                ...withTask(reviewTask).claims,
                'clinic.update_last_seen': updateLastSeen(true),
                'police.review_risk': {
                  guard: and(['senderMay', 'reviewInWindow']),
                  actions: [
                    {
                      type: 'announce',
                      params: ({ context, event }) => ({
                        event: 'risk.regraded',
                        at: event.at,
                        reason: `${context.risk ?? 'none'}->${event.risk}`,
                      }),
                    },
                    'grade',
                    recordAssessment,
                    'scheduleReview',
                  ],
                },
                // New information calls for a fresh look at the risk [IOPC, Essex 2018]: the review comes forward.
                'case.add_information': {
                  guard: 'senderMay',
                  actions: [recordSaid('information'), 'scheduleReview', announceNow('information.added')],
                },
                'case.record_sighting': {
                  guard: 'senderMay',
                  actions: [recordSaid('sighting'), announceNow('sighting.recorded')],
                },
                'case.record_located': {
                  guard: 'senderMay',
                  target: 'located',
                  actions: [recordSaid('find'), 'markLocated', announceNow('person.located')],
                },
                // An alert in police systems (signalering); it must come down once the search is over.
                'police.place_alert': { guard: 'senderMay', actions: [recordSaid('alert'), 'placeAlert'] },
                'police.record_custody': {
                  guard: 'senderMay',
                  target: 'inCustody',
                  actions: [
                    recordSaid('custody'),
                    'markLocated',
                    {
                      type: 'announce',
                      params: ({ event }) => ({
                        event: 'person.located',
                        at: event.at,
                        reason: 'in_custody',
                      }),
                    },
                  ],
                },
                // A hand-over to another region is acknowledged again there, with a fresh deadline.
                'police.transfer': {
                  guard: 'senderMay',
                  target: 'reported',
                  actions: [
                    'transfer',
                    {
                      type: 'announce',
                      params: ({ event }) => ({
                        event: 'case.transferred',
                        at: event.at,
                        reason: event.toRegion,
                      }),
                    },
                  ],
                },
                'deadline.passed': [
                  overdue('review', 'police_desk'),
                  threshold(
                    'nationalBureau',
                    'notify_national_bureau',
                    'police_supervisor',
                    'threshold.national_bureau',
                  ),
                  threshold('dnaTask', 'request_dna_sample', 'police_desk', 'threshold.dna_sample'),
                  threshold('longTerm', 'set_long_term_status', 'police_supervisor', 'threshold.long_term'),
                ],
              },
            },
            // Arrested and held: where and until when. At release a hand-off arranges the way back (or, with
            // the title lapsed, a crisis assessment); the case closes only after that.
            inCustody: {
              meta: withTask(releaseTask).meta,
              entry: [
                { type: 'clearDeadlines', params: { deadlines: ['nationalBureau', 'dnaTask', 'longTerm'] } },
                'askAlertWithdrawal',
                'expectRelease',
              ],
              exit: withTask(releaseTask).leave,
              on: {
                ...withTask(releaseTask).claims,
                'police.record_custody': {
                  guard: 'senderMay',
                  actions: [recordSaid('custody'), 'expectRelease'],
                },
                'police.release_from_custody': {
                  guard: 'senderMay',
                  target: 'located',
                  actions: recordSaid('release'),
                },
                'deadline.passed': overdue('custodyRelease', 'police_desk'),
              },
            },
            located: {
              meta: withTask(transportTask).meta,
              entry: [
                { type: 'clearDeadlines', params: { deadlines: ['nationalBureau', 'dnaTask', 'longTerm'] } },
                'askAlertWithdrawal',
                dueWithin('arrangeTransport', (c) => c.policy.transport.arrangeWithin),
              ],
              // Once found, a public appeal must come down at once [politie.nl 2021].
              always: { guard: 'appealActive', actions: 'withdrawAppeal' },
              exit: withTask(transportTask).leave,
              on: {
                ...withTask(transportTask).claims,
                'transport.arrange': {
                  guard: and(['senderMay', 'transportJustified']),
                  target: 'inTransport',
                  actions: [
                    recordSaid('transport'),
                    'chooseTransport',
                    'openCrewTask',
                    {
                      type: 'announce',
                      params: ({ event }) => ({
                        event: 'transport.arranged',
                        at: event.at,
                        reason: event.mode,
                      }),
                    },
                  ],
                },
                'clinic.confirm_return': { guard: 'senderMay', target: 'returned' },
                'deadline.passed': overdue('arrangeTransport', 'police_desk'),
              },
            },
            inTransport: {
              meta: withTask(arrivalTask).meta,
              entry: dueWithin('arrival', (c) => c.policy.transport.arrivalWithin),
              exit: [
                { type: 'clearDeadlines', params: { deadlines: ['arrival'] } },
                'closeCrewTask',
                withTask(arrivalTask).release,
              ],
              on: {
                ...withTask(arrivalTask).claims,
                'clinic.confirm_return': { guard: 'senderMay', target: 'returned' },
                // An overdue arrival concerns both ends of the journey: the clinic waits, the police sent them.
                'deadline.passed': overdue('arrival', 'clinic'),
              },
            },
            returned: {
              meta: withTask(debriefTask).meta,
              entry: [
                'markReturned',
                dueWithin('debrief', (c) => c.policy.afterReturn.debriefWithin),
                announceNow('person.returned'),
              ],
              exit: withTask(debriefTask).leave,
              on: {
                ...withTask(debriefTask).claims,
                // Safe and well closes the case; otherwise the clinic arranges follow-up before it closes.
                'clinic.complete_debrief': [
                  {
                    guard: and(['senderMay', 'safeAndWell']),
                    target: '#case.closed',
                    actions: [recordSaid('debrief'), { type: 'close', params: { outcome: 'returned' } }],
                  },
                  { guard: 'senderMay', target: 'followUp', actions: recordSaid('debrief') },
                ],
                'deadline.passed': overdue('debrief', 'clinic'),
              },
            },
            // Back, but not safe and well: the case stays open until the clinic has arranged follow-up care.
            followUp: {
              meta: withTask(followUpTask).meta,
              entry: dueWithin('followUp', (c) => c.policy.afterReturn.followUpWithin),
              exit: withTask(followUpTask).leave,
              on: {
                ...withTask(followUpTask).claims,
                'clinic.complete_follow_up': {
                  guard: 'senderMay',
                  target: '#case.closed',
                  actions: [recordSaid('followUp'), { type: 'close', params: { outcome: 'returned' } }],
                },
                'deadline.passed': overdue('followUp', 'clinic'),
              },
            },
          },
        },
        legal: {
          initial: 'judging',
          // On the legal region, not on the parallel `open`: a transition from a parallel state to one of
          // its regions would leave and re-enter every region, sending the lifecycle back to `reported`.
          on: {
            'clinic.update_title': [
              // The court refused to continue the title, or it was lifted: recorded as no title, it has ended.
              {
                guard: and(['senderMay', 'titleLifted', stateIn({ open: { legal: 'ended' } })]),
                actions: ['newTitle', recordCorrection],
              },
              {
                guard: and(['senderMay', 'titleLifted']),
                target: '.ended',
                actions: [
                  'newTitle',
                  recordCorrection,
                  { type: 'clearDeadlines', params: { deadlines: ['legalWarning', 'legalEnd'] } },
                ],
              },
              {
                guard: 'senderMay',
                target: '.judging',
                actions: [
                  'newTitle',
                  recordCorrection,
                  {
                    type: 'clearDeadlines',
                    params: { deadlines: ['legalWarning', 'legalEnd', 'afterExpiryDecision'] },
                  },
                  announceNow('legal.extended'),
                ],
              },
            ],
          },
          states: {
            judging: {
              always: [
                { guard: 'noTitle', target: 'none' },
                { guard: 'titleEnded', target: 'ended' },
                { guard: 'titleEndingSoon', target: 'endingSoon' },
                { target: 'active' },
              ],
            },
            none: {},
            active: {
              entry: {
                type: 'setDeadline',
                params: ({ context }) => ({ deadline: 'legalWarning', dueAt: titleWarningAt(context)! }),
              },
              on: {
                'deadline.passed': {
                  guard: { type: 'deadlineIs', params: { deadline: 'legalWarning' } },
                  target: 'endingSoon',
                },
              },
            },
            endingSoon: {
              entry: [
                { type: 'clearDeadlines', params: { deadlines: ['legalWarning'] } },
                {
                  type: 'setDeadline',
                  params: ({ context }) => ({
                    deadline: 'legalEnd',
                    dueAt: titleEndsAt(context.legalTitle)!,
                  }),
                },
                {
                  type: 'announce',
                  params: ({ context, event }) => ({
                    event: 'legal.ending_soon',
                    at: instantOf(context, event),
                    reason: titleEndsAt(context.legalTitle)!,
                  }),
                },
              ],
              on: {
                'deadline.passed': {
                  guard: { type: 'deadlineIs', params: { deadline: 'legalEnd' } },
                  target: 'ended',
                },
              },
            },
            ended: {
              initial: 'routing',
              entry: [
                { type: 'clearDeadlines', params: { deadlines: ['legalWarning', 'legalEnd'] } },
                // Without a title the power to bring the person back is gone: so must the alert be.
                'askAlertWithdrawal',
                announceNow('legal.expired'),
              ],
              states: {
                routing: {
                  always: [{ guard: 'searchStillOn', target: 'awaitingDecision' }, { target: 'crisisRoute' }],
                },
                // The power to bring the person back has lapsed: police decide whether an ordinary search goes on.
                awaitingDecision: {
                  meta: withTask(afterExpiryTask).meta,
                  entry: dueWithin('afterExpiryDecision', (c) => c.policy.legalTitle.decideWithin),
                  exit: withTask(afterExpiryTask).leave,
                  on: {
                    ...withTask(afterExpiryTask).claims,
                    'police.decide_after_expiry': [
                      {
                        guard: and(['senderMay', 'endsSearch']),
                        target: '#case.closed',
                        actions: { type: 'close', params: { outcome: 'legal_basis_expired' } },
                      },
                      { guard: 'senderMay', target: 'settled' },
                    ],
                    // While the search is on, the lifecycle records the find; otherwise it is recorded here.
                    'case.record_located': [
                      { guard: and(['senderMay', stateIn(searching)]), target: 'crisisRoute' },
                      { guard: 'senderMay', target: 'crisisRoute', actions: recordSaid('find') },
                    ],
                    'deadline.passed': overdue('afterExpiryDecision', 'police_desk'),
                  },
                },
                // Found without a title: not brought back by force; a crisis assessment decides what follows.
                crisisRoute: {
                  meta: withTask(crisisTask).meta,
                  entry: dueWithin('crisisAssessment', (c) => c.policy.crisis.assessWithin),
                  exit: withTask(crisisTask).leave,
                  on: {
                    ...withTask(crisisTask).claims,
                    'crisis.record_assessment': {
                      guard: 'senderMay',
                      target: 'settled',
                      actions: recordSaid('crisisAssessment'),
                    },
                    'deadline.passed': overdue('crisisAssessment', 'crisis_service'),
                    // While the person is located, the lifecycle records the transport; otherwise it is here.
                    'transport.arrange': [
                      { guard: and(['senderMay', stateIn(located)]), target: 'settled' },
                      { guard: 'senderMay', target: 'settled', actions: recordSaid('transport') },
                    ],
                    'clinic.confirm_return': { guard: 'senderMay', target: 'settled' },
                  },
                },
                settled: {},
              },
            },
          },
        },
      },
    },
    // Closed with its outcome. A police alert still out must come down before the case is done.
    closed: {
      initial: 'settling',
      entry: {
        type: 'announce',
        params: ({ context }) => ({
          event: 'case.closed',
          at: context.closedAt ?? context.reportedAt,
          reason: context.outcome ?? undefined,
        }),
      },
      states: {
        settling: { always: [{ guard: 'alertOut', target: 'withdrawingAlert' }, { target: 'done' }] },
        withdrawingAlert: {
          entry: 'askAlertWithdrawal',
          on: {
            'task.claim': [
              { guard: and(['senderMay', 'holdsIt']) },
              { guard: and(['senderMay', { type: 'mayClaim', params: { own: null } }]), actions: 'claim' },
            ],
            'task.release': { guard: and(['senderMay', 'holdsIt']), actions: 'release' },
            'task.complete': {
              guard: and(['senderMay', 'mayComplete']),
              target: 'done',
              actions: 'completeTask',
            },
            'deadline.passed': overdue('alertWithdrawal', 'police_desk'),
          },
        },
        done: { type: 'final' },
      },
      onDone: 'archived',
    },
    archived: { type: 'final' },
  },
});

export type CaseMachine = typeof caseMachine;
