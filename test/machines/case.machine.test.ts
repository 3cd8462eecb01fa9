import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { caseMachine } from '../../machines/case.machine';
import { caseStatus } from '../../machines/case.status';
import { openTasks } from '../../machines/case.tasks';
import { aCaseInput, clinician, police } from '../support/fixtures';

const at = (minutes: number) =>
  new Date(Date.parse('2026-11-24T08:10:00.000Z') + minutes * 60_000).toISOString();

function filed(overrides: Parameters<typeof aCaseInput>[0] = {}) {
  return initialTransition(caseMachine, aCaseInput(overrides));
}

const announced = (actions: { type: string; params?: unknown }[]) =>
  actions.filter((a) => a.type === 'announce').map((a) => (a.params as { event: string }).event);

describe('case machine', () => {
  it('opens a reported case with an acknowledge task due per the policy and announces it', () => {
    const [snapshot, actions] = filed();
    expect(caseStatus(snapshot)).toBe('reported');
    expect(announced(actions)).toEqual(['case.reported']);
    expect(openTasks(snapshot)).toEqual([
      { task: 'acknowledge_report', role: 'police_desk', dueAt: at(60), escalatedTo: null },
    ]);
  });

  it('gives an urgent report the shorter acknowledge deadline', () => {
    const [snapshot] = filed({ urgent: true });
    expect(snapshot.context.deadlines.acknowledge).toBe(at(15));
  });

  it("takes the region's override of the acknowledge deadline", () => {
    const [snapshot] = filed({ region: 'oost-nl' });
    expect(snapshot.context.deadlines.acknowledge).toBe(at(30));
  });

  it('moves to an active search when police acknowledge, recording their grade next to the proposal', () => {
    const [reported] = filed();
    const [snapshot, actions] = transition(caseMachine, reported, {
      type: 'police.acknowledge',
      at: at(5),
      by: police,
      risk: 'high',
      urgent: true,
    });
    expect(caseStatus(snapshot)).toBe('search_active');
    expect(snapshot.context).toMatchObject({ risk: 'high', proposedRisk: 'medium', acknowledgedAt: at(5) });
    expect(snapshot.context.deadlines).toEqual({});
    expect(openTasks(snapshot)).toEqual([]);
    expect(announced(actions)).toEqual(['case.acknowledged']);
  });

  it('escalates an unacknowledged report to the supervisor when its deadline passes', () => {
    const [reported] = filed();
    const [snapshot, actions] = transition(caseMachine, reported, {
      type: 'deadline.passed',
      at: at(60),
      deadline: 'acknowledge',
    });
    expect(caseStatus(snapshot)).toBe('reported');
    expect(snapshot.context.escalations).toEqual([
      { reason: 'acknowledge_overdue', to: 'police_supervisor', at: at(60), dueAt: at(60) },
    ]);
    expect(snapshot.context.deadlines).toEqual({});
    expect(openTasks(snapshot)).toEqual([
      { task: 'acknowledge_report', role: 'police_desk', dueAt: at(60), escalatedTo: 'police_supervisor' },
    ]);
    expect(actions.map((a) => a.params)).toContainEqual(
      expect.objectContaining({ event: 'task.escalated', escalateTo: 'police_supervisor' }),
    );
  });

  it('refuses to close a case that police have not acknowledged', () => {
    const [reported] = filed();
    expect(reported.can({ type: 'case.close', at: at(1), by: police, outcome: 'returned_on_own' })).toBe(
      false,
    );
  });

  it('closes with the outcome police record during the search', () => {
    const [reported] = filed();
    const [searching] = transition(caseMachine, reported, {
      type: 'police.acknowledge',
      at: at(5),
      by: police,
      risk: 'low',
      urgent: false,
    });
    const [closed, actions] = transition(caseMachine, searching, {
      type: 'case.close',
      at: at(90),
      by: police,
      outcome: 'found_by_family',
    });
    expect(closed.status).toBe('done');
    expect(closed.context).toMatchObject({ outcome: 'found_by_family', closedAt: at(90) });
    expect(announced(actions)).toEqual(['case.closed']);
  });

  it('closes as rejected_by_police when the desk rejects the report', () => {
    const [reported] = filed();
    const [closed] = transition(caseMachine, reported, {
      type: 'police.reject',
      at: at(3),
      by: police,
      reason: 'no danger and no legal title',
    });
    expect(closed.context.outcome).toBe('rejected_by_police');
  });

  it.each(['reported', 'searching'] as const)('lets the clinic withdraw the case while it is %s', (state) => {
    let [snapshot] = filed();
    if (state === 'searching') {
      [snapshot] = transition(caseMachine, snapshot, {
        type: 'police.acknowledge',
        at: at(5),
        by: police,
        risk: 'low',
        urgent: false,
      });
    }
    const [closed] = transition(caseMachine, snapshot, {
      type: 'case.withdraw',
      at: at(20),
      by: clinician,
      reason: 'patient found on the ward',
    });
    expect(closed.context.outcome).toBe('withdrawn');
    expect(closed.can({ type: 'case.withdraw', at: at(21), by: clinician, reason: 'again' })).toBe(false);
  });
});
