import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { CaseEvent } from '../../machines/case.events';
import { caseMachine, effectsOf } from '../../machines/case.machine';
import { caseMetricFacts, type MetricFact } from '../../machines/case.metrics';
import { aCaseInput, clinician, police } from '../support/fixtures';

const NOTICED = '2026-11-24T08:00:00.000Z';
const REPORTED_AT = '2026-11-24T08:10:00.000Z';
const at = (minutes: number) => new Date(Date.parse(REPORTED_AT) + minutes * 60_000).toISOString();

/** Files a case and applies events in order, collecting the facts each step yields. */
function facts(input = aCaseInput(), events: CaseEvent[] = [], previousAbsences?: number) {
  const collected: MetricFact[] = [];
  let [snapshot] = initialTransition(caseMachine, input);
  collected.push(
    ...caseMetricFacts(null, snapshot, {
      absenceNoticedAt: NOTICED,
      previousAbsences,
      clinicContact: { ward: ' De Linde ' },
    }),
  );
  for (const event of events) {
    const [next, actions] = transition(caseMachine, snapshot, event);
    const { entries } = effectsOf(actions);
    collected.push(...caseMetricFacts(snapshot, next, { absenceNoticedAt: NOTICED }, entries));
    snapshot = next;
  }
  return { collected, snapshot };
}
const named = (list: MetricFact[], metric: MetricFact['metric']) => list.filter((f) => f.metric === metric);

const acknowledge = (minutes: number): CaseEvent => ({
  type: 'police.acknowledge',
  at: at(minutes),
  by: police,
  risk: 'high',
  urgent: true,
  knownFacts: 'left via garden',
  source: 'ward nurse',
});

describe('case metric facts', () => {
  it('counts the opening by kind and region, with the time from noticing to reporting', () => {
    const { collected } = facts(
      aCaseInput({ report: { kind: { unauthorisedAbsence: true, missing: true } } }),
    );
    expect(named(collected, 'opened')).toEqual([
      { metric: 'opened', value: 1, labels: { kind: 'both', region: 'noord-nl' } },
    ]);
    expect(named(collected, 'timeToReport')).toEqual([
      { metric: 'timeToReport', value: 600, labels: { region: 'noord-nl' } },
    ]);
  });

  it('counts a repeat absence only when the clinic reports earlier ones', () => {
    expect(named(facts(aCaseInput(), [], 0).collected, 'repeatAbsences')).toHaveLength(0);
    expect(named(facts(aCaseInput(), [], 3).collected, 'repeatAbsences')).toEqual([
      {
        metric: 'repeatAbsences',
        value: 1,
        labels: { institution: 'ggz-noord', ward: 'De Linde', region: 'noord-nl' },
      },
    ]);
  });

  it('measures acknowledgement once, though the command arrives twice', () => {
    const { collected } = facts(aCaseInput(), [acknowledge(5), acknowledge(6)]);
    expect(named(collected, 'timeToAcknowledgement')).toEqual([
      { metric: 'timeToAcknowledgement', value: 900, labels: { region: 'noord-nl' } },
    ]);
  });

  it('counts an escalation with its reason when a deadline passes', () => {
    const { collected } = facts(aCaseInput(), [
      { type: 'deadline.passed', at: at(61), deadline: 'acknowledge' },
    ]);
    expect(named(collected, 'escalations')).toEqual([
      { metric: 'escalations', value: 1, labels: { reason: 'acknowledge_overdue', region: 'noord-nl' } },
    ]);
  });

  it('counts each way back by its mode, each rejection by its grounds, and the time held in custody', () => {
    const transported = facts(aCaseInput(), [
      acknowledge(5),
      { type: 'case.record_located', at: at(50), by: police, foundBy: 'police', place: 'Station Assen' },
      {
        type: 'transport.arrange',
        at: at(55),
        by: police,
        mode: 'care_transport',
        pickup: 'Station',
        destination: 'Ward',
      },
    ]);
    expect(named(transported.collected, 'transports')).toEqual([
      { metric: 'transports', value: 1, labels: { mode: 'care_transport', region: 'noord-nl' } },
    ]);
    const rejected = facts(aCaseInput(), [
      { type: 'police.reject', at: at(5), by: police, grounds: 'not_missing', reason: 'he is at home' },
    ]);
    expect(named(rejected.collected, 'rejections')).toEqual([
      { metric: 'rejections', value: 1, labels: { grounds: 'not_missing', region: 'noord-nl' } },
    ]);
    const held = facts(aCaseInput(), [
      acknowledge(5),
      { type: 'police.record_custody', at: at(60), by: police, place: 'Assen', expectedReleaseAt: at(300) },
      { type: 'police.release_from_custody', at: at(240), by: police },
    ]);
    expect(named(held.collected, 'custody')).toEqual([
      { metric: 'custody', value: 180 * 60, labels: { region: 'noord-nl' } },
    ]);
  });

  it('yields nothing for a deadline whose task is already done', () => {
    const { collected } = facts(aCaseInput(), [
      acknowledge(5),
      { type: 'deadline.passed', at: at(61), deadline: 'acknowledge' },
    ]);
    expect(named(collected, 'escalations')).toHaveLength(0);
  });

  it('counts a title that ended before the person was back, and the closing with its outcome', () => {
    const input = aCaseInput({
      report: { legalTitle: { kind: 'crisismaatregel', startsOn: '2026-11-20', endsOn: '2026-11-22' } },
    });
    const { collected } = facts(input, [
      { type: 'police.decide_after_expiry', at: at(30), by: police, continueSearch: false },
    ]);
    expect(named(collected, 'titleEndedBeforeReturn')).toEqual([
      {
        metric: 'titleEndedBeforeReturn',
        value: 1,
        labels: { title: 'crisismaatregel', region: 'noord-nl' },
      },
    ]);
    expect(named(collected, 'closed')).toEqual([
      {
        metric: 'closed',
        value: 1,
        labels: { kind: 'unauthorised_absence', outcome: 'legal_basis_expired', region: 'noord-nl' },
      },
    ]);
  });

  it('measures located and returned from when the absence was noticed', () => {
    const { collected } = facts(aCaseInput(), [
      acknowledge(5),
      { type: 'case.record_located', at: at(50), by: police, foundBy: 'police', place: 'Station Assen' },
      {
        type: 'transport.arrange',
        at: at(55),
        by: police,
        mode: 'ambulance',
        pickup: 'Station Assen',
        destination: 'De Linde, GGZ Noord',
      },
      { type: 'clinic.confirm_return', at: at(110), by: clinician },
    ]);
    expect(named(collected, 'timeToLocated').map((f) => f.value)).toEqual([3600]);
    expect(named(collected, 'timeToLocated')[0]!.labels).toEqual({ region: 'noord-nl', risk: 'high' });
    expect(named(collected, 'timeToReturned').map((f) => f.value)).toEqual([7200]);
    expect(named(collected, 'titleEndedBeforeReturn')).toHaveLength(0);
  });
});
