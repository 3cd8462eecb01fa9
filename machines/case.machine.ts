import { assign, setup } from 'xstate';
import {
  closingRoles,
  instantOf,
  titleEndsAt,
  titleWarningAt,
  type AdhocTask,
  type CaseContext,
  type CaseInput,
  type TaskMeta,
} from './case.context';
import type { AnnouncementKind, CaseEvent, DeadlineKey, Outcome, Role } from './case.events';
import { commandRoles } from './case.permissions';
import { addMs } from './duration';

export type { CaseContext, CaseInput, TaskMeta } from './case.context';

/** Something the parties must hear about; the notification rules decide who hears it and how. */
export type Announcement = {
  event: AnnouncementKind;
  at: string;
  reason?: string | undefined;
  escalateTo?: Role | undefined;
};

type At = { at?: string };
const earlier = (a: string | undefined, b: string) => (a !== undefined && a < b ? a : b);
const without = <T extends object>(record: T, key: keyof T): T => {
  const { [key]: _gone, ...rest } = record;
  return rest as T;
};

/** The transition on a passing deadline whose task stays open: it goes to the next role up. */
const overdue = (deadline: DeadlineKey, owner: Role) =>
  ({
    guard: { type: 'deadlineIs', params: { deadline } },
    actions: [
      { type: 'escalate', params: { deadline, owner } },
      {
        type: 'announce',
        params: ({ context }: { context: CaseContext }) => ({
          event: 'task.escalated' as const,
          at: context.escalations.at(-1)!.at,
          reason: `${deadline}_overdue`,
          escalateTo: context.overdue[deadline]!.to,
        }),
      },
    ],
  }) as const;

const tasks = (...list: TaskMeta[]) => ({ tasks: list });

/** A new last-seen moves the long-missing clock; while searching, its thresholds are re-armed from it. */
const updateLastSeen = (rearm: boolean) =>
  ({
    guard: 'lastSeenValid',
    actions: [
      { type: 'recordLastSeen' },
      ...(rearm ? [{ type: 'armThresholds' } as const] : []),
      {
        type: 'announce',
        params: ({ event }: { event: { at: string } }) => ({
          event: 'information.added' as const,
          at: event.at,
        }),
      },
    ],
  }) as const;

