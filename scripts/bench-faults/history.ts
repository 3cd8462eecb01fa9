import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Fault } from './faults';
import { distribution, Limiter } from './stats';

const { EventType, TimeoutType, WorkflowTaskFailedCause } = temporal.api.enums.v1;

/** One durable timer that fired, read from its workflow's history. All times epoch ms. */
export type FiredTimer = {
  workflowId: string;
  runId: string;
  timerId: string;
  /**
   * When the case's deadline fell: the workflow time of the task that armed the timer (its
   * WorkflowTaskStarted, which is `Date.now()` inside the workflow) plus the timer's duration.
   */
  dueMs: number;
  /** When the server meant to fire it: TimerStarted's time plus the duration (a little after `dueMs`). */
  serverDueMs: number;
  firedMs: number;
  /** The first WorkflowTaskCompleted after the TimerFired: when the workflow had acted on it. */
  actedMs: number | null;
  /** The worker process that had the workflow when the timer fired (last task completed before it). */
  holderPid: number | null;
  actedByPid: number | null;
};

/** A case workflow's run, as visibility lists it. */
export type Execution = { workflowId: string; runId: string; status: string };

/**
 * A workflow task that did not complete: timed out (start-to-close: the worker took too long or died
 * holding it; schedule-to-start: its sticky worker was gone) or failed. Its attempt may already have run
 * local activities (record saves, feed entries) whose effects stay while the task is tried again.
 */
export type LostTask = { workflowId: string; at: number; kind: string };

/** What the benchmark reads from one run's history. */
type RunHistory = { timers: FiredTimer[]; lostTasks: LostTask[]; events: number };

/** What it reads from all of them. */
export type Histories = { timers: FiredTimer[]; lostTasks: LostTask[]; eventsPerRun: number[] };

const pidOf = (identity: string | null | undefined) =>
  identity ? Number(identity.split('@')[0]) || null : null;

/** Every fired timer and every workflow task that did not complete, from every run's history. */
export async function readHistories(client: Client, executions: Execution[]): Promise<Histories> {
  const limiter = new Limiter(4);
  const perRun = await Promise.all(
    executions.map((e) =>
      limiter.run(async () =>
        readRun(e, await client.workflow.getHandle(e.workflowId, e.runId).fetchHistory()),
      ),
    ),
  );
  return {
    timers: perRun.flatMap((r) => r.timers),
    lostTasks: perRun.flatMap((r) => r.lostTasks),
    eventsPerRun: perRun.map((r) => r.events),
  };
}

function readRun(execution: Execution, history: temporal.api.history.v1.IHistory): RunHistory {
  const lostTasks: LostTask[] = [];
  const started = new Map<number, number>();
  const completed = new Map<number, { startedEventId: number }>();
  const armed = new Map<string, { dueMs: number; serverDueMs: number }>();
  const fired: FiredTimer[] = [];
  let holder: number | null = null;
  for (const event of history.events ?? []) {
    const id = Number(event.eventId);
    const at = tsToMs(event.eventTime);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        started.set(id, at);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        const attrs = event.workflowTaskCompletedEventAttributes!;
        completed.set(id, { startedEventId: Number(attrs.startedEventId) });
        holder = pidOf(attrs.identity);
        for (const timer of fired) {
          if (timer.actedMs !== null) continue;
          timer.actedMs = at;
          timer.actedByPid = holder;
        }
        break;
      }
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const attrs = event.timerStartedEventAttributes!;
        const durationMs = tsToMs(attrs.startToFireTimeout);
        const task = completed.get(Number(attrs.workflowTaskCompletedEventId));
        const armedAt = task ? started.get(task.startedEventId) : undefined;
        armed.set(attrs.timerId!, { dueMs: (armedAt ?? at) + durationMs, serverDueMs: at + durationMs });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT: {
        const type = event.workflowTaskTimedOutEventAttributes?.timeoutType;
        const kind =
          type === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START ? 'schedule-to-start' : 'start-to-close';
        lostTasks.push({ workflowId: execution.workflowId, at, kind: `timed out (${kind})` });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED: {
        const cause = event.workflowTaskFailedEventAttributes?.cause ?? 0;
        lostTasks.push({
          workflowId: execution.workflowId,
          at,
          kind: `failed (${WorkflowTaskFailedCause[cause]})`,
        });
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED: {
        const timerId = event.timerFiredEventAttributes!.timerId!;
        const timer = armed.get(timerId);
        if (!timer) break;
        fired.push({
          workflowId: execution.workflowId,
          runId: execution.runId,
          timerId,
          ...timer,
          firedMs: at,
          actedMs: null,
          holderPid: holder,
          actedByPid: null,
        });
        break;
      }
    }
  }
  return { timers: fired, lostTasks, events: history.events?.length ?? 0 };
}

