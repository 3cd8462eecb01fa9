import { z } from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration written the way policy authors think of it: `15m`, `2h`, `72h`, `14d`. Parses to milliseconds. */
export const DurationSchema = z
  .string()
  .regex(/^[1-9]\d*(s|m|h|d)$/, 'must be a whole number followed by s, m, h or d, e.g. "15m" or "72h"')
  .transform((text) => {
    const unit = text.at(-1) as keyof typeof UNIT_MS;
    return Number(text.slice(0, -1)) * UNIT_MS[unit];
  });

/** Adds a duration in milliseconds to an ISO instant and returns the ISO instant. */
export function addMs(instant: string, ms: number): string {
  return new Date(Date.parse(instant) + ms).toISOString();
}
