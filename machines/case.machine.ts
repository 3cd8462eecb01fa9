import { assign, setup } from 'xstate';
import type { CaseEvent, DeadlineKey, Outcome, Role, TaskKind } from './case.events';
import { addMs } from './duration';
import type { Policy } from './policy.schema';
import type { CaseReport, RiskGrade } from './report.schema';

/** What the workflow hands the machine when a case is filed. Plain JSON. */
export type CaseInput = {
  caseId: string;
  reportedAt: string;
  report: Pick<CaseReport, 'region' | 'institutionId' | 'kind' | 'urgent' | 'proposedRisk'>;
  policy: Policy & { version: string };
};

/** Something the parties must hear about; the notification rules decide who hears it and how. */
export type Announcement = {
  event: 'case.reported' | 'case.acknowledged' | 'case.rejected' | 'case.closed' | 'task.escalated';
  at: string;
  reason?: string | undefined;
  escalateTo?: Role | undefined;
};

export type Escalation = { reason: `${DeadlineKey}_overdue`; to: Role; at: string; dueAt: string };

export type CaseContext = {
  caseId: string;
  region: string;
  institutionId: string;
  kind: CaseInput['report']['kind'];
  urgent: boolean;
  proposedRisk: RiskGrade;
  /** Police decide the grade; null until they have. A disagreement with the clinic's proposal stays visible. */
  risk: RiskGrade | null;
  policy: CaseInput['policy'];
  reportedAt: string;
  acknowledgedAt: string | null;
  /** Live deadlines as ISO instants. Time enters the machine only as events, so it stays pure and replayable. */
  deadlines: Partial<Record<DeadlineKey, string>>;
  escalations: Escalation[];
  outcome: Outcome | null;
  closedAt: string | null;
};

/** A task a state opens: who owns it and which deadline it is due by. Read by `openTasks`. */
export type TaskMeta = { task: TaskKind; role: Role; deadline: DeadlineKey };

export const caseMachine = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseEvent,
    input: {} as CaseInput,
  },
  actions: {
    // Effects are data: the pure `transition` returns them and the workflow performs them as activities.
    announce: (_, _announcement: Announcement) => undefined,
    clearDeadline: assign(({ context }, params: { deadline: DeadlineKey }) => {
      const { [params.deadline]: _cleared, ...deadlines } = context.deadlines;
      return { deadlines };
    }),
    close: assign((_, params: { outcome: Outcome; at: string }) => ({
      outcome: params.outcome,
      closedAt: params.at,
    })),
  },
  guards: {
    deadlineIs: ({ event }, params: { deadline: DeadlineKey }) =>
      event.type === 'deadline.passed' && event.deadline === params.deadline,
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
    acknowledgedAt: null,
    deadlines: {
      acknowledge: addMs(
        input.reportedAt,
        input.report.urgent ? input.policy.acknowledge.urgent : input.policy.acknowledge.ordinary,
      ),
    },
    escalations: [],
    outcome: null,
    closedAt: null,
  }),
  initial: 'open',
  states: {
    open: {
      entry: {
        type: 'announce',
        params: ({ context }) => ({ event: 'case.reported', at: context.reportedAt }),
      },
      initial: 'reported',
      on: {
        'case.withdraw': {
          target: 'closed',
          actions: { type: 'close', params: ({ event }) => ({ outcome: 'withdrawn', at: event.at }) },
        },
      },
      states: {
        reported: {
          meta: { tasks: [{ task: 'acknowledge_report', role: 'police_desk', deadline: 'acknowledge' }] },
          exit: { type: 'clearDeadline', params: { deadline: 'acknowledge' } },
          on: {
            'police.acknowledge': {
              target: 'searching',
              actions: [
                assign(({ event }) => ({ risk: event.risk, urgent: event.urgent, acknowledgedAt: event.at })),
                { type: 'announce', params: ({ event }) => ({ event: 'case.acknowledged', at: event.at }) },
              ],
            },
            'police.reject': {
              target: '#case.closed',
              actions: [
                { type: 'close', params: ({ event }) => ({ outcome: 'rejected_by_police', at: event.at }) },
                {
                  type: 'announce',
                  params: ({ event }) => ({ event: 'case.rejected', at: event.at, reason: event.reason }),
                },
              ],
            },
            'deadline.passed': {
              guard: { type: 'deadlineIs', params: { deadline: 'acknowledge' } },
              actions: [
                assign(({ context, event }) => ({
                  escalations: [
                    ...context.escalations,
                    {
                      reason: 'acknowledge_overdue',
                      to: 'police_supervisor',
                      at: event.at,
                      dueAt: context.deadlines.acknowledge ?? event.at,
                    } as const,
                  ],
                })),
                // A passed deadline is spent: the task stays open, now also with the supervisor.
                { type: 'clearDeadline', params: { deadline: 'acknowledge' } },
                {
                  type: 'announce',
                  params: ({ event }) => ({
                    event: 'task.escalated',
                    at: event.at,
                    reason: 'acknowledge_overdue',
                    escalateTo: 'police_supervisor',
                  }),
                },
              ],
            },
          },
        },
        searching: {
          on: {
            'case.close': {
              target: '#case.closed',
              actions: { type: 'close', params: ({ event }) => ({ outcome: event.outcome, at: event.at }) },
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
