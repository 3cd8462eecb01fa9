import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyDocumentSchema } from '../../machines/policy.schema';

const DAY = 86_400_000;
const shipped = JSON.parse(readFileSync(path.join(__dirname, '../../config/policy.json'), 'utf8'));
const withRetention = (retention: object) => PolicyDocumentSchema.safeParse({ ...shipped, retention });
const issuesOf = (result: ReturnType<typeof withRetention>) =>
  result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('retention in the policy', () => {
  it('reads the shipped periods in milliseconds: 30 days in Temporal, 5 years of access log', () => {
    const { retention } = PolicyDocumentSchema.parse(shipped);

    expect(retention.temporalNamespace).toBe(30 * DAY);
    // Five calendar years hold at most two leap days.
    expect(retention.accessLog).toBeGreaterThanOrEqual((5 * 365 + 2) * DAY);
    expect(retention.feedEntries).toBe(90 * DAY);
    expect(retention.sources.some((s) => s.includes('NEN 7513'))).toBe(true);
  });

  it('gives a document without a retention section the default periods', () => {
    const { retention: _, ...withoutRetention } = shipped;

    const { retention } = PolicyDocumentSchema.parse(withoutRetention);

    expect(retention).toEqual(PolicyDocumentSchema.parse(shipped).retention);
  });

  it('refuses a record kept for less time than Temporal keeps its workflow, naming the field', () => {
    const result = withRetention({ ...shipped.retention, closedCases: '7d' });

    expect(issuesOf(result)).toEqual([
      'retention.closedCases: records outlive workflows: must be at least temporalNamespace',
    ]);
  });

  it('refuses a unit it does not know and a namespace retention under a day, naming each', () => {
    const result = withRetention({ ...shipped.retention, accessLog: '5y', temporalNamespace: '12h' });

    const issues = issuesOf(result);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^retention\.temporalNamespace: /);
    expect(issues[1]).toMatch(/^retention\.accessLog: must be a whole number/);
  });

  it('refuses a deduplication horizon under 7 days, naming the field', () => {
    const result = withRetention({ ...shipped.retention, idempotencyKeys: '6d' });

    expect(issuesOf(result)).toEqual([
      'retention.idempotencyKeys: a retry must find its first answer for at least 7d',
    ]);
  });

  it('refuses periods without their sources', () => {
    const { sources: _, ...unsourced } = shipped.retention;

    expect(issuesOf(withRetention(unsourced))[0]).toMatch(/^retention\.sources: /);
  });
});
