import { describe, expect, it } from 'vitest';
import { durationParts } from './duration';

const MINUTE = 60_000;

describe('durationParts', () => {
  it('writes hours and minutes, leaving out days while there are none', () => {
    expect(durationParts((5 * 60 + 20) * MINUTE + 59_000)).toEqual([
      { unit: 'h', count: 5 },
      { unit: 'min', count: 20 },
    ]);
  });

  it('keeps a zero between larger and smaller units', () => {
    expect(durationParts((24 * 60 + 3) * MINUTE)).toEqual([
      { unit: 'd', count: 1 },
      { unit: 'h', count: 0 },
      { unit: 'min', count: 3 },
    ]);
  });

  it('says 0 min for less than a minute', () => {
    expect(durationParts(59_000)).toEqual([{ unit: 'min', count: 0 }]);
  });
});
