import { describe, expect, it } from 'vitest';
import { reviewHints } from './review-hints';

const now = Date.parse('2026-11-26T12:00:00Z');

describe('reviewHints', () => {
  it('flags nothing for a profile reviewed lately with a recent photo', () => {
    expect(reviewHints({ reviewedAt: '2026-10-01T09:00:00Z', photoTakenOn: '2026-06-01' }, now)).toEqual([]);
  });

  it('asks for a review when the last one is more than 90 days ago', () => {
    expect(reviewHints({ reviewedAt: '2026-08-27T11:00:00Z', photoTakenOn: null }, now)).toEqual(['review']);
  });

  it('does not yet ask on the 90th day', () => {
    expect(reviewHints({ reviewedAt: '2026-08-28T12:00:00Z', photoTakenOn: null }, now)).toEqual([]);
  });

  it('flags a photo taken more than a year ago', () => {
    expect(reviewHints({ reviewedAt: '2026-11-01T09:00:00Z', photoTakenOn: '2025-11-20' }, now)).toEqual([
      'photo',
    ]);
  });

  it('flags no photo age when there is no photo', () => {
    expect(reviewHints({ reviewedAt: '2026-11-01T09:00:00Z', photoTakenOn: undefined }, now)).toEqual([]);
  });
});
