import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyDocumentSchema } from '../../machines/policy.schema';

const DAY = 86_400_000;
const shipped = JSON.parse(readFileSync(path.join(__dirname, '../../config/policy.json'), 'utf8'));
const withProfiles = (profiles: object) => PolicyDocumentSchema.safeParse({ ...shipped, profiles });
const issuesOf = (result: ReturnType<typeof withProfiles>) =>
  result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('profiles in the policy', () => {
  it('ships a review every 90 days, a photo at most a year old, 3 absences in 90 days as a repeat, and erasure 180 days after discharge', () => {
    const { profiles } = PolicyDocumentSchema.parse(shipped);
    expect(profiles).toEqual({
      reviewEvery: 90 * DAY,
      photoMaxAge: 365 * DAY,
      repeat: { window: 90 * DAY, threshold: 3 },
      eraseAfterDischarge: 180 * DAY,
    });
  });

  it('gives a document without a profiles section the same defaults', () => {
    const { profiles: _, ...withoutProfiles } = shipped;
    expect(PolicyDocumentSchema.parse(withoutProfiles).profiles).toEqual(
      PolicyDocumentSchema.parse(shipped).profiles,
    );
  });

  it('refuses a threshold of one absence, naming the field', () => {
    const result = withProfiles({ ...shipped.profiles, repeat: { window: '90d', threshold: 1 } });
    expect(issuesOf(result)).toEqual([expect.stringMatching(/^profiles\.repeat\.threshold: /)]);
  });

  it('refuses a review period that is not a duration, naming the field', () => {
    const result = withProfiles({ ...shipped.profiles, reviewEvery: 'quarterly' });
    expect(issuesOf(result)).toEqual([
      expect.stringMatching(/^profiles\.reviewEvery: must be a whole number/),
    ]);
  });

  it('refuses an erasure period that is not a duration, naming the field', () => {
    const result = withProfiles({ ...shipped.profiles, eraseAfterDischarge: 'never' });
    expect(issuesOf(result)).toEqual([
      expect.stringMatching(/^profiles\.eraseAfterDischarge: must be a whole number/),
    ]);
  });

  it('refuses a setting it does not know', () => {
    const result = withProfiles({ ...shipped.profiles, remindBy: 'email' });
    expect(result.success).toBe(false);
  });
});
