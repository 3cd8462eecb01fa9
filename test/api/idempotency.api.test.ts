import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { exampleBody } from '../support/action-examples';
import { ApiHarness } from '../support/api-harness';
import { principals } from '../support/tokens';

const api = new ApiHarness('idempotency-api-test');

beforeAll(() => api.start());
afterAll(() => api.stop());

const post = (who: Principal, path: string, key: string, body: unknown) =>
  api.call('POST', path, { as: who, key, body });

describe('Idempotency-Key', () => {
  it('answers a retried task completion with its first answer after the task has closed', async () => {
    const caseId = await api.file(principals.clinic);
    const path = `/v1/cases/${caseId}/tasks/acknowledge_report/complete`;
    const key = api.key();
    const first = await post(principals.police, path, key, exampleBody('police.acknowledge'));
    expect(first.status).toBe(200);
    // The case moves on before the retry arrives.
    await post(
      principals.clinic,
      `/v1/cases/${caseId}/sightings`,
      api.key(),
      exampleBody('case.record_sighting'),
    );
    const retry = await post(principals.police, path, key, exampleBody('police.acknowledge'));
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
  });

  it('answers a retried action with its first answer, not the case as it stands now', async () => {
    const caseId = await api.file(principals.clinic);
    const key = api.key();
    const path = `/v1/cases/${caseId}/acknowledge`;
    const first = await post(principals.police, path, key, exampleBody('police.acknowledge'));
    const later = await post(
      principals.clinic,
      `/v1/cases/${caseId}/sightings`,
      api.key(),
      exampleBody('case.record_sighting'),
    );
    expect(later.body).not.toEqual(first.body);
    const retry = await post(principals.police, path, key, exampleBody('police.acknowledge'));
    expect(retry.body).toEqual(first.body);
    const timeline = await api.call('GET', `/v1/cases/${caseId}/timeline`, { as: principals.police });
    expect(
      timeline.body.entries.filter((e: { type: string }) => e.type === 'police.acknowledge'),
    ).toHaveLength(1);
  });

  it('refuses the same key on another action with 422 naming the key, and applies nothing', async () => {
    const caseId = await api.file(principals.clinic);
    const key = api.key();
    await post(principals.police, `/v1/cases/${caseId}/acknowledge`, key, exampleBody('police.acknowledge'));
    const other = await post(
      principals.police,
      `/v1/cases/${caseId}/sightings`,
      key,
      exampleBody('case.record_sighting'),
    );
    expect(other.status).toBe(422);
    expect(other.type).toContain('application/problem+json');
    expect(other.body.errors).toEqual([expect.objectContaining({ path: 'header.idempotency-key' })]);
    const timeline = await api.call('GET', `/v1/cases/${caseId}/timeline`, { as: principals.police });
    expect(timeline.body.entries.map((e: { type: string }) => e.type)).not.toContain('case.record_sighting');
  });

  it('refuses the same key with another body with 422', async () => {
    const caseId = await api.file(principals.clinic);
    const key = api.key();
    const path = `/v1/cases/${caseId}/acknowledge`;
    await post(principals.police, path, key, exampleBody('police.acknowledge'));
    const changed = await post(principals.police, path, key, {
      ...exampleBody('police.acknowledge'),
      risk: 'low',
    });
    expect(changed.status).toBe(422);
  });

  it('answers a retried refusal with the same refusal, even once the action became possible', async () => {
    const caseId = await api.file(principals.clinic);
    const key = api.key();
    const path = `/v1/cases/${caseId}/located`;
    const early = await post(principals.police, path, key, exampleBody('case.record_located'));
    expect(early.status).toBe(409);
    await post(
      principals.police,
      `/v1/cases/${caseId}/acknowledge`,
      api.key(),
      exampleBody('police.acknowledge'),
    );
    const retry = await post(principals.police, path, key, exampleBody('case.record_located'));
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ status: 409, caseStatus: early.body.caseStatus });
    const fresh = await post(principals.police, path, api.key(), exampleBody('case.record_located'));
    expect(fresh.status).toBe(200);
  });

  it('keeps one caller’s keys apart from another’s', async () => {
    const caseId = await api.file(principals.clinic);
    const key = api.key();
    const byDesk = await post(
      principals.police,
      `/v1/cases/${caseId}/acknowledge`,
      key,
      exampleBody('police.acknowledge'),
    );
    expect(byDesk.status).toBe(200);
    const byClinic = await post(
      principals.clinic,
      `/v1/cases/${caseId}/sightings`,
      key,
      exampleBody('case.record_sighting'),
    );
    expect(byClinic.status).toBe(200);
  });

  it('refuses the second of two different requests sent at once with one key, and applies only one', async () => {
    const caseId = await api.file(principals.clinic);
    await post(
      principals.police,
      `/v1/cases/${caseId}/acknowledge`,
      api.key(),
      exampleBody('police.acknowledge'),
    );
    const key = api.key();
    const path = `/v1/cases/${caseId}/sightings`;
    const sighting = exampleBody('case.record_sighting');
    const [one, two] = await Promise.all([
      post(principals.police, path, key, { ...sighting, place: 'Station Assen' }),
      post(principals.police, path, key, { ...sighting, place: 'Station Groningen' }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 422]);
    const refused = one.status === 422 ? one : two;
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'header.idempotency-key' })]);
    const timeline = await api.call('GET', `/v1/cases/${caseId}/timeline`, { as: principals.police });
    expect(
      (timeline.body.entries as { type: string }[]).filter((e) => e.type === 'case.record_sighting'),
    ).toHaveLength(1);
  });

  it('answers two identical requests sent at once with one key alike', async () => {
    const caseId = await api.file(principals.clinic);
    const key = api.key();
    const path = `/v1/cases/${caseId}/acknowledge`;
    const body = exampleBody('police.acknowledge');
    const [one, two] = await Promise.all([
      post(principals.police, path, key, body),
      post(principals.police, path, key, body),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(two.body).toEqual(one.body);
  });
});
