import { describe, expect, it } from 'vitest';
import { getShortestPaths, getStateNodes, type StatePath } from 'xstate/graph';
import type { CaseEvent, DeadlineKey } from '../../machines/case.events';
import { OutcomeSchema } from '../../machines/case.events';
import { caseMachine, type CaseInput } from '../../machines/case.machine';
import { openTasks } from '../../machines/case.tasks';
import { caseState, CaseStateSchema } from '../../machines/case.view';
import { commandRoles } from '../../machines/case.access';
import { CaseContextSchema } from '../../machines/case.context';
import { commandTypes, RoleSchema } from '../../machines/case.events';
import { exampleBody } from '../support/action-examples';
import { CaseReportSchema } from '../../machines/report.schema';
import { aCaseInput, aReport } from '../support/fixtures';
import {
  abstractState,
  actors,
  caseModel,
  expectedOutcome,
  nextEvents,
  replay,
  type ModelState,
} from './case.model';

/** Deadlines that run beside the lifecycle's tasks: legal clock, long-missing thresholds, appeal consent. */
const BACKGROUND: DeadlineKey[] = [
  'legalWarning',
  'legalEnd',
  'nationalBureau',
  'dnaTask',
  'longTerm',
  'appealExpiry',
];

/**
 * The kinds of case the paths start from. A missing person's thresholds multiply the states, so there the
 * events the absence model covers already (a new title or a public appeal, a transfer) are left out.
 */
const kinds = {
  'an unauthorised absence under a zorgmachtiging': aCaseInput(),
  'a missing person under a zorgmachtiging': {
    ...aCaseInput({ report: { kind: { unauthorisedAbsence: true, missing: true } } }),
    without: ['clinic.update_title', 'police.transfer'],
  },
  'a report filed before the ward searched': aCaseInput({ report: { internalSearchDone: false } }),
  'a missing person without a compulsory title': {
    ...aCaseInput({
      report: {
        kind: { unauthorisedAbsence: false, missing: true },
        legalTitle: { kind: 'none', startsOn: '2026-11-01' },
      },
    }),
    without: ['police.transfer', 'case.public_appeal'],
  },
} satisfies Record<string, CaseInput & { without?: CaseEvent['type'][] }>;

type Path = ReturnType<typeof replay>;

/**
 * One shortest path to every distinct state the model can reach (xstate/graph), each replayed on the
 * machine. Those that end closed are the paths to an ending; the others show which states can be reached.
 */
function generatePaths({ without = [], ...input }: CaseInput & { without?: CaseEvent['type'][] }): {
  endings: Path[];
  reached: unknown[];
  snapshots: ModelState['machine'][];
} {
  const graphPaths = getShortestPaths(caseModel, {
    input,
    events: ((state: ModelState) => nextEvents(state).filter((e) => !without.includes(e.type))) as never,
    serializeState: abstractState,
  }) as unknown as StatePath<ModelState, CaseEvent>[];
  const endings = graphPaths
    .filter((path) => path.state.status === 'done')
    .map((path) =>
      replay(
        input,
        path.steps.slice(1).map((step) => step.event),
      ),
    );
  // Every stored state was reached by some route, so the graph's own snapshots show what can be reached.
  const reached = graphPaths.map((path) => path.state.machine.value);
  return { endings, reached, snapshots: graphPaths.map((path) => path.state.machine) };
}

/** The state a snapshot rests in, as dotted paths of its leaves ('open.lifecycle.reported', …). */
function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    leaves(child, `${prefix}${key}.`),
  );
}

const generated = Object.entries(kinds).map(([kind, input]) => {
  const { endings, reached, snapshots } = generatePaths(input);
  return { kind, input, paths: endings, reached, snapshots };
});

