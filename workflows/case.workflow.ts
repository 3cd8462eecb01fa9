import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ProfileActivities, ProfileNotice } from '../activities/profile.activities';
import type { RecordActivities } from '../activities/record.activities';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { refusalOf } from '../machines/case.access';
import type { RecordEntry } from '../machines/case.context';
import type { CaseEvent, CommandEvent, CommandType, DeadlineKey } from '../machines/case.events';
import {
  caseMachine,
  effectsOf,
  type Announcement,
  type CaseContext,
  type CaseInput,
} from '../machines/case.machine';
import { caseStatus, type CaseStatus } from '../machines/case.status';
import { caseState, nextView, nothingAdded, type HistoryAdded } from '../machines/case.view';
import type { DeliveryRecord } from '../machines/notification.schema';
import type { CaseReport } from '../machines/report.schema';
import {
  COMMAND_FORBIDDEN,
  commandUpdates,
  recordSavedUpdate,
  TRANSITION_REFUSED,
  type CommandReceipt,
  type CommandRequest,
} from './case.messages';
import { createCaseMetricsRecorder } from './case.metrics';
import { notifyParties } from './case.notifications';
import { CaseSearchAttributes as SA } from './case.search-attributes';
import { deadlineTimers } from './deadline-timers';

/**
 * Where a case stood when its previous run continued as new: only what decisions need. Its history
 * (timeline, assessments, escalations, deliveries) is in the records store, so this stays the same size
 * however long the case runs. Plain JSON.
 */
