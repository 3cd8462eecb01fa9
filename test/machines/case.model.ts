import { initialTransition, transition, type ActorLogic, type EventObject, type SnapshotFrom } from 'xstate';
import { closingRoles, refusalOf } from '../../machines/case.access';
import type { RecordEntry } from '../../machines/case.context';
import {
  DirectOutcomeSchema,
  type Actor,
  type CaseEvent,
  type Outcome,
  type Role,
} from '../../machines/case.events';
import { caseMachine, effectsOf, type Announcement, type CaseInput } from '../../machines/case.machine';
import { aTitle, actorFor, clinician, police, supervisor } from '../support/fixtures';

type MachineSnapshot = SnapshotFrom<typeof caseMachine>;

/**
 * The case machine as a model for path generation: its snapshot, plus the clock of the world around it and
 * every announcement made on the way. Time only moves forward, and no deadline is passed by without firing.
 */
export type ModelState = {
  status: 'active' | 'done';
  output: undefined;
  error: undefined;
  machine: MachineSnapshot;
  clock: string;
  announced: Announcement[];
  /** Every entry the machine added to the case's record. */
  recorded: RecordEntry[];
};

const MINUTE = 60_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

function step(state: ModelState, event: CaseEvent): ModelState {
  const [machine, actions] = transition(caseMachine, state.machine, event);
  return {
    status: machine.status === 'done' ? 'done' : 'active',
    output: undefined,
    error: undefined,
    machine,
    clock: event.at > state.clock ? event.at : state.clock,
    announced: [...state.announced, ...effectsOf(actions).announcements],
    recorded: [...state.recorded, ...effectsOf(actions).entries],
  };
}

/** The machine wrapped as actor logic that xstate/graph can traverse. */
export const caseModel = {
  config: caseMachine.config,
  transition: (state: ModelState, event: CaseEvent) => step(state, event),
  getInitialSnapshot: (_scope: unknown, input: CaseInput): ModelState => {
    const [machine, actions] = initialTransition(caseMachine, input);
    return {
      status: machine.status === 'done' ? 'done' : 'active',
      output: undefined,
      error: undefined,
      machine,
      clock: input.reportedAt,
      announced: effectsOf(actions).announcements,
      recorded: effectsOf(actions).entries,
    };
  },
  getPersistedSnapshot: (state: ModelState) => state,
} as unknown as ActorLogic<ModelState & { status: 'active' }, CaseEvent & EventObject, CaseInput>;

export const actors: Record<Role, Actor> = actorFor;

/**
 * The events the world may send next. Commands come a minute after the last thing that happened, unless a
 * deadline falls due first: then only that deadline can happen. Each command is one the workflow would let
 * through (`accepts`), sent by a role allowed to send it.
 */
export function nextEvents(state: ModelState): CaseEvent[] {
  return candidateEvents(state).filter(
    (event) =>
      event.type === 'deadline.passed' ||
      refusalOf(state.machine, event as Parameters<typeof refusalOf>[1]) === null,
  );
}

