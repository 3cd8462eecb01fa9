import { TIME_ZONE } from './time';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const format = (language: string, kind: 'dateTime' | 'date' | 'time') => {
  const key = `${language}:${kind}`;
  let formatter = dateTimeFormats.get(key);
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions = {
      timeZone: TIME_ZONE,
      ...(kind !== 'time' && { day: 'numeric', month: 'short', year: 'numeric' }),
      ...(kind !== 'date' && { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    };
    formatter = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'nl-NL', options);
    dateTimeFormats.set(key, formatter);
  }
  return formatter;
};

/** An instant in Amsterdam time, 24-hour clock, in the current language. */
export function formatDateTime(iso: string, language: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : format(language, 'dateTime').format(ms);
}

/** A calendar date (`YYYY-MM-DD`) as written in the current language. */
export function formatDate(date: string, language: string): string {
  const ms = Date.parse(`${date}T12:00:00Z`);
  return Number.isNaN(ms) ? date : format(language, 'date').format(ms);
}

/** How far an instant lies from now, in words ("over 12 minuten", "3 hours ago"). */
export function formatRelative(iso: string, language: string, now = Date.now()): string {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return rtf.format(hours, 'hour');
  return rtf.format(Math.round(hours / 24), 'day');
}
