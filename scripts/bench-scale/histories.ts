// What the cases' Temporal histories say: how late each timer that fired was acted on, how many events and
// bytes a case's history holds, and how many of its timers are still armed.
//
// Timer lateness, as the goal "timers firing late, p99 <= 1 s" is measured here. For each TimerFired event:
//   due     = the instant the workflow asked for: the workflow's clock in the task that started the timer
//             (that task's WorkflowTaskStarted time, which is what `Date.now()` reads in the workflow) plus
//             the timer's startToFireTimeout. For the benchmark's title ends it equals the title's `endsAt`
//             (checked: `dueVsDeadlineMs`).
//   acted   = the time of the first WorkflowTaskCompleted after the TimerFired event: the case has taken the
//             `deadline.passed` event, stored the new record version (a local activity inside that task)
//             and issued the announcements.
//   lateness = acted - due, the sum of three parts:
//     armMs    = TimerStarted - (due - duration): the timer starts when its task completes, not when it
//                began, so a long task (record saves run inside it) pushes the timer out by as much;
//     serverMs = TimerFired - (TimerStarted + duration): the Temporal server's timer queue;
//     workerMs = acted - TimerFired: the workflow task waiting for a worker, replaying the history when
//                the workflow is no longer cached, and running.
//   afterStartMs = serverMs + workerMs: the lateness Temporal and the worker add to a timer once started.
import { temporal } from '@temporalio/proto';
import { latency, mean, round, type Latency } from '../bench-stats';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Timestamp =
  { seconds?: number | { toString(): string } | null; nanos?: number | null } | null | undefined;

const { EventType } = temporal.api.enums.v1;
const { History } = temporal.api.history.v1;

const ms = (t: Timestamp): number => (t ? Number(String(t.seconds ?? 0)) * 1000 + (t.nanos ?? 0) / 1e6 : NaN);
const idOf = (event: HistoryEvent | undefined): number => Number(String(event?.eventId ?? 0));

/** One timer that fired, and how late the case acted on it. */
export type TimerFiring = {
  due: number;
  firedAt: number;
  /** Null when no workflow task completed after it (yet). */
  actedAt: number | null;
  latenessMs: number | null;
  armMs: number;
  serverMs: number;
  workerMs: number | null;
  afterStartMs: number | null;
  /** `due` less the deadline the benchmark set (the title's end), when it set one: should be about 0. */
  dueVsDeadlineMs: number | null;
};

/** One case's history, read. */
export type HistoryFacts = {
  events: number;
  bytes: number;
  byType: Record<string, number>;
  timersStarted: number;
  timersFired: number;
  timersCanceled: number;
  /** Workflow tasks that timed out or failed: a worker too slow or a task that threw. */
  workflowTaskTimeouts: number;
  workflowTaskFailures: number;
  firings: TimerFiring[];
};

/** Reads one history. `deadline`, if given, is the instant the benchmark meant the fired timer for. */
export function readHistory(history: temporal.api.history.v1.IHistory, deadline?: number): HistoryFacts {
  const events = history.events ?? [];
  const byId = new Map(events.map((e) => [idOf(e), e]));
  const byType: Record<string, number> = {};
  for (const event of events) {
    const name = (EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
    byType[name] = (byType[name] ?? 0) + 1;
  }
  const count = (type: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;
  const firings: TimerFiring[] = [];
  for (const [index, fired] of events.entries()) {
    if (fired.eventType !== EventType.EVENT_TYPE_TIMER_FIRED) continue;
    const started = byId.get(Number(String(fired.timerFiredEventAttributes?.startedEventId ?? 0)));
    const attributes = started?.timerStartedEventAttributes;
    if (!started || !attributes) continue;
    const duration = ms(attributes.startToFireTimeout);
    const completed = byId.get(Number(String(attributes.workflowTaskCompletedEventId ?? 0)));
    const taskStarted = byId.get(
      Number(String(completed?.workflowTaskCompletedEventAttributes?.startedEventId ?? 0)),
    );
    const clock = ms(taskStarted?.eventTime);
    const due = clock + duration;
    const acted = events
      .slice(index + 1)
      .find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const actedAt = acted ? ms(acted.eventTime) : null;
    const firedAt = ms(fired.eventTime);
    firings.push({
      due,
      firedAt,
      actedAt,
      latenessMs: actedAt === null ? null : actedAt - due,
      armMs: ms(started.eventTime) - clock,
      serverMs: firedAt - (ms(started.eventTime) + duration),
      workerMs: actedAt === null ? null : actedAt - firedAt,
      afterStartMs: actedAt === null ? null : actedAt - (ms(started.eventTime) + duration),
      dueVsDeadlineMs: deadline === undefined ? null : due - deadline,
    });
  }
  return {
    events: events.length,
    bytes: History.encode(history).finish().length,
    byType,
    timersStarted: count(EventType.EVENT_TYPE_TIMER_STARTED),
    timersFired: count(EventType.EVENT_TYPE_TIMER_FIRED),
    timersCanceled: count(EventType.EVENT_TYPE_TIMER_CANCELED),
    workflowTaskTimeouts: count(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
    workflowTaskFailures: count(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED),
    firings,
  };
}

/** History size over a set of cases: mean and max of events and bytes, and what one of them holds. */
export function historySizes(list: HistoryFacts[]) {
  const events = list.map((h) => h.events);
  const bytes = list.map((h) => h.bytes);
  const armed = list.map((h) => h.timersStarted - h.timersFired - h.timersCanceled);
  return {
    cases: list.length,
    events: { mean: round(mean(events)), p50: latency(events).p50, max: Math.max(0, ...events) },
    bytes: { mean: round(mean(bytes), 0), max: Math.max(0, ...bytes) },
    armedTimers: { mean: round(mean(armed), 2), min: Math.min(...armed), max: Math.max(0, ...armed) },
    workflowTaskTimeouts: list.reduce((n, h) => n + h.workflowTaskTimeouts, 0),
    workflowTaskFailures: list.reduce((n, h) => n + h.workflowTaskFailures, 0),
    byTypeOfFirst: list[0]?.byType ?? {},
  };
}

/** The lateness of every firing, and its parts, over the cases that were meant to fall due. */
export function timerLateness(firings: TimerFiring[]): {
  fired: number;
  actedOn: number;
  latenessMs: Latency;
  armMs: Latency;
  serverMs: Latency;
  workerMs: Latency;
  afterStartMs: Latency;
  dueVsDeadlineMs: { maxAbs: number } | null;
} {
  const acted = firings.filter((f) => f.latenessMs !== null);
  const checks = firings.map((f) => f.dueVsDeadlineMs).filter((d): d is number => d !== null);
  return {
    fired: firings.length,
    actedOn: acted.length,
    latenessMs: latency(acted.map((f) => f.latenessMs!)),
    armMs: latency(firings.map((f) => f.armMs)),
    serverMs: latency(firings.map((f) => f.serverMs)),
    workerMs: latency(acted.map((f) => f.workerMs!)),
    afterStartMs: latency(acted.map((f) => f.afterStartMs!)),
    dueVsDeadlineMs: checks.length ? { maxAbs: round(Math.max(...checks.map(Math.abs))) } : null,
  };
}
