const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One unit of a length of time as the app writes it: days, hours or minutes. */
export type DurationPart = { unit: 'd' | 'h' | 'min'; count: number };

/**
 * A length of time in whole days, hours and minutes, largest first and leading zeros left out: 5 h 20 min,
 * 1 d 0 h 3 min. Under a minute is 0 min, so a time away always says something.
 */
export function durationParts(ms: number): DurationPart[] {
  const parts: DurationPart[] = [
    { unit: 'd', count: Math.floor(ms / DAY) },
    { unit: 'h', count: Math.floor((ms % DAY) / HOUR) },
    { unit: 'min', count: Math.floor((ms % HOUR) / MINUTE) },
  ];
  const first = parts.findIndex((part) => part.count > 0);
  return first === -1 ? [{ unit: 'min', count: 0 }] : parts.slice(first);
}
