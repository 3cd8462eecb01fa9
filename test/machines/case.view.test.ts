import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { caseMachine } from '../../machines/case.machine';
import { caseState, nextView, nothingAdded } from '../../machines/case.view';
import { CaseReportSchema } from '../../machines/report.schema';
import { aCaseInput, aReport, clinician } from '../support/fixtures';

const report = CaseReportSchema.parse(aReport());
const state = caseState(initialTransition(caseMachine, aCaseInput())[0], report);
const correction = (at: string, person: object) => ({
  kind: 'correction' as const,
  correction: { field: 'person' as const, at, by: clinician, person },
});

describe('the case record', () => {
  it('shows the signalement as corrected, each correction over the last, and keeps every correction', () => {
    const first = nextView(state, undefined, {
      ...nothingAdded,
      entries: [correction('2026-11-24T09:00:00.000Z', { heightCm: 180, languages: ['nl'] })],
    });
    const second = nextView(state, first, {
      ...nothingAdded,
      entries: [correction('2026-11-24T10:00:00.000Z', { heightCm: 185 })],
    });
    expect(second.report.person).toMatchObject({ name: 'Jan de Vries', heightCm: 185, languages: ['nl'] });
    expect(second.corrections.map((c) => c.at)).toEqual([
      '2026-11-24T09:00:00.000Z',
      '2026-11-24T10:00:00.000Z',
    ]);
  });

  it('starts with the report as filed and an empty history', () => {
    const view = nextView(state, undefined, nothingAdded);
    expect(view.report).toEqual(report);
    expect(view.sightings).toEqual([]);
    expect(view.timeline).toEqual([]);
  });
});
