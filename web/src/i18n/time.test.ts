import { describe, expect, it } from 'vitest';
import { isoToWallClock, wallClockToIso } from './time';

describe('wallClockToIso', () => {
  it('reads a summer time in Amsterdam (UTC+2)', () => {
    expect(wallClockToIso('01-07-2026 14:30')).toBe('2026-07-01T12:30:00.000Z');
  });

  it('reads a winter time in Amsterdam (UTC+1), in either date order', () => {
    expect(wallClockToIso('24-11-2026 09:40')).toBe('2026-11-24T08:40:00.000Z');
    expect(wallClockToIso('2026-11-24 09:40')).toBe('2026-11-24T08:40:00.000Z');
  });

  it('refuses what is not a time on a 24-hour clock', () => {
    for (const text of ['24-11-2026', '31-02-2026 10:00', '24-11-2026 24:00', '9:40 PM', ''])
      expect(wallClockToIso(text)).toBeNull();
  });
});

describe('isoToWallClock', () => {
  it('writes an instant as Amsterdam wall clock, and reads back the same instant', () => {
    expect(isoToWallClock('2026-11-24T08:40:00Z')).toBe('24-11-2026 09:40');
    expect(wallClockToIso(isoToWallClock('2026-07-01T22:05:00Z'))).toBe('2026-07-01T22:05:00.000Z');
  });
});
