import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dateAt, endOfDay } from '../../machines/amsterdam-time';
import type { Actor } from '../../machines/case.events';
import type { CaseReportInput } from '../../machines/report.schema';
import { CaseHarness } from '../support/case-harness';
import { ambulance, clinician, farTitle, police } from '../support/fixtures';

/**
 * Every deadline of the lifecycle, fired by durable timers on the time-skipping server: nothing here
 * waits for real time, and every instant is checked against the policy in config/policy.json.
 */
describe('case deadlines (time-skipping server)', () => {
  const h = new CaseHarness('case-deadlines-test');
  beforeAll(() => h.start().then(() => undefined));
  afterAll(() => h.stop());

  const HOUR = 3_600_000;
  let commandSeq = 0;
  const send = <T extends Parameters<typeof h.cases.command>[1]>(
    caseId: string,
    type: T,
    body: object,
    by: Actor = police,
  ) => h.cases.command(caseId, type, { commandId: `cmd-${++commandSeq}-${caseId}`, by, ...body } as never);
  const acknowledge = (caseId: string, risk: 'low' | 'medium' | 'high' = 'high') =>
    send(caseId, 'police.acknowledge', {
      risk,
      urgent: risk === 'high',
      knownFacts: 'left via the garden',
      source: 'ward nurse',
    });
  const locate = (caseId: string) =>
    send(caseId, 'case.record_located', { foundBy: 'police', place: 'Station Assen' });
  /** A title that began a month ago and ends `days` after the server's current date (at 24:00 Amsterdam). */
  const titleEnding = async (days: number): Promise<CaseReportInput['legalTitle']> => {
    const date = async (offset: number) =>
      new Date((await h.now()).getTime() + offset * 24 * HOUR).toISOString().slice(0, 10);
    return { kind: 'zorgmachtiging', startsOn: await date(-30), endsOn: await date(days) };
  };
  const escalations = async (caseId: string) => (await h.cases.get(caseId)).escalations.map((e) => e.reason);

  it('reports to the police when the ward search runs past 30 minutes', async () => {
    const filed = await h.file({ internalSearchDone: false, legalTitle: farTitle });
    expect(filed.status).toBe('internal_search');
    await h.advance('31 minutes');
    expect((await h.cases.get(filed.caseId)).status).toBe('reported');
  });

  it.each([
    ['high', 2],
    ['medium', 8],
    ['low', 24],
  ] as const)('escalates a missed review of a %s-risk search after %i hours', async (risk, hours) => {
    const filed = await h.file({ legalTitle: farTitle });
    await acknowledge(filed.caseId, risk);
    await h.advance(`${hours * 60 - 1} minutes`);
    expect(await escalations(filed.caseId)).toEqual([]);
    await h.advance('2 minutes');
    expect(await escalations(filed.caseId)).toEqual(['review_overdue']);
    await expect.poll(() => h.announcements(filed.caseId)).toContain('task.escalated');
  });

  it('opens the 72 h, 14 d and 28 d tasks for a missing person, counted from when they were last seen', async () => {
    const lastSeen = new Date((await h.now()).getTime() - HOUR).toISOString();
    const filed = await h.file({
      kind: { unauthorisedAbsence: true, missing: true },
      lastSeen: { at: lastSeen, place: 'Tuin' },
      legalTitle: farTitle,
    });
    await acknowledge(filed.caseId, 'low');
    const tasks = async () => (await h.cases.get(filed.caseId)).tasks.map((t) => t.task);
    await h.advance(`${72 - 1 - 0.05}h`);
    expect(await tasks()).not.toContain('notify_national_bureau');
    await h.advance('10 minutes');
    expect(await tasks()).toContain('notify_national_bureau');
    await h.advance(`${14 * 24 - 72}h`);
    expect(await tasks()).toContain('request_dna_sample');
    await h.advance(`${14 * 24}h`);
    expect(await tasks()).toContain('set_long_term_status');
    await expect
      .poll(() => h.announcements(filed.caseId))
      .toEqual(
        expect.arrayContaining(['threshold.national_bureau', 'threshold.dna_sample', 'threshold.long_term']),
      );
  });

  it('warns as long before the title ends as the policy says for its kind, and asks police to decide when it ends during the search', async () => {
    const filed = await h.file({ legalTitle: await titleEnding(10) });
    await acknowledge(filed.caseId, 'low');
    expect(filed.legal.status).toBe('active');
    const endsAt = Date.parse(filed.legal.endsAt!);
    // Seven days ahead for a zorgmachtiging (config/policy.json).
    await h.advance(endsAt - 7 * 24 * HOUR - (await h.now()).getTime() - 60_000);
    expect((await h.cases.get(filed.caseId)).legal.status).toBe('active');
    await h.advance('2 minutes');
    expect((await h.cases.get(filed.caseId)).legal.status).toBe('ending_soon');
    await h.advance(7 * 24 * HOUR);
    const view = await h.cases.get(filed.caseId);
    expect(view.legal.status).toBe('ended');
    expect(view.tasks.map((t) => t.task)).toContain('decide_after_title_expiry');
    await expect
      .poll(() => h.announcements(filed.caseId))
      .toEqual(expect.arrayContaining(['legal.ending_soon', 'legal.expired']));
    const closed = await send(filed.caseId, 'police.decide_after_expiry', { continueSearch: false });
    expect(closed.outcome).toBe('legal_basis_expired');
  });

  it('keeps a crisismaatregel in force while the request to continue it awaits the court, until the decision is due', async () => {
    const now = (await h.now()).getTime();
    const filed = await h.file({
      legalTitle: {
        kind: 'crisismaatregel',
        startsAt: new Date(now - 2 * 24 * HOUR).toISOString(),
        requestFiledAt: new Date(now - HOUR).toISOString(),
      },
    });
    await acknowledge(filed.caseId, 'low');
    // Three days after the day it was imposed it would have ended; the request carries it to three days
    // after the day the court received it.
    const withoutRequest = endOfDay(addDays(dateAt(new Date(now - 2 * 24 * HOUR).toISOString()), 3));
    const decisionDue = endOfDay(addDays(dateAt(new Date(now - HOUR).toISOString()), 3));
    expect(filed.legal.endsAt).toBe(decisionDue);
    expect(filed.legal.requestFiledAt).toBe(new Date(now - HOUR).toISOString());
    await h.advance(Date.parse(withoutRequest) - (await h.now()).getTime() + 60_000);
    expect((await h.cases.get(filed.caseId)).legal.status).not.toBe('ended');
    await h.advance(Date.parse(decisionDue) - (await h.now()).getTime() + 60_000);
    expect((await h.cases.get(filed.caseId)).legal.status).toBe('ended');
  });

  it('asks the crisis service to assess a person found when the title ends, and escalates a late assessment', async () => {
    const filed = await h.file({ legalTitle: await titleEnding(1) });
    await acknowledge(filed.caseId, 'low');
    await locate(filed.caseId);
    await h.advance(Date.parse(filed.legal.endsAt!) - (await h.now()).getTime() + 60_000);
    const view = await h.cases.get(filed.caseId);
    expect(view.legal.status).toBe('ended');
    const task = view.tasks.find((t) => t.task === 'arrange_crisis_assessment');
    expect(task).toMatchObject({ role: 'crisis_service', escalatedTo: null });
    // Due two hours after the lapse, as the timer fired it (a moment after the end).
    const dueAfterEnd = Date.parse(task!.dueAt!) - Date.parse(filed.legal.endsAt!);
    expect(dueAfterEnd).toBeGreaterThanOrEqual(2 * HOUR);
    expect(dueAfterEnd).toBeLessThan(2 * HOUR + 60_000);
    await h.advance('2 hours');
    expect(await escalations(filed.caseId)).toContain('crisisAssessment_overdue');
  });

  it('escalates a transport that has not arrived within 4 hours', async () => {
    const filed = await h.file({ legalTitle: farTitle });
    await acknowledge(filed.caseId);
    await locate(filed.caseId);
    await send(
      filed.caseId,
      'transport.arrange',
      { mode: 'ambulance', pickup: 'Station Assen', destination: 'De Linde, GGZ Noord' },
      ambulance,
    );
    await h.advance('239 minutes');
    expect(await escalations(filed.caseId)).toEqual([]);
    await h.advance('2 minutes');
    expect(await escalations(filed.caseId)).toEqual(['arrival_overdue']);
  });

  it('escalates a debrief that is not done within 72 hours of the return', async () => {
    const filed = await h.file({ legalTitle: farTitle });
    await acknowledge(filed.caseId);
    await locate(filed.caseId);
    await send(filed.caseId, 'clinic.confirm_return', {}, clinician);
    await h.advance('71 hours');
    expect(await escalations(filed.caseId)).toEqual([]);
    await h.advance('2 hours');
    expect(await escalations(filed.caseId)).toEqual(['debrief_overdue']);
    const closed = await send(
      filed.caseId,
      'clinic.complete_debrief',
      { safeAndWell: true, whatHappened: 'took the train to see his sister' },
      clinician,
    );
    expect(closed.outcome).toBe('returned');
  });

  it('escalates a follow-up after a return that was not safe and well, 7 days on', async () => {
    const filed = await h.file({ legalTitle: farTitle });
    await acknowledge(filed.caseId);
    await locate(filed.caseId);
    await send(filed.caseId, 'clinic.confirm_return', {}, clinician);
    const debriefed = await send(
      filed.caseId,
      'clinic.complete_debrief',
      {
        safeAndWell: false,
        whatHappened: 'slept rough two nights',
        pushFactors: [],
        pullFactors: [],
        plansUpdated: false,
      },
      clinician,
    );
    expect(debriefed.status).toBe('follow_up');
    await h.advance('167 hours');
    expect(await escalations(filed.caseId)).toEqual([]);
    await h.advance('2 hours');
    expect(await escalations(filed.caseId)).toEqual(['followUp_overdue']);
  });

  it('asks for a public appeal to be withdrawn when its consent expires', async () => {
    const filed = await h.file({ legalTitle: farTitle });
    await acknowledge(filed.caseId);
    const expiresAt = new Date((await h.now()).getTime() + 6 * HOUR).toISOString();
    await send(filed.caseId, 'case.public_appeal', { consentRecordedBy: 'mother', expiresAt });
    await h.advance('361 minutes');
    expect((await h.cases.get(filed.caseId)).tasks.map((t) => t.task)).toContain('withdraw_public_appeal');
  });
});
