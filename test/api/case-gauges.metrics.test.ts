import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerCaseGauges, type CountOpenCases } from '../../api/case-gauges.metrics';
import { sampleValue } from '../support/exposition';

const NOW = new Date('2026-11-24T12:00:00Z');
const scrapeWith = async (count: CountOpenCases) => {
  const registry = new Registry();
  const errors: unknown[] = [];
  registerCaseGauges(registry, count, { now: () => NOW, onError: (e) => errors.push(e) });
  return { text: await registry.metrics(), errors };
};

describe('case gauges', () => {
  it('exposes open cases by state, risk and region, overdue tasks by role, and deadlines within the hour', async () => {
    const asked: [Date, number][] = [];
    const { text } = await scrapeWith((now, within) => {
      asked.push([now, within]);
      return Promise.resolve({
        byStateRiskRegion: [
          { state: 'reported', risk: 'medium', region: 'noord-nl', count: 2 },
          { state: 'search_active', risk: 'high', region: 'noord-nl', count: 1 },
        ],
        overdueByRole: [{ role: 'police_desk', count: 1 }],
        atRiskByRegion: [{ region: 'noord-nl', count: 2 }],
      });
    });
    expect(
      sampleValue(text, 'vermist_open_cases', { state: 'reported', risk: 'medium', region: 'noord-nl' }),
    ).toBe(2);
    expect(sampleValue(text, 'vermist_open_cases', { state: 'search_active', risk: 'high' })).toBe(1);
    expect(sampleValue(text, 'vermist_overdue_tasks', { role: 'police_desk' })).toBe(1);
    expect(text).toContain('vermist_overdue_tasks{role="clinic"} 0');
    expect(sampleValue(text, 'vermist_deadlines_at_risk', { region: 'noord-nl' })).toBe(2);
    expect(sampleValue(text, 'vermist_records_up')).toBe(1);
    // One count per scrape, asked for the next hour.
    expect(asked).toEqual([[NOW, 60 * 60 * 1000]]);
  });

  it('still answers the scrape, with the store marked down, when the records store cannot count', async () => {
    const { text, errors } = await scrapeWith(() => Promise.reject(new Error('unavailable')));
    expect(sampleValue(text, 'vermist_records_up')).toBe(0);
    expect(sampleValue(text, 'vermist_open_cases')).toBe(0);
    expect(errors).toHaveLength(1);
  });
});
