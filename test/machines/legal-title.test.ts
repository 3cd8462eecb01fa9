import { describe, expect, it } from 'vitest';
import { addDays, addMonths, dateAt, endOfDay, startOfDay } from '../../machines/amsterdam-time';
import {
  LegalTitleSchema,
  absenceWithoutTitle,
  titleEndsAt,
  titleInForceAt,
} from '../../machines/legal-title';

/** The wall clock in Amsterdam at an instant, from the host's time-zone database. */
const amsterdam = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const wallClock = (instant: string | number) => amsterdam.format(new Date(instant)).replace(',', '');

const parse = (input: object) => LegalTitleSchema.safeParse(input);
const issuesOf = (input: object) =>
  (parse(input).error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('days as Amsterdam counts them', () => {
  it('ends every day of 2020 to 2035 at 24:00 Amsterdam time, whatever the season', () => {
    for (let date = '2020-01-01'; date < '2036-01-01'; date = addDays(date, 1)) {
      const end = endOfDay(date);
      expect(wallClock(end)).toBe(`${addDays(date, 1)} 00:00`);
      expect(wallClock(Date.parse(end) - 1).slice(0, 10)).toBe(date);
      expect(dateAt(startOfDay(date))).toBe(date);
    }
  });

  it('ends a day at 23:00 UTC in winter and 22:00 UTC in summer', () => {
    expect(endOfDay('2026-12-01')).toBe('2026-12-01T23:00:00.000Z');
    expect(endOfDay('2027-06-01')).toBe('2027-06-01T22:00:00.000Z');
    // The nights the clocks change: 29 March and 25 October 2026.
    expect(endOfDay('2026-03-28')).toBe('2026-03-28T23:00:00.000Z');
    expect(endOfDay('2026-03-29')).toBe('2026-03-29T22:00:00.000Z');
    expect(endOfDay('2026-10-24')).toBe('2026-10-24T22:00:00.000Z');
    expect(endOfDay('2026-10-25')).toBe('2026-10-25T23:00:00.000Z');
  });

  it('counts months to the day with the same number, or the last day of a shorter month', () => {
    expect(addMonths('2020-06-30', 6)).toBe('2020-12-30');
    expect(addMonths('2021-03-02', 12)).toBe('2022-03-02');
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
  });
});

describe('legal titles as the law has them', () => {
  it('reads a dated title as 00:00 on its first day to 24:00 on its last, in Amsterdam', () => {
    expect(parse({ kind: 'zorgmachtiging', startsOn: '2020-06-30', endsOn: '2020-12-30' }).data).toEqual({
      kind: 'zorgmachtiging',
      startsAt: '2020-06-29T22:00:00.000Z',
      endsAt: '2020-12-30T23:00:00.000Z',
    });
  });

  it('runs a crisismaatregel from the hour it was imposed, three days at most', () => {
    const title = parse({ kind: 'crisismaatregel', startsAt: '2026-11-23T15:30:00+01:00' }).data!;
    expect(titleInForceAt(title, '2026-11-23T14:29:00.000Z')).toBe(false);
    expect(titleInForceAt(title, '2026-11-23T14:30:00.000Z')).toBe(true);
    expect(titleEndsAt(title)).toBe(endOfDay('2026-11-26'));
  });

  it('runs a machtiging tot voortzetting three weeks after its date (HR 2021:107)', () => {
    // Decided 25 April 2023: in force up to and including 16 May 2023.
    const title = parse({ kind: 'machtiging_voortzetting_crisismaatregel', startsOn: '2023-04-25' }).data!;
    expect(titleEndsAt(title)).toBe(endOfDay('2023-05-16'));
    expect(
      issuesOf({
        kind: 'machtiging_voortzetting_crisismaatregel',
        startsOn: '2023-04-25',
        endsOn: '2023-05-17',
      }),
    ).toEqual([
      `endsOn: a machtiging tot voortzetting runs three weeks after its date: until ${endOfDay('2023-05-16')} at the latest`,
    ]);
  });

  it('keeps a machtiging tot voortzetting while a zorgmachtiging request filed in time awaits the court, six weeks at most', () => {
    const continued = { kind: 'machtiging_voortzetting_crisismaatregel', startsOn: '2023-04-25' } as const;
    const filedEarly = parse({ ...continued, requestFiledAt: '2023-05-01T10:00:00Z' }).data!;
    expect(titleEndsAt(filedEarly)).toBe(endOfDay('2023-05-22')); // three weeks after the request
    const filedLate = parse({ ...continued, requestFiledAt: '2023-05-16T10:00:00Z' }).data!;
    expect(titleEndsAt(filedLate)).toBe(endOfDay('2023-06-06')); // six weeks after its date, not 6 June + 1
    const afterItsEnd = parse({ ...continued, requestFiledAt: '2023-05-17T10:00:00Z' }).data!;
    expect(titleEndsAt(afterItsEnd)).toBe(endOfDay('2023-05-16')); // nothing revives a lapsed title
  });

  it('needs the end the court set for a zorgmachtiging, two years at most, and no request carries it on', () => {
    expect(issuesOf({ kind: 'zorgmachtiging', startsOn: '2026-01-01' })).toEqual([
      'endsAt: the court sets its end: give endsAt or endsOn (a zorgmachtiging runs two years at most)',
    ]);
    expect(issuesOf({ kind: 'zorgmachtiging', startsOn: '2026-01-01', endsOn: '2028-01-02' })).toEqual([
      `endsOn: a zorgmachtiging runs two years at most: until ${endOfDay('2028-01-01')} at the latest`,
    ]);
    expect(
      issuesOf({
        kind: 'zorgmachtiging',
        startsOn: '2026-01-01',
        endsOn: '2026-07-01',
        requestFiledAt: '2026-05-01T09:00:00Z',
      }),
    ).toEqual(['requestFiledAt: a pending request does not keep a zorgmachtiging in force past its end']);
  });

  it('runs a Wzd inbewaringstelling three days, and its continuation six weeks after its date', () => {
    const ibs = parse({ kind: 'wzd_inbewaringstelling', startsAt: '2024-02-09T20:00:00Z' }).data!;
    expect(titleEndsAt(ibs)).toBe(endOfDay('2024-02-12'));
    // ECLI:NL:RBROT:2024:1925: continued on 15 February 2024 for six weeks, up to 28 March 2024.
    const continued = parse({
      kind: 'wzd_machtiging_voortzetting_inbewaringstelling',
      startsOn: '2024-02-15',
    }).data!;
    expect(titleEndsAt(continued)).toBe(endOfDay('2024-03-28'));
  });

  it('names the field and says why when a title cannot be', () => {
    expect(issuesOf({ kind: 'crisismaatregel' })).toEqual([
      'startsAt: a compulsory title needs the instant (startsAt) or date (startsOn) it took effect',
    ]);
    expect(
      issuesOf({ kind: 'wzd_rechterlijke_machtiging', startsOn: '2026-05-01', endsOn: '2026-04-01' }),
    ).toEqual(['endsOn: must be after its start']);
  });
});

describe('an unauthorised absence', () => {
  const noTitle = { kind: { unauthorisedAbsence: true }, legalTitle: { kind: 'none' as const } };
  const now = '2026-11-26T10:00:00.000Z';

  it('needs a compulsory title in force when it is filed', () => {
    expect(absenceWithoutTitle(noTitle, now)).toMatch(
      /^an unauthorised absence needs a compulsory title in force/,
    );
    const lapsed = parse({ kind: 'crisismaatregel', startsAt: '2026-11-20T10:00:00Z' }).data!;
    expect(absenceWithoutTitle({ kind: { unauthorisedAbsence: true }, legalTitle: lapsed }, now)).toMatch(
      /^the title is not in force now/,
    );
    const inForce = parse({ kind: 'crisismaatregel', startsAt: '2026-11-25T10:00:00Z' }).data!;
    expect(absenceWithoutTitle({ kind: { unauthorisedAbsence: true }, legalTitle: inForce }, now)).toBeNull();
  });

  it('is not needed for a missing person', () => {
    expect(absenceWithoutTitle({ ...noTitle, kind: { unauthorisedAbsence: false } }, now)).toBeNull();
  });
});
