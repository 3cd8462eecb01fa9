import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { accepts } from '../machines/case.commands';
import type { CaseEvent, Command, CommandEvent, CommandType, DeadlineKey } from '../machines/case.events';
import { caseMachine, type Announcement, type CaseContext, type CaseInput } from '../machines/case.machine';
import { caseView, type CaseView, type TimelineEntry } from '../machines/case.view';
import type { DeliveryRecord } from '../machines/notification.schema';
import type { CaseReport } from '../machines/report.schema';
import {
  appliedCommandsQuery,
  caseViewQuery,
  commandUpdates,
  type CommandReceipt,
  OPEN_TASKS_MEMO,
  TRANSITION_REFUSED,
} from './case.messages';
import { createCaseMetricsRecorder } from './case.metrics';
import { notifyParties } from './case.notifications';
import { CaseSearchAttributes as SA } from './case.search-attributes';

/** Where a case stood when its previous run continued as new. Plain JSON. */
export type CaseResume = {
  value: unknown;
  context: CaseContext;
  timeline: TimelineEntry[];
  applied: string[];
  /** Announcements the previous run had not yet made. */
  pending: Announcement[];
  /** What was delivered to whom so far: part of the case, visible to its parties. */
  deliveries: DeliveryRecord[];
};

/** The workflow's argument: the full report (encrypted by the payload codec) and the policy it runs under. */
export type CaseWorkflowInput = {
  caseId: string;
  report: CaseReport;
  policy: CaseInput['policy'];
  resume?: CaseResume;
  /** Continue as new past this many history events (Temporal also suggests it on its own). */
  historyLimit?: number;
};

/** What a finished case returns: its final view. */
export type CaseWorkflowResult = CaseView;

type CaseSnapshot = SnapshotFrom<typeof caseMachine>;

/** Command ids remembered across runs, so retries stay idempotent after continue-as-new. */
const APPLIED_KEPT = 1_000;
const DEFAULT_HISTORY_LIMIT = 5_000;
/**
 * Continue as new past this many bytes of history too: the view a run carries grows with the case, and a
 * run's history must stay far below Temporal's 50 MB hard limit and fetchable in one 4 MB page.
 */
const HISTORY_BYTES_LIMIT = 2 * 1024 * 1024;

