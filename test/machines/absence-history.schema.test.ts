import { describe, expect, it } from 'vitest';
import {
  absenceHistory,
  firstMonth,
  historySince,
  monthStarts,
  wardRates,
  type WardAbsence,
} from '../../machines/absence-history.schema';
import type { CaseView } from '../../machines/case.view';

const DAY = 86_400_000;
const WINDOW = 90 * DAY;
const repeat = { window: WINDOW, threshold: 3 };

const absence = (profileId: string, caseId: string, reportedAt: string, ward = 'De Linde'): WardAbsence => ({
  profileId,
  caseId,
  ward,
  reportedAt,
});

/** Just what an absence history reads of a case filed from profile p-1 (version 2). */
function aCase(caseId: string, reportedAt: string, more: Partial<CaseView> = {}): CaseView {
  return {
    caseId,
    reportedAt,
    returnedAt: null,
    closedAt: null,
    outcome: null,
    debriefs: [],
    report: { fromProfile: { profileId: 'p-1', version: 2, expiredConsents: [] } },
    ...more,
  } as unknown as CaseView;
}

describe('wardRates', () => {
  it('counts an absence as a repeat when the same patient was absent less than the window before', () => {
    const rates = wardRates(
      [
        absence('p-1', 'c-1', '2026-10-01T10:00:00.000Z'),
        absence('p-1', 'c-2', '2026-10-20T10:00:00.000Z'),
        absence('p-2', 'c-3', '2026-10-21T10:00:00.000Z'),
      ],
      WINDOW,
      '2026-10',
    );

    expect(rates).toEqual([
      { ward: 'De Linde', month: '2026-10', absences: 3, repeatAbsences: 1, patients: 2 },
    ]);
  });

  it('counts no repeat when the earlier absence lies a whole window or more before', () => {
    const first = '2026-07-01T10:00:00.000Z';
    const exactlyAWindowLater = new Date(Date.parse(first) + WINDOW).toISOString();

    const rates = wardRates(
      [absence('p-1', 'c-1', first), absence('p-1', 'c-2', exactlyAWindowLater)],
      WINDOW,
      '2026-09',
    );

    expect(rates).toEqual([
      { ward: 'De Linde', month: '2026-09', absences: 1, repeatAbsences: 0, patients: 1 },
    ]);
  });

  it('counts a repeat of an absence in the month before the first one shown, without showing that month', () => {
    const rates = wardRates(
      [absence('p-1', 'c-1', '2026-08-30T10:00:00.000Z'), absence('p-1', 'c-2', '2026-09-02T10:00:00.000Z')],
      WINDOW,
      '2026-09',
    );

    expect(rates).toEqual([
      { ward: 'De Linde', month: '2026-09', absences: 1, repeatAbsences: 1, patients: 1 },
    ]);
  });

  it('puts an absence in its month in Amsterdam: 23:30 UTC on 31 October is 1 November there', () => {
    const rates = wardRates([absence('p-1', 'c-1', '2026-10-31T23:30:00.000Z')], WINDOW, '2026-01');

    expect(rates.map((r) => r.month)).toEqual(['2026-11']);
  });

  it('counts two absences at the same instant once as a repeat, as the profile’s workflow does', () => {
    const at = '2026-10-01T10:00:00.000Z';

    const rates = wardRates([absence('p-1', 'c-2', at), absence('p-1', 'c-1', at)], WINDOW, '2026-10');

    expect(rates[0]).toMatchObject({ absences: 2, repeatAbsences: 1, patients: 1 });
  });

  it('keeps each ward apart, by ward and then month', () => {
    const rates = wardRates(
      [
        absence('p-1', 'c-1', '2026-10-01T10:00:00.000Z', 'Zon'),
        absence('p-2', 'c-2', '2026-09-01T10:00:00.000Z', 'Maan'),
        absence('p-3', 'c-3', '2026-08-01T10:00:00.000Z', 'Zon'),
      ],
      WINDOW,
      '2026-01',
    );

    expect(rates.map((r) => [r.ward, r.month])).toEqual([
      ['Maan', '2026-09'],
      ['Zon', '2026-08'],
      ['Zon', '2026-10'],
    ]);
  });
});

describe('firstMonth and monthStarts', () => {
  it('counts back calendar months in Amsterdam, across a year', () => {
    expect(firstMonth('2026-02-15T12:00:00.000Z', 3)).toBe('2025-12');
    expect(firstMonth('2026-01-31T23:30:00.000Z', 1)).toBe('2026-02');
  });

  it('starts a month at midnight in Amsterdam', () => {
    expect(monthStarts('2026-07')).toBe('2026-06-30T22:00:00.000Z');
    expect(monthStarts('2026-12')).toBe('2026-11-30T23:00:00.000Z');
  });
});

describe('absenceHistory', () => {
  const now = '2026-11-24T12:00:00.000Z';
  const daysAgo = (days: number) => new Date(Date.parse(now) - days * DAY).toISOString();

  it('counts the absences within the window and says when they reach the threshold', () => {
    const history = absenceHistory({
      profileId: 'p-1',
      cases: [aCase('c-1', daysAgo(100)), aCase('c-2', daysAgo(50)), aCase('c-3', daysAgo(10))],
      repeat,
      days: undefined,
      now,
    });

    expect(history.window).toEqual({ days: 90, threshold: 3, count: 2, repeat: false });
    expect(history.absences.map((a) => a.caseId)).toEqual(['c-3', 'c-2']);
  });

  it('lists further back when asked, without counting more in the window', () => {
    const history = absenceHistory({
      profileId: 'p-1',
      cases: [aCase('c-1', daysAgo(100)), aCase('c-2', daysAgo(50)), aCase('c-3', daysAgo(10))],
      repeat,
      days: 365,
      now,
    });

    expect(history.window.count).toBe(2);
    expect(history.absences.map((a) => a.caseId)).toEqual(['c-3', 'c-2', 'c-1']);
  });

  it('ends an absence at the confirmed return, before the debrief closes the case', () => {
    const reportedAt = daysAgo(3);
    const returnedAt = new Date(Date.parse(reportedAt) + 5 * 3_600_000).toISOString();

    const [absence] = absenceHistory({
      profileId: 'p-1',
      cases: [aCase('c-1', reportedAt, { returnedAt })],
      repeat,
      days: undefined,
      now,
    }).absences;

    expect(absence).toEqual({
      caseId: 'c-1',
      profileVersion: 2,
      reportedAt,
      endedAt: returnedAt,
      awayMs: 5 * 3_600_000,
      outcome: null,
      why: null,
    });
  });

  it('looks back the longer of the list asked for and the window', () => {
    expect(historySince(now, 30, WINDOW).toISOString()).toBe(daysAgo(90));
    expect(historySince(now, 365, WINDOW).toISOString()).toBe(daysAgo(365));
  });
});
