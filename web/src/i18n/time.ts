import { amsterdamOffsetHours } from '../../../machines/amsterdam-time';

const HOUR = 3_600_000;
/** Every time is shown and entered in Amsterdam, on a 24-hour clock, whatever the device's zone or locale. */
export const TIME_ZONE = 'Europe/Amsterdam';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A time as typed, `dd-mm-jjjj uu:mm` (or `jjjj-mm-dd uu:mm`), read as Amsterdam's wall clock, to an ISO
 * instant; null when it is not such a time. Typed rather than picked: a browser's own date-time picker
 * follows the device's locale, which may be a 12-hour clock.
 */
export function wallClockToIso(text: string): string | null {
  const trimmed = text.trim();
  const dmy = /^(\d{1,2})-(\d{1,2})-(\d{4})[ T]+(\d{1,2})[:.](\d{2})$/.exec(trimmed);
  const ymd = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2})[:.](\d{2})$/.exec(trimmed);
  const parts = dmy
    ? [dmy[3], dmy[2], dmy[1], dmy[4], dmy[5]]
    : ymd
      ? [ymd[1], ymd[2], ymd[3], ymd[4], ymd[5]]
      : null;
  if (parts === null) return null;
  const [y, mo, d, h, mi] = parts.map(Number) as [number, number, number, number, number];
  if (h > 23 || mi > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  // Summer time first: the offset that makes the instant agree with itself is the one in force.
  const summer = wall - 2 * HOUR;
  const instant = amsterdamOffsetHours(summer) === 2 ? summer : wall - HOUR;
  return new Date(instant).toISOString();
}

/** An ISO instant as Amsterdam's wall clock, `dd-mm-jjjj uu:mm`, as the time fields take it. */
export function isoToWallClock(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const local = new Date(ms + amsterdamOffsetHours(ms) * HOUR);
  return `${pad(local.getUTCDate())}-${pad(local.getUTCMonth() + 1)}-${local.getUTCFullYear()} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/** Now, as Amsterdam's wall clock. */
export const nowWallClock = (): string => isoToWallClock(new Date().toISOString());

/** `YYYY-MM-DDTHH:mm` in Amsterdam (a datetime-local input's value) to an ISO instant; null if malformed. */
export function amsterdamLocalToIso(local: string): string | null {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? wallClockToIso(local) : null;
}

/** An ISO instant as Amsterdam's wall clock, `YYYY-MM-DDTHH:mm`, for a datetime-local input. */
export function isoToAmsterdamLocal(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  return new Date(ms + amsterdamOffsetHours(ms) * HOUR).toISOString().slice(0, 16);
}
