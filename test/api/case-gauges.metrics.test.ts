import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerCaseGauges, type OpenCaseFacts } from '../../api/case-gauges.metrics';
import { sampleValue } from '../support/exposition';

const NOW = new Date('2026-11-24T12:00:00Z');
const open = (overrides: Partial<OpenCaseFacts>): OpenCaseFacts => ({
  state: 'reported',
  risk: 'medium',
  region: 'noord-nl',
  overdueRoles: [],
  nextDueAt: null,
  ...overrides,
});
const scrapeWith = async (list: () => Promise<OpenCaseFacts[]>) => {
  const registry = new Registry();
  const errors: unknown[] = [];
  registerCaseGauges(registry, list, { now: () => NOW, onError: (e) => errors.push(e) });
  return { text: await registry.metrics(), errors };
};

describe('case gauges', () => {
  it('counts open cases by state, risk and region, overdue tasks by role, and deadlines within the hour', async () => {
    const { text } = await scrapeWith(() =>
      Promise.resolve([
        open({ overdueRoles: ['police_desk'], nextDueAt: new Date('2026-11-24T11:00:00Z') }),
        open({ nextDueAt: new Date('2026-11-24T12:30:00Z') }),
        open({ state: 'search_active', risk: 'high', nextDueAt: new Date('2026-11-24T14:00:00Z') }),
      ]),
    );
    expect(
      sampleValue(text, 'vermist_open_cases', { state: 'reported', risk: 'medium', region: 'noord-nl' }),
    ).toBe(2);
    expect(sampleValue(text, 'vermist_open_cases', { state: 'search_active', risk: 'high' })).toBe(1);
    expect(sampleValue(text, 'vermist_overdue_tasks', { role: 'police_desk' })).toBe(1);
    expect(text).toContain('vermist_overdue_tasks{role="clinic"} 0');
    expect(sampleValue(text, 'vermist_deadlines_at_risk', { region: 'noord-nl' })).toBe(2);
    expect(sampleValue(text, 'vermist_visibility_up')).toBe(1);
  });

  it('still answers the scrape, with visibility down, when Temporal cannot be listed', async () => {
    const { text, errors } = await scrapeWith(() => Promise.reject(new Error('unavailable')));
    expect(sampleValue(text, 'vermist_visibility_up')).toBe(0);
    expect(sampleValue(text, 'vermist_open_cases')).toBe(0);
    expect(errors).toHaveLength(1);
  });
});
