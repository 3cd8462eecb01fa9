import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { ApiHarness, type Item } from '../support/api-harness';
import { exampleBody } from '../support/action-examples';
import { endedTitle } from '../support/fixtures';

const api = new ApiHarness('crisis-service-api-test');

const clinic: Principal = { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' };
const desk: Principal = { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' };
const crisis: Principal = { sub: 'crisis.noord', role: 'crisis_service', region: 'noord-nl' };
const otherCrisis: Principal = { sub: 'crisis.zuid', role: 'crisis_service', region: 'zuid-nl' };

const act = (who: Principal, caseId: string, path: string, body: unknown) =>
  api.call('POST', `/v1/cases/${caseId}/${path}`, { as: who, key: api.key(), body });

/** A case whose person was found, and whose title the clinic then records as lapsed: a crisis route. */
async function foundAfterTheTitleLapsed(): Promise<string> {
  const caseId = await api.file(clinic);
  for (const [who, path, body] of [
    [desk, 'acknowledge', exampleBody('police.acknowledge')],
    [desk, 'located', { foundBy: 'police', place: 'Station Assen, perron 2' }],
    [clinic, 'legal-title', { title: endedTitle() }],
  ] as const) {
    const res = await act(who, caseId, path, body);
    expect(res.status, path).toBe(200);
  }
  return caseId;
}

beforeAll(() => api.start());
afterAll(() => api.stop());

describe('the crisis service signs in and acts', () => {
  it('sees nothing of a case in its region until the case asks it for an assessment', async () => {
    const caseId = await api.file(clinic);
    expect((await api.call('GET', `/v1/cases/${caseId}`, { as: crisis })).status).toBe(404);
  });

  it('gets the assessment as a task with a deadline, in its inbox and its own view', async () => {
    const caseId = await foundAfterTheTitleLapsed();
    const inbox = await api.call('GET', '/v1/tasks', { as: crisis });
    expect(inbox.status).toBe(200);
    const task = (inbox.body.items as Item[]).find((i) => i.caseId === caseId);
    expect(task).toMatchObject({ task: 'arrange_crisis_assessment', role: 'crisis_service' });
    expect(task?.dueAt).toEqual(expect.any(String));

    const view = await api.call('GET', `/v1/cases/${caseId}`, { as: crisis });
    expect(view.status).toBe(200);
    expect(view.body.foundAt.map((f: { place: string }) => f.place)).toEqual(['Station Assen, perron 2']);
    expect(view.body.tasks.map((t: Item) => t.task)).toEqual(['arrange_crisis_assessment']);
    // Not the search, not the clinic's record.
    for (const field of ['sightings', 'report', 'timeline', 'debriefs', 'clinical'])
      expect(view.body).not.toHaveProperty(field);

    const elsewhere = await api.call('GET', `/v1/cases/${caseId}`, { as: otherCrisis });
    expect(elsewhere.status).toBe(404);
  });

  it('records its assessment, which police see without its notes, and then the case leaves its view', async () => {
    const caseId = await foundAfterTheTitleLapsed();
    expect((await act(desk, caseId, 'crisis-assessment', { outcome: 'no_care_needed' })).status).toBe(403);

    const done = await act(crisis, caseId, 'crisis-assessment', {
      outcome: 'returns_voluntarily',
      notes: 'calm, oriented; agrees to go back with his sister',
    });
    expect(done.status).toBe(200);

    const police = await api.call('GET', `/v1/cases/${caseId}`, { as: desk });
    expect(police.body.crisisAssessments).toEqual([
      expect.objectContaining({
        outcome: 'returns_voluntarily',
        by: { id: 'crisis.noord', role: 'crisis_service' },
      }),
    ]);
    expect(JSON.stringify(police.body)).not.toContain('agrees to go back');
    const own = await api.call('GET', `/v1/cases/${caseId}`, { as: clinic });
    expect(own.body.crisisAssessments[0].notes).toBe('calm, oriented; agrees to go back with his sister');

    // Its task done, the case concerns the crisis service no more.
    expect((await api.call('GET', `/v1/cases/${caseId}`, { as: crisis })).status).toBe(404);
  });
});
