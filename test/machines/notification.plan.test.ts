import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { caseMachine, type Announcement } from '../../machines/case.machine';
import { caseState, nextView, nothingAdded, type CaseView } from '../../machines/case.view';
import { composeMessage, deliveryId, planDeliveries } from '../../machines/notification.plan';
import { PartySchema } from '../../machines/party.schema';
import { CaseReportSchema } from '../../machines/report.schema';
import { aCaseInput, aReport, police } from '../support/fixtures';

const reportedAt = '2026-11-24T08:10:00.000Z';
const announce = (event: Announcement['event'], extra: Partial<Announcement> = {}): Announcement => ({
  event,
  at: '2026-11-24T09:00:00.000Z',
  ...extra,
});

function located(report: Parameters<typeof aReport>[0] = {}): CaseView {
  const input = aCaseInput({ report });
  let [snapshot] = initialTransition(caseMachine, input);
  const by = police;
  [snapshot] = transition(caseMachine, snapshot, {
    type: 'police.acknowledge',
    at: '2026-11-24T08:20:00.000Z',
    by,
    risk: 'high',
    urgent: true,
    knownFacts: 'left through the garden',
    source: 'ward nurse',
  });
  [snapshot] = transition(caseMachine, snapshot, {
    type: 'case.record_located',
    at: '2026-11-24T09:00:00.000Z',
    by,
    foundBy: 'police',
    place: 'Station Assen, perron 2',
  });
  return nextView(caseState(snapshot, CaseReportSchema.parse(aReport(report))), undefined, nothingAdded);
}

const policy = aCaseInput().policy.notifications;
const caseId = 'case-ggz-noord-rep-0001';
const clinicalWords = ['schizophrenia', 'clozapine'];

describe('planDeliveries', () => {
  it('tells the police desk and the clinic of a new report, through the channels the matrix names', () => {
    const plan = planDeliveries(policy, caseId, announce('case.reported', { at: reportedAt }));
    expect(plan.map((p) => `${p.party}/${p.channel}/${p.urgency}`)).toEqual([
      'police_desk/webhook/immediate',
      'police_desk/feed/immediate',
      'clinic/feed/urgent',
      'clinic/email/urgent',
    ]);
  });

  it('tells the ambulance service of a transport only when the ambulance is to drive', () => {
    const parties = (mode: string) =>
      planDeliveries(policy, caseId, announce('transport.arranged', { reason: mode })).map((p) => p.party);
    expect(parties('ambulance')).toContain('ambulance');
    expect(parties('clinic_staff')).not.toContain('ambulance');
  });

  it('sends an escalation to the party it escalates to and nobody else', () => {
    const plan = planDeliveries(
      policy,
      caseId,
      announce('task.escalated', { reason: 'acknowledge_overdue', escalateTo: 'police_supervisor' }),
    );
    expect(new Set(plan.map((p) => p.party))).toEqual(new Set(['police_supervisor']));
  });

  it('tells everybody the matrix names of the end of a case', () => {
    const plan = planDeliveries(policy, caseId, announce('case.closed', { reason: 'returned' }));
    expect(new Set(plan.map((p) => p.party))).toEqual(new Set(PartySchema.options));
  });

  it('plans the same ids for the same announcement, and different ids for another', () => {
    const a = planDeliveries(policy, caseId, announce('case.reported'));
    expect(planDeliveries(policy, caseId, announce('case.reported'))).toEqual(a);
    const other = planDeliveries(
      policy,
      caseId,
      announce('case.reported', { at: '2026-11-24T09:00:01.000Z' }),
    );
    expect(other.map((p) => p.id)).not.toEqual(a.map((p) => p.id));
    expect(new Set(a.map((p) => p.id)).size).toBe(a.length);
  });

  it('names an announcement by its cause, not its instant, so a workflow task run again names it alike', () => {
    const ids = (at: string, cause: string) =>
      planDeliveries(policy, caseId, announce('case.acknowledged', { at, cause })).map((p) => p.id);
    const first = ids('2026-11-24T09:00:00.000Z', 'command-1');
    expect(first.length).toBeGreaterThan(0);
    expect(ids('2026-11-24T09:00:07.000Z', 'command-1')).toEqual(first);
    expect(ids('2026-11-24T09:00:00.000Z', 'command-2')).not.toEqual(first);
  });

  it('tells two escalations at the same instant apart by their reason', () => {
    const at = '2026-11-24T10:00:00.000Z';
    const one = deliveryId(
      caseId,
      announce('task.escalated', { at, reason: 'review_overdue' }),
      'clinic',
      'feed',
    );
    const two = deliveryId(
      caseId,
      announce('task.escalated', { at, reason: 'arrival_overdue' }),
      'clinic',
      'feed',
    );
    expect(one).not.toBe(two);
  });
});

describe('composeMessage', () => {
  const plan = (event: Announcement['event'], party: string, reason?: string) =>
    planDeliveries(policy, caseId, announce(event, reason === undefined ? {} : { reason })).find(
      (p) => p.party === party,
    )!;

  it('carries no clinical data, name or place to the police, only facts of handling and a link', () => {
    const view = located();
    const message = composeMessage(plan('case.reported', 'police_desk'), announce('case.reported'), view)!;
    const text = JSON.stringify(message);
    for (const word of [...clinicalWords, 'Jan de Vries', 'Station Assen', 'Tuin']) {
      expect(text).not.toContain(word);
    }
    expect(message.link).toBe(`/v1/cases/${caseId}`);
    expect(message.facts).toMatchObject({ status: 'located', risk: 'high', urgent: true });
  });

  it('tells the contact person that the person is found, never where', () => {
    const view = located();
    const message = composeMessage(
      plan('person.located', 'contact_person'),
      announce('person.located'),
      view,
    )!;
    expect(message.facts).toEqual({
      status: 'located',
      found: true,
      outcome: null,
      clinicPhone24x7: '+31 592 000 000',
    });
    expect(JSON.stringify(message)).not.toContain('Assen');
  });

  it('tells the contact person nothing without recorded consent to family contact', () => {
    const view = located({
      consents: {
        familyContact: { given: false, recordedBy: 'dr. A. Bakker' },
        publicAppeal: { given: false, recordedBy: 'dr. A. Bakker' },
      },
    });
    expect(
      composeMessage(plan('person.located', 'contact_person'), announce('person.located'), view),
    ).toBeNull();
  });

  it('tells the contact person nothing once the consent has expired', () => {
    const view = located({
      consents: {
        familyContact: { given: true, recordedBy: 'dr. A. Bakker', expiresAt: '2026-11-24T08:30:00Z' },
        publicAppeal: { given: false, recordedBy: 'dr. A. Bakker' },
      },
    });
    expect(
      composeMessage(plan('person.located', 'contact_person'), announce('person.located'), view),
    ).toBeNull();
  });

  it('passes a free-text rejection reason to the clinic only', () => {
    const view = located();
    const rejected = announce('case.rejected', { reason: 'geen titel, geen gevaar' });
    const message = composeMessage(plan('case.rejected', 'clinic', rejected.reason), rejected, view)!;
    expect(message.facts.reason).toBe('geen titel, geen gevaar');
    const closedForFamily = composeMessage(
      plan('case.closed', 'contact_person', 'returned'),
      announce('case.closed', { reason: 'returned' }),
      view,
    )!;
    expect(closedForFamily.facts).not.toHaveProperty('reason');
  });
});