/** Every event the world could try next, accepted or not (see nextEvents). */
function candidateEvents(state: ModelState): CaseEvent[] {
  if (state.machine.status === 'done') return [];
  const c = state.machine.context;
  const due = Object.entries(c.deadlines).sort(([, a], [, b]) => a.localeCompare(b));
  const now = plus(state.clock, MINUTE);
  const earliest = due[0]?.[1];
  if (earliest !== undefined && earliest <= now) {
    return due
      .filter(([, at]) => at === earliest)
      .map(([deadline, at]) => ({
        type: 'deadline.passed',
        deadline: deadline as keyof typeof c.deadlines,
        at: at > state.clock ? at : state.clock,
      }));
  }
  const at = now;
  const deadlines: CaseEvent[] = due
    .filter(([, dueAt]) => dueAt === earliest)
    .map(([deadline, dueAt]) => ({
      type: 'deadline.passed',
      deadline: deadline as keyof typeof c.deadlines,
      at: dueAt,
    }));
  const commands: CaseEvent[] = [
    { type: 'clinic.internal_search_done', at, by: clinician, found: false },
    { type: 'clinic.internal_search_done', at, by: clinician, found: true },
    {
      type: 'police.acknowledge',
      at,
      by: police,
      risk: 'high',
      urgent: true,
      knownFacts: 'left through the garden',
      source: 'ward nurse',
    },
    { type: 'police.reject', at, by: police, grounds: 'no_danger', reason: 'no danger, no title' },
    { type: 'clinic.route_after_rejection', at, by: clinician, route: 'own_search' },
    { type: 'clinic.route_after_rejection', at, by: clinician, route: 'close' },
    { type: 'clinic.dispute_rejection', at, by: clinician, reason: 'no clozapine for two days' },
    { type: 'police.review_rejection', at, by: supervisor, uphold: true, reason: 'no danger' },
    { type: 'police.review_rejection', at, by: supervisor, uphold: false, reason: 'acute danger' },
    {
      type: 'police.review_risk',
      at,
      by: police,
      risk: 'low',
      urgent: false,
      knownFacts: 'seen calm at the station',
      source: 'conductor',
      nextReviewAt: plus(at, 24 * 60 * MINUTE),
    },
    { type: 'case.record_located', at, by: police, foundBy: 'police', place: 'Station Assen' },
    {
      type: 'police.record_custody',
      at,
      by: police,
      place: 'Politiebureau Assen',
      expectedReleaseAt: plus(at, 6 * 60 * MINUTE),
    },
    { type: 'police.release_from_custody', at, by: police },
    { type: 'police.place_alert', at, by: police, reference: 'SIG-1' },
    {
      type: 'transport.arrange',
      at,
      by: police,
      mode: 'ambulance',
      pickup: 'Station Assen',
      destination: 'De Linde, GGZ Noord',
    },
    { type: 'clinic.confirm_return', at, by: clinician },
    {
      type: 'clinic.complete_debrief',
      at,
      by: clinician,
      safeAndWell: true,
      whatHappened: 'took the train to see his sister',
      pushFactors: [],
      pullFactors: [],
      plansUpdated: false,
    },
    {
      type: 'clinic.complete_debrief',
      at,
      by: clinician,
      safeAndWell: false,
      whatHappened: 'slept rough two nights, not eating',
      pushFactors: ['fear of a fellow patient'],
      pullFactors: [],
      plansUpdated: false,
    },
    { type: 'clinic.complete_follow_up', at, by: clinician, agreed: 'home treatment team daily for a week' },
    {
      type: 'clinic.update_title',
      at,
      by: clinician,
      title: aTitle({ kind: 'zorgmachtiging', startsOn: '2026-11-20', endsOn: '2027-05-20' }),
    },
    { type: 'police.decide_after_expiry', at, by: police, continueSearch: true },
    { type: 'police.decide_after_expiry', at, by: police, continueSearch: false },
    {
      type: 'case.public_appeal',
      at,
      by: police,
      consentRecordedBy: 'dr. A. Bakker',
      expiresAt: plus(at, 48 * 60 * MINUTE),
    },
    ...c.adhocTasks.map((t) => ({ type: 'task.complete' as const, at, by: police, task: t.task })),
    { type: 'police.transfer', at, by: police, toRegion: 'oost-nl' },
    ...DirectOutcomeSchema.options.map((outcome) => ({
      type: 'case.close' as const,
      at,
      by: actors[closingRoles[outcome][0]!],
      outcome,
    })),
    { type: 'case.withdraw', at, by: clinician, reason: 'found in the garden shed', falseAlarm: true },
    { type: 'case.withdraw', at, by: clinician, reason: 'mistaken report', falseAlarm: false },
  ];
  return [...deadlines, ...commands];
}

/**
 * What the model remembers of a state: where the case stands, which tasks are overdue or open beside the
 * lifecycle, whether an appeal runs, and the outcome. Counts and instants are left out, so paths stay finite.
 */
export function abstractState(state: ModelState): string {
  const c = state.machine.context;
  return JSON.stringify({
    value: state.machine.value,
    outcome: c.outcome,
    overdue: Object.keys(c.overdue).sort(),
    adhoc: c.adhocTasks.map((t) => t.task).sort(),
    appeal: c.appeal !== null,
    alert: c.alert !== null,
    region: c.region,
    extended: c.legalTitle.kind === 'none' ? null : c.legalTitle.endsAt,
    transport: c.transportMode,
  });
}

/** The outcome a closing event must produce. */
export function expectedOutcome(event: CaseEvent): Outcome | null {
  switch (event.type) {
    case 'case.close':
      return event.outcome;
    case 'case.withdraw':
      return event.falseAlarm ? 'false_alarm' : 'withdrawn';
    case 'clinic.internal_search_done':
      return event.found ? 'false_alarm' : null;
    case 'clinic.route_after_rejection':
      return event.route === 'close' ? 'rejected_by_police' : null;
    case 'clinic.complete_debrief':
      return event.safeAndWell ? 'returned' : null;
    case 'clinic.complete_follow_up':
      return 'returned';
    case 'police.decide_after_expiry':
      return event.continueSearch ? null : 'legal_basis_expired';
    default:
      return null;
  }
}

/** An event without its instants: what stays the same when the same step is taken on another route. */
const shapeOf = (event: CaseEvent) =>
  JSON.stringify({ ...event, at: undefined, nextReviewAt: undefined, expiresAt: undefined });

/**
 * Takes a generated path's steps again from the start on the real machine. The graph keeps one stored
 * snapshot per abstract state, so its steps carry instants of whichever route got there first; replaying
 * the same kinds of event, each at the moment this route allows, gives the path's own states.
 */
export function replay(
  input: CaseInput,
  events: CaseEvent[],
): { state: ModelState; steps: { event: CaseEvent; state: ModelState }[] } {
  let state = (
    caseModel as unknown as { getInitialSnapshot: (s: unknown, i: CaseInput) => ModelState }
  ).getInitialSnapshot(undefined, input);
  const steps: { event: CaseEvent; state: ModelState }[] = [];
  for (const wanted of events) {
    const event = nextEvents(state).find((candidate) => shapeOf(candidate) === shapeOf(wanted));
    if (!event)
      throw new Error(`${wanted.type} cannot follow ${JSON.stringify(state.machine.value)} on this route`);
    state = step(state, event);
    steps.push({ event, state });
  }
  return { state, steps };
}