describe('every generated path through the case machine', () => {
  describe.each(generated)('for $kind', ({ input, paths, snapshots }) => {
    const report = CaseReportSchema.parse(aReport(input.report));

    it('takes no command from a role that may not send it, in any state it can reach', () => {
      const taken: string[] = [];
      for (const snapshot of snapshots) {
        for (const type of commandTypes) {
          for (const role of RoleSchema.options.filter((r) => !commandRoles[type].includes(r))) {
            const event = { ...exampleBody(type), type, at: '2026-11-24T09:00:00.000Z', by: actors[role] };
            // The machine's own transitions, not the access module's early answer: every one is guarded.
            if (caseMachine.getTransitionData(snapshot, event as CaseEvent).length > 0)
              taken.push(`${role} ${type} in ${JSON.stringify(snapshot.value)}`);
          }
        }
      }
      expect(taken).toEqual([]);
    });

    it('reaches endings', () => {
      expect(paths.length).toBeGreaterThan(10);
    });

    it('ends closed with the outcome its last event calls for', () => {
      for (const path of paths) {
        const last = path.steps.at(-1)!.event;
        expect(path.state.machine.status).toBe('done');
        expect(path.state.machine.context.outcome).toBe(expectedOutcome(last));
      }
    });

    it('keeps a valid view, and an owner and due time for every live deadline, in every state it reaches', () => {
      // Every step of every path to an ending, and every state the generator reached on the way.
      for (const steps of [...paths.map((p) => p.steps.map((step) => step.state.machine)), snapshots]) {
        for (const snapshot of steps) {
          CaseStateSchema.parse(caseState(snapshot, report));
          // The running case carries its state and nothing that only grows.
          CaseContextSchema.strict().parse(snapshot.context);
          const tasks = openTasks(snapshot);
          const owned = new Set(tasks.map((t) => t.task));
          for (const meta of tasks) expect(RoleSchema.options).toContain(meta.role);
          for (const key of Object.keys(snapshot.context.deadlines) as DeadlineKey[]) {
            if (BACKGROUND.includes(key)) continue;
            const task = tasks.find((t) => t.dueAt === snapshot.context.deadlines[key]);
            expect(task, `deadline ${key} in ${JSON.stringify(snapshot.value)} has no task`).toBeDefined();
            expect(owned.has(task!.task)).toBe(true);
          }
          for (const task of tasks) expect(task.escalatedTo === null || task.dueAt !== null).toBe(true);
        }
      }
    });

    it('announces the report first and the ending last, once, with its outcome', () => {
      for (const path of paths) {
        const events = path.state.announced.map((a) => a.event);
        expect(events[0]).toBe('case.reported');
        expect(events.at(-1)).toBe('case.closed');
        expect(events.filter((e) => e === 'case.closed')).toHaveLength(1);
        expect(path.state.announced.at(-1)!.reason).toBe(path.state.machine.context.outcome);
      }
    });

    it('announces every escalation, location, return and transfer that happened on the way', () => {
      for (const path of paths) {
        const { context } = path.state.machine;
        const count = (kind: string) => path.state.announced.filter((a) => a.event === kind).length;
        const escalations = path.state.recorded.filter((e) => e.kind === 'escalation');
        expect(count('task.escalated')).toBe(escalations.length);
        expect(count('person.located'), path.steps.map((st) => st.event.type).join(' ')).toBe(
          context.locatedAt === null ? 0 : 1,
        );
        expect(count('person.returned')).toBe(context.returnedAt === null ? 0 : 1);
        expect(count('case.transferred')).toBe(
          path.steps.filter((s) => s.event.type === 'police.transfer').length,
        );
        for (const escalation of escalations) expect(escalation.to).toBe('police_supervisor');
      }
    });

    it('leaves no open task and no live deadline once closed', () => {
      for (const path of paths) {
        expect(openTasks(path.state.machine)).toEqual([]);
        expect(path.state.machine.context.deadlines).toEqual({});
      }
    });

    it('moves time only forward', () => {
      for (const path of paths) {
        const instants = path.steps.map((s) => s.event.at);
        expect([...instants].sort()).toEqual(instants);
      }
    });
  });

  it('together reach every outcome of domain.md', () => {
    const reached = new Set(generated.flatMap((g) => g.paths.map((p) => p.state.machine.context.outcome)));
    expect([...reached].sort()).toEqual([...OutcomeSchema.options].sort());
  });

  it('together rest in every state of the machine', () => {
    const transient = ['starting', 'judging', 'routing', 'settling', 'done'];
    const all = getStateNodes(caseMachine.root)
      .filter((node) => node.type === 'atomic' || node.type === 'final')
      .map((node) => node.path.join('.'))
      .filter((path) => !transient.includes(path.split('.').at(-1)!));
    const visited = new Set(generated.flatMap((g) => g.reached.flatMap((value) => leaves(value))));
    expect(all.filter((state) => !visited.has(state))).toEqual([]);
  });
});
