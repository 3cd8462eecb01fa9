/**
 * Calendar days as Dutch law counts them: in Europe/Amsterdam. Court decisions are dated, and a title runs
 * "tot en met" a date, so its end is 24:00 local time on that date: 22:00 UTC in summer, 23:00 UTC in
 * winter. Written out rather than read from the time-zone database, so the machine stays pure and replays
 * the same on every host: the EU rule (since 1996) moves clocks at 01:00 UTC on the last Sunday of March
 * and of October.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A calendar date, `YYYY-MM-DD`. */
export type CalendarDate = string;

/** 01:00 UTC on the last Sunday of a month (0-based), in epoch milliseconds. */
function lastSundayAt0100(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** Hours Amsterdam is ahead of UTC at an instant: 2 in summer time, 1 otherwise. */
export function amsterdamOffsetHours(epochMs: number): 1 | 2 {
  const year = new Date(epochMs).getUTCFullYear();
  return epochMs >= lastSundayAt0100(year, 2) && epochMs < lastSundayAt0100(year, 9) ? 2 : 1;
}

function parseDate(date: CalendarDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function formatDate(epochMs: number): CalendarDate {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** 00:00 in Amsterdam on a date, as an ISO instant. Midnight never falls in a clock change (01:00 UTC). */
export function startOfDay(date: CalendarDate): string {
  const utcMidnight = parseDate(date);
  return new Date(utcMidnight - amsterdamOffsetHours(utcMidnight - 2 * HOUR) * HOUR).toISOString();
}

/** 24:00 in Amsterdam on a date (the start of the next): the instant a title "tot en met" that date ends. */
export function endOfDay(date: CalendarDate): string {
  return startOfDay(addDays(date, 1));
}

/** The date in Amsterdam at an instant. */
export function dateAt(instant: string): CalendarDate {
  const ms = Date.parse(instant);
  return formatDate(ms + amsterdamOffsetHours(ms) * HOUR);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return formatDate(parseDate(date) + days * DAY);
}

/**
 * The date with the same day number `months` later (HR 22 January 2021, ECLI:NL:HR:2021:107). A day the
 * later month lacks (31 August + 6 months) becomes that month's last day: never later than the law allows.
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return formatDate(Date.UTC(y, m - 1 + months, Math.min(d, lastDay)));
}