export const caseMachine = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseEvent,
    input: {} as CaseInput,
  },
  actions: {
    // Effects are data: the pure `transition` returns them and the workflow performs them as activities.
    announce: (_, _announcement: Announcement) => undefined,
    setDeadline: assign(({ context }, params: { deadline: DeadlineKey; dueAt: string }) => ({
      deadlines: { ...context.deadlines, [params.deadline]: params.dueAt },
      overdue: without(context.overdue, params.deadline),
    })),
    clearDeadlines: assign(({ context }, params: { deadlines: DeadlineKey[] }) => ({
      deadlines: params.deadlines.reduce(without, context.deadlines),
      overdue: params.deadlines.reduce(without, context.overdue),
    })),
    escalate: assign(({ context, event }, params: { deadline: DeadlineKey; owner: Role }) => {
      const at = instantOf(context, event);
      const to = context.policy.escalation[params.owner];
      const dueAt = context.deadlines[params.deadline] ?? at;
      return {
        deadlines: without(context.deadlines, params.deadline),
        overdue: { ...context.overdue, [params.deadline]: { dueAt, to } },
        escalations: [
          ...context.escalations,
          { reason: `${params.deadline}_overdue` as const, to, at, dueAt },
        ],
      };
    }),
    openAdhocTask: assign(({ context, event }, params: Omit<AdhocTask, 'openedAt'> | null) => ({
      adhocTasks:
        params === null || context.adhocTasks.some((t) => t.task === params.task)
          ? context.adhocTasks
          : [...context.adhocTasks, { ...params, openedAt: instantOf(context, event as At) }],
    })),
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
    close: assign(({ context, event }, params: { outcome: Outcome }) => ({
      outcome: params.outcome,
      closedAt: instantOf(context, event as At),
      deadlines: {},
      overdue: {},
    })),
  },
  guards: {
    deadlineIs: ({ event }, params: { deadline: DeadlineKey }) =>
      event.type === 'deadline.passed' && event.deadline === params.deadline,
    /** The sender's role may send this command at all (see case.permissions.ts). */
    senderMay: ({ event }) => 'by' in event && commandRoles[event.type].includes(event.by.role),
    mayCloseWith: ({ event }) =>
      event.type === 'case.close' && closingRoles[event.outcome].includes(event.by.role),
    /** Anyone of a role that may claim may take an unclaimed task, or one they hold already. */
    mayClaim: ({ context, event }) =>
      event.type === 'task.claim' &&
      commandRoles['task.claim'].includes(event.by.role) &&
      (context.claims[event.task] === undefined || context.claims[event.task]!.id === event.by.id),
    /** An open ad-hoc task is completed by its owner; police complete any of them. */
    mayComplete: ({ context, event }) =>
      event.type === 'task.complete' &&
      context.adhocTasks.some(
        (t) =>
          t.task === event.task &&
          (t.role === event.by.role ||
            event.by.role === 'police_desk' ||
            event.by.role === 'police_supervisor'),
      ),
    holdsClaim: ({ context, event }) =>
      event.type === 'task.release' && context.claims[event.task]?.id === event.by.id,
    /** A clinic may move the last-seen time, never past the moment it says so. */
    lastSeenValid: ({ event }) =>
      event.type === 'clinic.update_last_seen' &&
      commandRoles[event.type].includes(event.by.role) &&
      Date.parse(event.seenAt) <= Date.parse(event.at),
    internalSearchDone: ({ context }) => context.internalSearchDone,
    foundOnWard: ({ event }) => event.type === 'clinic.internal_search_done' && event.found,
    isMissing: ({ context }) => context.kind.missing,
    noTitle: ({ context }) => titleEndsAt(context.legalTitle) === null,
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
    searchStillOn: ({ context }) => context.locatedAt === null,
    /** After the title lapsed, police decide the search ends: the case closes as legal_basis_expired. */
    policeEndSearch: ({ event }) =>
      event.type === 'police.decide_after_expiry' &&
      !event.continueSearch &&
      commandRoles['police.decide_after_expiry'].includes(event.by.role),
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
    legalTitle: input.report.legalTitle,
    legalJudgedAt: input.reportedAt,
    acknowledgedAt: null,
    locatedAt: null,
    returnedAt: null,
    transportMode: null,
    assessments: [],
    sightingCount: 0,
    informationCount: 0,
    appeal: null,
    adhocTasks: [],
    claims: {},
    deadlines: {},
    overdue: {},
    escalations: [],
    outcome: null,
    closedAt: null,
  }),
  initial: 'open',
  states: {
    open: {
      type: 'parallel',
      entry: {
        type: 'announce',
        params: ({ context }) => ({ event: 'case.reported', at: context.reportedAt }),
      },
      on: {
        'case.withdraw': {
          guard: 'senderMay',
          target: 'closed',
          actions: {
            type: 'close',
            params: ({ event }) => ({ outcome: event.falseAlarm ? 'false_alarm' : 'withdrawn' }),
          },
        },
        'case.close': {
          guard: 'mayCloseWith',
          target: 'closed',
          actions: { type: 'close', params: ({ event }) => ({ outcome: event.outcome }) },
        },
        'clinic.update_title': {
          guard: 'senderMay',
          target: '.legal.judging',
          actions: [
            assign(({ event }) => ({ legalTitle: event.title, legalJudgedAt: event.at })),
            {
              type: 'clearDeadlines',
              params: { deadlines: ['legalWarning', 'legalEnd', 'afterExpiryDecision'] },
            },
            { type: 'announce', params: ({ event }) => ({ event: 'legal.extended', at: event.at }) },
          ],
        },
        'clinic.update_last_seen': updateLastSeen(false),
        'case.public_appeal': {
          guard: 'senderMay',
          actions: [
            assign(({ event }) => ({
              appeal: { expiresAt: event.expiresAt, consentRecordedBy: event.consentRecordedBy },
            })),
            {
              type: 'setDeadline',
              params: ({ event }) => ({ deadline: 'appealExpiry', dueAt: event.expiresAt }),
            },
            { type: 'announce', params: ({ event }) => ({ event: 'appeal.started', at: event.at }) },
          ],
        },
        'task.claim': {
          guard: 'mayClaim',
          actions: assign(({ context, event }) => ({
            claims: { ...context.claims, [event.task]: event.by },
          })),
        },
        'task.release': {
          guard: 'holdsClaim',
          actions: assign(({ context, event }) => ({ claims: without(context.claims, event.task) })),
        },
        'task.complete': {
          guard: 'mayComplete',
          actions: [
            assign(({ context, event }) => ({
              adhocTasks: context.adhocTasks.filter((t) => t.task !== event.task),
              appeal: event.task === 'withdraw_public_appeal' ? null : context.appeal,
            })),
            {
              type: 'clearDeadlines',
              params: ({ event }) => ({
                deadlines: event.task === 'withdraw_public_appeal' ? ['appealWithdrawal'] : [],
              }),
            },
          ],
        },
        // A party that could not be told is a handover at risk: the case escalates it, so someone acts.
        'delivery.failed': {
          actions: [
            assign(({ context, event }) => ({
              escalations: [
                ...context.escalations,
                {
                  reason: 'delivery_failed' as const,
                  to: context.policy.notifications.escalateFailuresTo,
                  at: event.at,
                  dueAt: event.at,
                },
              ],
            })),
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
              { type: 'clearDeadlines', params: { deadlines: ['appealExpiry'] } },
              {
                type: 'openAdhocTask',
                params: { task: 'withdraw_public_appeal', role: 'police_desk', deadline: 'appealWithdrawal' },
              },
              {
                type: 'setDeadline',
                params: ({ context, event }) => ({
                  deadline: 'appealWithdrawal',
                  dueAt: addMs(event.at, context.policy.publicAppeal.withdrawWithin),
                }),
              },
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
              meta: tasks({ task: 'complete_internal_search', role: 'clinic', deadline: 'internalSearch' }),
              entry: {
                type: 'setDeadline',
                params: ({ context }) => ({
                  deadline: 'internalSearch',
                  dueAt: addMs(context.reportedAt, context.policy.internalSearch.within),
                }),
              },
              exit: { type: 'clearDeadlines', params: { deadlines: ['internalSearch'] } },
              on: {
                'clinic.internal_search_done': [
                  {
                    guard: 'foundOnWard',
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
              meta: tasks({ task: 'acknowledge_report', role: 'police_desk', deadline: 'acknowledge' }),
              entry: {
                type: 'setDeadline',
                params: ({ context, event }) => ({
                  deadline: 'acknowledge',
                  dueAt: addMs(
                    instantOf(context, event as At),
                    context.urgent ? context.policy.acknowledge.urgent : context.policy.acknowledge.ordinary,
                  ),
                }),
              },
              exit: { type: 'clearDeadlines', params: { deadlines: ['acknowledge'] } },
              on: {
                'police.acknowledge': {
                  guard: 'senderMay',
                  target: 'searching',
                  actions: [
                    assign(({ context, event }) => ({
                      risk: event.risk,
                      urgent: event.urgent,
                      acknowledgedAt: context.acknowledgedAt ?? event.at,
                      assessments: [
                        ...context.assessments,
                        {
                          risk: event.risk,
                          urgent: event.urgent,
                          knownFacts: event.knownFacts,
                          source: event.source,
                          by: event.by,
                          at: event.at,
                          nextReviewAt: addMs(event.at, context.policy.review[event.risk]),
                        },
                      ],
                    })),
                    {
                      type: 'announce',
                      params: ({ event }) => ({ event: 'case.acknowledged', at: event.at }),
                    },
                  ],
                },
                'police.reject': {
                  guard: 'senderMay',
                  target: '#case.closed',
                  actions: [
                    { type: 'close', params: { outcome: 'rejected_by_police' } },
                    {
                      type: 'announce',
                      params: ({ event }) => ({ event: 'case.rejected', at: event.at, reason: event.reason }),
                    },
                  ],
                },
                'deadline.passed': overdue('acknowledge', 'police_desk'),
              },
            },
            searching: {
              meta: tasks({ task: 'review_risk', role: 'police_desk', deadline: 'review' }),
              entry: [
                {
                  type: 'setDeadline',
                  params: ({ context }) => ({
                    deadline: 'review',
                    dueAt: context.assessments.at(-1)!.nextReviewAt,
                  }),
                },
                { type: 'armThresholds' },
              ],
              exit: { type: 'clearDeadlines', params: { deadlines: ['review'] } },
              on: {
                'clinic.update_last_seen': updateLastSeen(true),
                'police.review_risk': {
                  guard: 'reviewInWindow',
                  actions: [
                    {
                      type: 'announce',
                      params: ({ context, event }) => ({
                        event: 'risk.regraded',
                        at: event.at,
                        reason: `${context.risk ?? 'none'}->${event.risk}`,
                      }),
                    },
                    assign(({ context, event }) => ({
                      risk: event.risk,
                      urgent: event.urgent,
                      assessments: [
                        ...context.assessments,
                        {
                          risk: event.risk,
                          urgent: event.urgent,
                          knownFacts: event.knownFacts,
                          source: event.source,
                          by: event.by,
                          at: event.at,
                          nextReviewAt: event.nextReviewAt,
                        },
                      ],
                    })),
                    {
                      type: 'setDeadline',
                      params: ({ event }) => ({ deadline: 'review', dueAt: event.nextReviewAt }),
                    },
                  ],
                },
                // New information calls for a fresh look at the risk [IOPC, Essex 2018]: the review comes forward.
                'case.add_information': {
                  guard: 'senderMay',
                  actions: [
                    assign(({ context }) => ({ informationCount: context.informationCount + 1 })),
                    {
                      type: 'setDeadline',
                      params: ({ context, event }) => ({
                        deadline: 'review',
                        dueAt: earlier(
                          context.deadlines.review ?? context.overdue.review?.dueAt,
                          addMs(event.at, context.policy.review.onNewInformation),
                        ),
                      }),
                    },
                    {
                      type: 'announce',
                      params: ({ event }) => ({ event: 'information.added', at: event.at }),
                    },
                  ],
                },
                'case.record_sighting': {
                  guard: 'senderMay',
                  actions: [
                    assign(({ context }) => ({ sightingCount: context.sightingCount + 1 })),
                    {
                      type: 'announce',
                      params: ({ event }) => ({ event: 'sighting.recorded', at: event.at }),
                    },
                  ],
                },
                'case.record_located': { guard: 'senderMay', target: 'located' },
                // A hand-over to another region is acknowledged again there, with a fresh deadline.
                'police.transfer': {
                  guard: 'senderMay',
                  target: 'reported',
                  actions: [
                    assign(({ event }) => ({ region: event.toRegion })),
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
                  {
                    guard: { type: 'deadlineIs', params: { deadline: 'nationalBureau' } },
                    actions: [
                      { type: 'clearDeadlines', params: { deadlines: ['nationalBureau'] } },
                      {
                        type: 'openAdhocTask',
                        params: { task: 'notify_national_bureau', role: 'police_supervisor', deadline: null },
                      },
                      {
                        type: 'announce',
                        params: ({ event }) => ({ event: 'threshold.national_bureau', at: event.at }),
                      },
                    ],
                  },
                  {
                    guard: { type: 'deadlineIs', params: { deadline: 'dnaTask' } },
                    actions: [
                      { type: 'clearDeadlines', params: { deadlines: ['dnaTask'] } },
                      {
                        type: 'openAdhocTask',
                        params: { task: 'request_dna_sample', role: 'police_desk', deadline: null },
                      },
                      {
                        type: 'announce',
                        params: ({ event }) => ({ event: 'threshold.dna_sample', at: event.at }),
                      },
                    ],
                  },
                  {
                    guard: { type: 'deadlineIs', params: { deadline: 'longTerm' } },
                    actions: [
                      { type: 'clearDeadlines', params: { deadlines: ['longTerm'] } },
                      {
                        type: 'openAdhocTask',
                        params: { task: 'set_long_term_status', role: 'police_supervisor', deadline: null },
                      },
                      {
                        type: 'announce',
                        params: ({ event }) => ({ event: 'threshold.long_term', at: event.at }),
                      },
                    ],
                  },
                ],
              },
            },
            located: {
              meta: tasks({ task: 'arrange_transport', role: 'police_desk', deadline: 'arrangeTransport' }),
              entry: [
                assign(({ context, event }) => ({ locatedAt: instantOf(context, event as At) })),
                { type: 'clearDeadlines', params: { deadlines: ['nationalBureau', 'dnaTask', 'longTerm'] } },
                {
                  type: 'setDeadline',
                  params: ({ context, event }) => ({
                    deadline: 'arrangeTransport',
                    dueAt: addMs(instantOf(context, event as At), context.policy.transport.arrangeWithin),
                  }),
                },
                {
                  type: 'announce',
                  params: ({ context, event }) => ({
                    event: 'person.located',
                    at: instantOf(context, event as At),
                  }),
                },
              ],
              always: {
                // Once found, a public appeal must come down at once [politie.nl 2021].
                guard: 'appealActive',
                actions: [
                  {
                    type: 'openAdhocTask',
                    params: {
                      task: 'withdraw_public_appeal',
                      role: 'police_desk',
                      deadline: 'appealWithdrawal',
                    },
                  },
                  { type: 'clearDeadlines', params: { deadlines: ['appealExpiry'] } },
                  {
                    type: 'setDeadline',
                    params: ({ context }) => ({
                      deadline: 'appealWithdrawal',
                      dueAt: addMs(context.locatedAt!, context.policy.publicAppeal.withdrawWithin),
                    }),
                  },
                  assign({ appeal: null }),
                ],
              },
              exit: { type: 'clearDeadlines', params: { deadlines: ['arrangeTransport'] } },
              on: {
                'transport.arrange': {
                  guard: 'transportJustified',
                  target: 'inTransport',
                  actions: [
                    assign(({ event }) => ({ transportMode: event.mode })),
                    // The crew gets a task of its own: it is what lets an ambulance user see the case at all.
                    {
                      type: 'openAdhocTask',
                      params: ({ event }) =>
                        event.mode === 'ambulance'
                          ? { task: 'transport_patient', role: 'ambulance', deadline: 'arrival' }
                          : null,
                    },
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
              meta: tasks({ task: 'confirm_arrival', role: 'clinic', deadline: 'arrival' }),
              entry: {
                type: 'setDeadline',
                params: ({ context, event }) => ({
                  deadline: 'arrival',
                  dueAt: addMs(instantOf(context, event as At), context.policy.transport.arrivalWithin),
                }),
              },
              exit: [
                { type: 'clearDeadlines', params: { deadlines: ['arrival'] } },
                assign(({ context }) => ({
                  adhocTasks: context.adhocTasks.filter((t) => t.task !== 'transport_patient'),
                })),
              ],
              on: {
                'clinic.confirm_return': { guard: 'senderMay', target: 'returned' },
                // An overdue arrival concerns both ends of the journey: the clinic waits, the police sent them.
                'deadline.passed': overdue('arrival', 'clinic'),
              },
            },
            returned: {
              meta: tasks({ task: 'debrief', role: 'clinic', deadline: 'debrief' }),
              entry: [
                assign(({ context, event }) => ({ returnedAt: instantOf(context, event as At) })),
                {
                  type: 'setDeadline',
                  params: ({ context, event }) => ({
                    deadline: 'debrief',
                    dueAt: addMs(instantOf(context, event as At), context.policy.afterReturn.debriefWithin),
                  }),
                },
                {
                  type: 'announce',
                  params: ({ context, event }) => ({
                    event: 'person.returned',
                    at: instantOf(context, event as At),
                  }),
                },
              ],
              on: {
                'clinic.complete_debrief': {
                  guard: 'senderMay',
                  target: '#case.closed',
                  actions: { type: 'close', params: { outcome: 'returned' } },
                },
                'deadline.passed': overdue('debrief', 'clinic'),
              },
            },
          },
        },
        legal: {
          initial: 'judging',
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
                    at: instantOf(context, event as At),
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
                {
                  type: 'announce',
                  params: ({ context, event }) => ({
                    event: 'legal.expired',
                    at: instantOf(context, event as At),
                  }),
                },
              ],
              states: {
                routing: {
                  always: [{ guard: 'searchStillOn', target: 'awaitingDecision' }, { target: 'crisisRoute' }],
                },
                // The power to bring the person back has lapsed: police decide whether an ordinary search goes on.
                awaitingDecision: {
                  meta: tasks({
                    task: 'decide_after_title_expiry',
                    role: 'police_desk',
                    deadline: 'afterExpiryDecision',
                  }),
                  entry: {
                    type: 'setDeadline',
                    params: ({ context, event }) => ({
                      deadline: 'afterExpiryDecision',
                      dueAt: addMs(instantOf(context, event as At), context.policy.legalTitle.decideWithin),
                    }),
                  },
                  exit: { type: 'clearDeadlines', params: { deadlines: ['afterExpiryDecision'] } },
                  on: {
                    'police.decide_after_expiry': [
                      {
                        guard: 'policeEndSearch',
                        target: '#case.closed',
                        actions: { type: 'close', params: { outcome: 'legal_basis_expired' } },
                      },
                      { guard: 'senderMay', target: 'settled' },
                    ],
                    'case.record_located': { target: 'crisisRoute' },
                    'deadline.passed': overdue('afterExpiryDecision', 'police_desk'),
                  },
                },
                // Found without a title: not brought back by force; a crisis assessment decides what follows.
                crisisRoute: {
                  meta: tasks({ task: 'arrange_crisis_assessment', role: 'police_desk', deadline: null }),
                  on: {
                    'transport.arrange': { target: 'settled' },
                    'clinic.confirm_return': { target: 'settled' },
                  },
                },
                settled: {},
              },
            },
          },
        },
      },
    },
    closed: {
      type: 'final',
      entry: {
        type: 'announce',
        params: ({ context }) => ({
          event: 'case.closed',
          at: context.closedAt ?? context.reportedAt,
          reason: context.outcome ?? undefined,
        }),
      },
    },
  },
});

export type CaseMachine = typeof caseMachine;