export type CaseResume = {
  value: unknown;
  context: CaseContext;
  /** The latest command ids, so a retry that reaches the next run is still applied once. */
  applied: string[];
  /** Announcements the previous run had not yet made. */
  pending: Announcement[];
  /** The record version the previous run wrote last. */
  version: number;
  /** The instant of the previous run's last event. */
  lastAt?: string;
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

/** What a finished case returns: how it ended, and the record version that holds it. */
export type CaseWorkflowResult = { caseId: string; status: CaseStatus; version: number };

type CaseSnapshot = SnapshotFrom<typeof caseMachine>;

/**
 * Command ids remembered across runs, so retries stay idempotent after continue-as-new. The API's own
 * idempotency keys (kept 30 days in the records store) answer a retry before it reaches the case; these
 * guard the Update itself, and 1,000 is far more commands than a case takes in a week.
 */
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

/** A profile hears of a case's absence; a failure is retried until it does, however long that takes. */
const { tellProfile } = proxyActivities<ProfileActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * What made an event: a party's command, a deadline falling due, or a delivery that failed. Its id names
 * the deliveries the event announces, so a workflow task run again announces under the same names.
 */
type Cause = { command: string } | { deadline: DeadlineKey; at: string } | { delivery: string };

function causeId(cause: Cause): string {
  if ('command' in cause) return cause.command;
  if ('deadline' in cause) return `deadline:${cause.deadline}:${cause.at}`;
  return `delivery:${cause.delivery}`;
}

/**
 * One case, end to end. The XState machine decides every transition; this workflow only feeds it events
 * (commands from Updates, deadlines from durable timers) and performs the effects it returns.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseWorkflowResult> {
  const applied = new Set<string>(input.resume?.applied ?? []);
  const pending: Announcement[] = input.resume?.pending ?? [];
  // What the next record version adds to the case's history; emptied by each write.
  let added: HistoryAdded = { timeline: [], entries: [], deliveries: [] };
  // Deliveries of this run, so an announcement made twice in it plans nothing twice.
  const deliveries: DeliveryRecord[] = [];
  // It passed when it fell due, however late the timer fired after an outage.
  const timers = deadlineTimers<DeadlineKey>((deadline, dueAt) => {
    const at = instantOf(dueAt);
    apply({ type: 'deadline.passed', at, deadline }, { deadline, at });
  });
  const metrics = createCaseMetricsRecorder(input.report);
  // Every change to the view is a new record version; `saved` trails `version` until the store has it.
  let version = input.resume?.version ?? 0;
  let saved = version;
  const unsavedCommands: string[] = [];
  let published: string | undefined;
  let finished = false;
  // The latest event's instant: the report's, or the previous run's last (a continued run starts after it).
  let lastAt = input.resume
    ? (input.resume.lastAt ?? workflowInfo().runStartTime.toISOString())
    : workflowInfo().startTime.toISOString();

  // Only a report filed from a profile tells it anything: a case without one runs, and replays, as before.
  const fromProfile = input.report.fromProfile;
  let tellingProfile = 0;
  const tell = async (event: ProfileNotice['event']): Promise<void> => {
    if (!fromProfile) return;
    tellingProfile += 1;
    try {
      await tellProfile({
        profileId: fromProfile.profileId,
        institutionId: input.report.institutionId,
        ward: input.report.clinicContact.ward,
        event,
      });
    } finally {
      tellingProfile -= 1;
    }
  };
  let told: Promise<void> = Promise.resolve();

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
    added.timeline.push({ type: 'case.reported', at: reportedAt, by: null });
    metrics.record(null, snapshot, collect(actions, 'report'));
    // The profile learns of the absence beside the case's first steps, never holding them up.
    told = tell({ type: 'absence.reported', at: reportedAt, caseId: input.caseId });
  }
  afterChange();

  function caseStatusOf() {
    return caseStatus(snapshot);
  }

  /**
   * Performs the machine's effects: announcements go out, named by their cause, and record entries go with
   * the next version.
   */
  function collect(actions: { type: string; params?: unknown }[], cause: string): RecordEntry[] {
    const { announcements, entries } = effectsOf(actions);
    pending.push(...announcements.map((announcement) => ({ ...announcement, cause })));
    added.entries.push(...entries);
    return entries;
  }

  /**
   * An event's instant: the one it brings (when the API took a command, when a deadline fell due), else
   * the workflow's clock, and never before the case's last event, so the timeline reads in order. Workflow
   * time differs between attempts of one workflow task; a brought instant does not, so a task run again
   * after a crash announces with the same instants, and so with the same delivery ids.
   */
  function instantOf(brought?: string): string {
    const at = brought ?? new Date().toISOString();
    return Date.parse(at) > Date.parse(lastAt) ? at : lastAt;
  }

  /** Feeds one event to the machine. A transition that changes nothing (a holder claiming again) leaves no trace. */
  function apply(event: CaseEvent, cause: Cause): void {
    const [next, actions] = transition(caseMachine, snapshot, event);
    const unchanged =
      next.context === snapshot.context && JSON.stringify(next.value) === JSON.stringify(snapshot.value);
    if (actions.length === 0 && unchanged) return;
    const recorded = collect(actions, causeId(cause));
    metrics.record(snapshot, next, recorded);
    snapshot = next;
    if (Date.parse(event.at) > Date.parse(lastAt)) lastAt = event.at;
    added.timeline.push({
      type: event.type,
      at: event.at,
      by: 'by' in event ? event.by : null,
      ...(recorded.length > 0 && { recorded }),
    });
    if ('command' in cause) unsavedCommands.push(cause.command);
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
      const history = added;
      added = { timeline: [], entries: [], deliveries: [] };
      await saveCaseRecord({
        version: target,
        state: caseState(snapshot, input.report),
        added: history,
        commands,
      });
      saved = target;
    }
  }
  const stored = () => saved >= version;

  /** Keeps one durable timer per live deadline in the machine's context, and nothing else. */
  function afterChange(): void {
    const deadlines = snapshot.status === 'done' ? {} : snapshot.context.deadlines;
    timers.keep(deadlines);
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

  function eventOf(type: CommandType, command: CommandRequest): CommandEvent {
    const { commandId: _id, forTask: _task, sentAt, ...payload } = command;
    // The Update's name fixes the event type; the API validated the payload against that event's schema.
    return { ...payload, type, at: instantOf(sentAt) } as CommandEvent;
  }

  for (const type of Object.keys(commandUpdates) as CommandType[]) {
    setHandler(
      commandUpdates[type],
      async (command: CommandRequest): Promise<CommandReceipt> => {
        if (!applied.has(command.commandId)) {
          apply(eventOf(type, command), { command: command.commandId });
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
        // A refused command leaves no trace in the history: the validator runs before the Update is accepted.
        validator: (command: CommandRequest) => {
          if (applied.has(command.commandId)) return;
          const refusal = refusalOf(snapshot, eventOf(type, command), command.forTask);
          if (refusal) {
            throw ApplicationFailure.create({
              type: refusal.kind === 'forbidden' ? COMMAND_FORBIDDEN : TRANSITION_REFUSED,
              message: refusal.message,
              details: [caseStatusOf()],
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
      // Long cases stay bounded: carry the snapshot (deadlines included) and any announcements not yet
      // made into a fresh run; everything else is in the records store. Timers are re-armed there from the deadlines, so one
      // armed here fires there at the same instant.
      await condition(() => allHandlersFinished() && stored() && inFlight.size === 0 && tellingProfile === 0);
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
            applied: [...applied].slice(-APPLIED_KEPT),
            pending,
            version,
            lastAt,
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
  await told;
  if (snapshot.context.outcome !== null) {
    await tell({
      type: 'absence.ended',
      at: snapshot.context.closedAt ?? lastAt,
      caseId: input.caseId,
      outcome: snapshot.context.outcome,
    });
  }
  await condition(allHandlersFinished);
  finished = true;
  await persisting;
  return { caseId: input.caseId, status: caseStatusOf(), version };

  /** Tells every party the matrix names of one announcement, and records how each delivery went. */
  async function announce(announcement: Announcement): Promise<void> {
    await notifyParties(announcement, {
      context: snapshot.context,
      view: nextView(caseState(snapshot, input.report), undefined, nothingAdded),
      deliveries,
      changed: (delivery) => added.deliveries.push(delivery),
      settled: (delivery) => metrics.notification(delivery, snapshot.context.region),
      failed: ({ deliveryId, reason, at }) => {
        // A failure to tell the supervisor of a failure is on the record; escalating it again would loop.
        if (announcement.event === 'delivery.failed') return;
        const event = { type: 'delivery.failed', at, deliveryId, reason } as const;
        if (snapshot.can(event)) apply(event, { delivery: deliveryId });
        else {
          // The case has ended and takes no events; the supervisor must still hear of it.
          const escalateTo = snapshot.context.policy.notifications.escalateFailuresTo;
          pending.push({ event: 'delivery.failed', at, reason, escalateTo, cause: `delivery:${deliveryId}` });
        }
      },
    });
    // The delivery record is part of the case: one new version once the announcement's deliveries
    // settled, rather than one per delivery (each version is a store write and a history marker).
    changed();
  }
}
