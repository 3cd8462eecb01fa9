import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBody } from '../support/action-examples';
import { ApiHarness } from '../support/api-harness';
import { principals } from '../support/tokens';

// The cluster target whichever project runs this file: it is about the production shape itself.
const cluster = new ApiHarness('cluster-e2e', { target: 'cluster' });
const { clinic, police, ambulance, supervisor } = principals;

const act = (
  who: (typeof principals)[keyof typeof principals],
  caseId: string,
  path: string,
  body: unknown,
) => cluster.call('POST', `/v1/cases/${caseId}/${path}`, { as: who, key: cluster.key(), body });

beforeAll(() => cluster.start(), 300_000);
afterAll(() => cluster.stop(), 120_000);

describe('the production shape: two workers and two API instances behind one address', () => {
  it('spreads requests over both API instances', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => cluster.call('GET', '/healthz')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.upstream))).toEqual(new Set(['api-1', 'api-2']));
  });

  it('drives a case from report to closed while a worker is killed mid-way', async () => {
    const caseId = await cluster.file(clinic);
    expect((await act(police, caseId, 'acknowledge', exampleBody('police.acknowledge'))).status).toBe(200);
    expect((await act(police, caseId, 'located', exampleBody('case.record_located'))).body.status).toBe(
      'located',
    );

    const killed = cluster.pidOf('worker-1')!;
    process.kill(killed, 'SIGKILL');

    const transport = await act(police, caseId, 'tasks/arrange_transport/complete', {
      mode: 'ambulance',
      pickup: 'Station Assen',
      destination: 'De Linde, GGZ Noord',
    });
    expect(transport.body.status).toBe('in_transport');
    expect((await act(ambulance, caseId, 'tasks/transport_patient/claim', {})).status).toBe(200);
    expect((await act(ambulance, caseId, 'tasks/transport_patient/complete', {})).status).toBe(200);
    expect((await act(clinic, caseId, 'tasks/confirm_arrival/complete', {})).body.status).toBe('returned');
    const closed = await act(clinic, caseId, 'tasks/debrief/complete', {
      safeAndWell: true,
      whatHappened: 'took the train to see his sister',
    });
    expect(closed.body).toMatchObject({ status: 'closed', outcome: 'returned' });

    const timeline = await cluster.call('GET', `/v1/cases/${caseId}/timeline`, { as: supervisor });
    expect(timeline.body.entries.map((e: { type: string }) => e.type)).toEqual([
      'case.reported',
      'police.acknowledge',
      'case.record_located',
      'transport.arrange',
      'task.claim',
      'task.complete',
      'clinic.confirm_return',
      'clinic.complete_debrief',
    ]);
    // The supervisor starts a killed worker again, as compose's restart policy does.
    await expect.poll(() => cluster.pidOf('worker-1'), { timeout: 30_000 }).not.toBeNull();
    expect(cluster.pidOf('worker-1')).not.toBe(killed);
  }, 180_000);

  it('streams a feed event through the proxy as it happens', async () => {
    const opening = Date.now();
    const stream = await cluster.stream(police);
    try {
      // Held back, the stream would open only with its first heartbeat, 15 s later.
      expect(Date.now() - opening).toBeLessThan(5_000);
      expect(stream.status).toBe(200);
      expect(stream.type).toContain('text/event-stream');
      const caseId = await cluster.file(clinic);
      await expect
        .poll(() => stream.events.filter((e) => e.data.caseId === caseId).map((e) => e.data.event), {
          timeout: 20_000,
        })
        .toEqual(['case.reported']);
    } finally {
      await stream.close();
    }
  }, 60_000);

  it('answers retries with one Idempotency-Key alike on either API instance, and applies the action once', async () => {
    const caseId = await cluster.file(clinic);
    const key = cluster.key();
    const path = `/v1/cases/${caseId}/acknowledge`;
    const body = exampleBody('police.acknowledge');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await cluster.call('POST', path, { as: police, key, body }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.upstream))).toEqual(new Set(['api-1', 'api-2']));
    for (const answer of answers.slice(1)) expect(answer.body).toEqual(answers[0]!.body);
    expect(await timelineCount(caseId, 'police.acknowledge')).toBe(1);
  }, 60_000);

  it('applies two simultaneous retries on the two instances once, and answers them and later ones alike', async () => {
    const caseId = await cluster.file(clinic);
    await act(police, caseId, 'acknowledge', exampleBody('police.acknowledge'));
    const key = cluster.key();
    const body = exampleBody('case.record_sighting');
    const retry = () => cluster.call('POST', `/v1/cases/${caseId}/sightings`, { as: police, key, body });
    const together = await Promise.all([retry(), retry()]);
    expect(together.map((a) => a.status)).toEqual([200, 200]);
    expect(new Set(together.map((a) => a.upstream)).size).toBe(2);
    // Both ran; the answer kept first is what both say, and what every later retry gets.
    expect(together[1].body).toEqual(together[0].body);
    const later = [await retry(), await retry()];
    for (const answer of later) expect(answer.body).toEqual(together[0].body);
    expect(await timelineCount(caseId, 'case.record_sighting')).toBe(1);
  }, 60_000);
});

async function timelineCount(caseId: string, type: string): Promise<number> {
  const timeline = await cluster.call('GET', `/v1/cases/${caseId}/timeline`, { as: police });
  return (timeline.body.entries as { type: string }[]).filter((e) => e.type === type).length;
}