/** Which fault, if any, a timer fell due in: down while it was due (a worker only if it held the timer). */
export function outageOf(timer: FiredTimer, faults: Fault[]): Fault | undefined {
  return faults.find((f) => {
    if (f.kind === 'api-sigkill') return false;
    const inWindow = timer.dueMs >= Date.parse(f.at) && timer.dueMs <= Date.parse(f.backServingAt);
    return inWindow && (f.kind !== 'worker-sigkill' || timer.holderPid === f.pid);
  });
}

export const LATENESS_DEFINITION =
  'For each durable timer that fired and whose due time fell inside a fault window — from the signal to ' +
  "'back serving' of Temporal (SIGKILL) or PostgreSQL (restart), or of a killed worker when that worker " +
  'held the workflow (it completed the last workflow task before the TimerFired) — lateness = (time of the ' +
  'first WorkflowTaskCompleted after the TimerFired, i.e. the workflow had acted on it) − max(due time, ' +
  "back-serving time). Due time = the WorkflowTaskStarted time of the task that armed the timer (the workflow's " +
  'Date.now() when it computed the sleep) + the timer duration, i.e. the case deadline itself. Negative ' +
  'values (acted before the part was back) are kept as they are.';

/** The results file's view of the timers: lateness after recovery for those due in an outage, and the rest. */
export function timerLateness(timers: FiredTimer[], faults: Fault[]) {
  const afterRecovery: number[] = [];
  const afterDue: number[] = [];
  const byFault = new Map<Fault, number[]>();
  const unaffected: number[] = [];
  let neverActed = 0;
  for (const timer of timers) {
    if (timer.actedMs === null) {
      neverActed++;
      continue;
    }
    const fault = outageOf(timer, faults);
    if (!fault) {
      unaffected.push(timer.actedMs - timer.dueMs);
      continue;
    }
    const lateness = timer.actedMs - Math.max(timer.dueMs, Date.parse(fault.backServingAt));
    afterRecovery.push(lateness);
    afterDue.push(timer.actedMs - timer.dueMs);
    byFault.set(fault, [...(byFault.get(fault) ?? []), lateness]);
  }
  const kinds = [...new Set(faults.map((f) => f.kind))].filter((k) => k !== 'api-sigkill');
  return {
    definition: LATENESS_DEFINITION,
    fired: timers.length,
    neverActed,
    dueDuringAnOutage: distribution(afterRecovery),
    dueDuringAnOutageMeasuredFromDue: distribution(afterDue),
    byKind: Object.fromEntries(
      kinds.map((kind) => [
        kind,
        distribution(faults.filter((f) => f.kind === kind).flatMap((f) => byFault.get(f) ?? [])),
      ]),
    ),
    byFault: faults
      .filter((f) => f.kind !== 'api-sigkill')
      .map((f) => ({ kind: f.kind, target: f.target, at: f.at, ...distribution(byFault.get(f) ?? []) })),
    notDueDuringAnOutage: { measuredFromDue: distribution(unaffected) },
  };
}
