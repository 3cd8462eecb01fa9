import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RecordActivities } from '../activities/record.activities';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { accepts } from '../machines/case.commands';
import type { CaseEvent, Command, CommandEvent, CommandType, DeadlineKey } from '../machines/case.events';
import { caseMachine, type Announcement, type CaseContext, type CaseInput } from '../machines/case.machine';
import { caseStatus } from '../machines/case.status';
import { caseView, type CaseView, type TimelineEntry } from '../machines/case.view';
import type { DeliveryRecord } from '../machines/notification.schema';
import type { CaseReport } from '../machines/report.schema';
import {
  appliedCommandsQuery,
  caseViewQuery,
  commandUpdates,
  recordSavedUpdate,
  type CommandReceipt,
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
  /** The record version the previous run wrote last. */
  version: number;
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
 * The records store is written with a local activity: its input (the whole case view) never enters the
 * history, only a small marker does, so a long case's history stays linear in its length. A store that is
 * down is retried until it is back; the case waits rather than lose a version.
 */
const { saveCaseRecord } = proxyLocalActivities<RecordActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

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
  // Every change to the view is a new record version; `saved` trails `version` until the store has it.
  let version = input.resume?.version ?? 0;
  let saved = version;
  const unsavedCommands: string[] = [];
  let published: string | undefined;
  let finished = false;

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

  function caseStatusOf() {
    return caseStatus(snapshot);
  }

  function view(): CaseView {
    return caseView(snapshot, { report: input.report, timeline, deliveries });
  }

  function collect(actions: { type: string; params?: unknown }[]): void {
    for (const action of actions) if (action.type === 'announce') pending.push(action.params as Announcement);
  }

  function apply(event: CaseEvent, commandId?: string): void {
    const [next, actions] = transition(caseMachine, snapshot, event);
    metrics.record(snapshot, next);
    snapshot = next;
    timeline.push({ type: event.type, at: event.at, by: 'by' in event ? event.by : null });
    if (commandId !== undefined) unsavedCommands.push(commandId);
    collect(actions);
    afterChange();
  }

  /** Marks the view changed: the persist loop writes the next version. */
  function changed(): void {
    version += 1;
  }

  /** Writes each new version to the records store, in order, one at a time. */
  async function persist(): Promise<void> {
    for (;;) {
      await condition(() => saved < version || finished);
      if (saved >= version) return;
      const target = version;
      const commands = unsavedCommands.splice(0);
      await saveCaseRecord({ version: target, view: view(), commands });
      saved = target;
    }
  }
  const stored = () => saved >= version;

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
    changed();
    publishSearchAttributes();
  }

  /**
   * Lets operators find a case in the Temporal UI by its handling facts. Only when they change: every
   * upsert is a history event, and all reads come from the records store.
   */
  function publishSearchAttributes(): void {
    const c = snapshot.context;
    const facts = {
      state: caseStatusOf(),
      region: c.region,
      institution: c.institutionId,
      risk: c.risk ?? c.proposedRisk,
      urgent: c.urgent,
    };
    const key = JSON.stringify(facts);
    if (key === published) return;
    published = key;
    upsertSearchAttributes([
      { key: SA.state, value: facts.state },
      { key: SA.region, value: facts.region },
      { key: SA.institution, value: facts.institution },
      { key: SA.risk, value: facts.risk },
      { key: SA.urgent, value: facts.urgent },
    ]);
  }

  function eventOf(type: CommandType, command: Command): CommandEvent {
    const { commandId: _id, ...payload } = command;
    // The Update's name fixes the event type; the API validated the payload against that event's schema.
    return { ...payload, type, at: new Date().toISOString() } as CommandEvent;
  }

  for (const type of Object.keys(commandUpdates) as CommandType[]) {
    setHandler(
      commandUpdates[type],
      async (command: Command): Promise<CommandReceipt> => {
        if (!applied.has(command.commandId)) {
          apply(eventOf(type, command), command.commandId);
          applied.add(command.commandId);
        }
        // Answer only once the store holds this version: the API reads the answer from there.
        const target = version;
        await condition(() => saved >= target);
        return {
          caseId: input.caseId,
          commandId: command.commandId,
          status: caseStatusOf(),
          version: target,
        };
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
  setHandler(recordSavedUpdate, async () => {
    const target = version;
    await condition(() => saved >= target);
    return { version: target };
  });
  setHandler(caseViewQuery, view);
  setHandler(appliedCommandsQuery, () => [...applied]);

  // Handlers change the snapshot while the loop awaits: read its status through a function.
  const closed = () => snapshot.status === 'done';
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested ||
    workflowInfo().historyLength > historyLimit ||
    workflowInfo().historySize > HISTORY_BYTES_LIMIT;

  const persisting = persist();
  // Announcements go out side by side: a party whose channel defers (a mail server saying "later") never
  // holds up another party's alert about what happened next.
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    // A full history matters only while the case runs: a closed case waits for its last deliveries.
    await condition(
      () => pending.length > 0 || (snapshot.status === 'done' ? inFlight.size === 0 : historyFull()),
    );
    if (snapshot.status !== 'done' && historyFull()) {
      // Long cases stay bounded: carry the snapshot (deadlines included), the delivery record and any
      // announcements not yet made into a fresh run. Timers are re-armed there from the deadlines, so one
      // armed here fires there at the same instant.
      await condition(() => allHandlersFinished() && stored() && inFlight.size === 0);
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
            version,
          },
        });
      }
    }
    const announcement = pending.shift();
    if (announcement) {
      const delivering = announce(announcement).finally(() => inFlight.delete(delivering));
      inFlight.add(delivering);
    } else if (snapshot.status === 'done' && inFlight.size === 0) {
      break;
    }
  }
  await condition(allHandlersFinished);
  finished = true;
  await persisting;
  return view();

  /** Tells every party the matrix names of one announcement, and records how each delivery went. */
  async function announce(announcement: Announcement): Promise<void> {
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
    // The delivery record is part of the case: one new version once the announcement's deliveries
    // settled, rather than one per delivery (each version is a store write and a history marker).
    changed();
  }
}