/**
 * One case, end to end. The XState machine decides every transition; this workflow only feeds it events
 * (commands from Updates, deadlines from durable timers) and performs the effects it returns.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseWorkflowResult> {
  const timeline: TimelineEntry[] = input.resume?.timeline ?? [];
  const applied = new Set<string>(input.resume?.applied ?? []);
  const pending: Announcement[] = input.resume?.pending ?? [];
  const deliveries: DeliveryRecord[] = input.resume?.deliveries ?? [];
  const timers = new Map<DeadlineKey, { dueAt: string; scope: CancellationScope }>();
  const metrics = createCaseMetricsRecorder(input.report);

  let snapshot: CaseSnapshot;
  if (input.resume) {
    snapshot = caseMachine.resolveState({
      value: input.resume.value as never,
      context: input.resume.context,
    });
  } else {
    // The case is reported when Temporal starts it: one clock for every deadline that follows.
    const reportedAt = workflowInfo().startTime.toISOString();
    const [initial, actions] = initialTransition(caseMachine, {
      caseId: input.caseId,
      reportedAt,
      report: input.report,
      policy: input.policy,
    });
    snapshot = initial;
    timeline.push({ type: 'case.reported', at: reportedAt, by: null });
    collect(actions);
    metrics.record(null, snapshot);
  }
  afterChange();

  function view(): CaseView {
    return caseView(snapshot, { report: input.report, timeline, deliveries });
  }

  function collect(actions: { type: string; params?: unknown }[]): void {
    for (const action of actions) if (action.type === 'announce') pending.push(action.params as Announcement);
  }

  function apply(event: CaseEvent): void {
    const [next, actions] = transition(caseMachine, snapshot, event);
    metrics.record(snapshot, next);
    snapshot = next;
    timeline.push({ type: event.type, at: event.at, by: 'by' in event ? event.by : null });
    collect(actions);
    afterChange();
  }

  /** Keeps one durable timer per live deadline in the machine's context, and nothing else. */
  function afterChange(): void {
    const deadlines = snapshot.status === 'done' ? {} : snapshot.context.deadlines;
    for (const [key, timer] of timers) {
      if (deadlines[key] !== timer.dueAt) {
        timer.scope.cancel();
        timers.delete(key);
      }
    }
    for (const [key, dueAt] of Object.entries(deadlines) as [DeadlineKey, string][]) {
      if (timers.has(key)) continue;
      const scope = new CancellationScope();
      timers.set(key, { dueAt, scope });
      scope
        .run(() => sleep(Math.max(0, Date.parse(dueAt) - Date.now())))
        .then(
          () => {
            if (timers.get(key)?.scope !== scope) return;
            timers.delete(key);
            apply({ type: 'deadline.passed', at: new Date().toISOString(), deadline: key });
          },
          (error: unknown) => {
            if (!isCancellation(error)) throw error;
          },
        );
    }
    publishSearchAttributes();
  }

  function publishSearchAttributes(): void {
    const current = view();
    const dues = current.tasks.flatMap((t) => (t.dueAt ? [t.dueAt] : [])).sort();
    const roles = current.tasks.flatMap((t) => (t.escalatedTo ? [t.role, t.escalatedTo] : [t.role]));
    upsertSearchAttributes([
      { key: SA.state, value: current.status },
      { key: SA.region, value: current.region },
      { key: SA.institution, value: current.institutionId },
      { key: SA.risk, value: current.risk ?? current.proposedRisk },
      { key: SA.urgent, value: current.urgent },
      { key: SA.openTaskRoles, value: [...new Set(roles)] },
      {
        key: SA.assignees,
        value: [...new Set(current.tasks.flatMap((t) => (t.claimedBy ? [t.claimedBy.id] : [])))],
      },
      { key: SA.nextDueAt, value: dues[0] ? new Date(dues[0]) : null },
      {
        key: SA.overdueRoles,
        value: [...new Set(current.tasks.flatMap((t) => (t.escalatedTo ? [t.role] : [])))],
      },
    ]);
    // The inbox lists tasks, not cases: each open task's facts (no personal data) travel in the memo.
    upsertMemo({ [OPEN_TASKS_MEMO]: current.tasks });
  }

  function eventOf(type: CommandType, command: Command): CommandEvent {
    const { commandId: _id, ...payload } = command;
    // The Update's name fixes the event type; the API validated the payload against that event's schema.
    return { ...payload, type, at: new Date().toISOString() } as CommandEvent;
  }

  for (const type of Object.keys(commandUpdates) as CommandType[]) {
    setHandler(
      commandUpdates[type],
      (command: Command): CommandReceipt => {
        if (!applied.has(command.commandId)) {
          apply(eventOf(type, command));
          applied.add(command.commandId);
        }
        return { caseId: input.caseId, commandId: command.commandId, status: view().status };
      },
      {
        validator: (command: Command) => {
          if (applied.has(command.commandId)) return;
          if (!accepts(snapshot, eventOf(type, command))) {
            throw ApplicationFailure.create({
              type: TRANSITION_REFUSED,
              message: `'${type}' is not possible while the case is ${view().status}`,
              details: [view().status],
              nonRetryable: true,
            });
          }
        },
      },
    );
  }
  setHandler(caseViewQuery, view);
  setHandler(appliedCommandsQuery, () => [...applied]);

  // Handlers change the snapshot while the loop awaits: read its status through a function.
  const closed = () => snapshot.status === 'done';
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested ||
    workflowInfo().historyLength > historyLimit ||
    workflowInfo().historySize > HISTORY_BYTES_LIMIT;

  for (;;) {
    await condition(() => pending.length > 0 || snapshot.status === 'done' || historyFull());
    if (snapshot.status !== 'done' && historyFull()) {
      // Long cases stay bounded: carry the snapshot (deadlines included), the delivery record and any
      // announcements not yet made into a fresh run. Timers are re-armed there from the deadlines, so one
      // armed here fires there at the same instant.
      await condition(allHandlersFinished);
      if (!closed()) {
        const persisted = caseMachine.getPersistedSnapshot(snapshot) as unknown as {
          value: unknown;
          context: CaseContext;
        };
        await continueAsNew<typeof caseWorkflow>({
          ...input,
          resume: {
            value: persisted.value,
            context: persisted.context,
            timeline,
            applied: [...applied].slice(-APPLIED_KEPT),
            pending,
            deliveries,
          },
        });
      }
    }
    // One at a time, so a history that fills up meanwhile is noticed before the next.
    const announcement = pending.shift();
    if (announcement) {
      await notifyParties(announcement, {
        context: snapshot.context,
        view: view(),
        deliveries,
        settled: (delivery) => metrics.notification(delivery, snapshot.context.region),
        failed: ({ deliveryId, reason, at }) => {
          // A failure to tell the supervisor of a failure is on the record; escalating it again would loop.
          if (announcement.event === 'delivery.failed') return;
          const event = { type: 'delivery.failed', at, deliveryId, reason } as const;
          if (snapshot.can(event)) apply(event);
          else {
            // The case has ended and takes no events; the supervisor must still hear of it.
            const escalateTo = snapshot.context.policy.notifications.escalateFailuresTo;
            pending.push({ event: 'delivery.failed', at, reason, escalateTo });
          }
        },
      });
    } else if (snapshot.status === 'done') {
      break;
    }
  }
  await condition(allHandlersFinished);
  return view();
}
