import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness';
import { aReport } from '../support/fixtures';
import { principals } from '../support/tokens';

const TASK_QUEUE = 'feed-api-test';

describe('notification feed API over HTTP (dev server)', () => {
  const stack = new ApiHarness(TASK_QUEUE);
  const { parties } = stack;
  let seq = 0;

  beforeAll(() => stack.start().then(() => undefined));

  afterAll(() => stack.stop());

  const get = (path: string, as: keyof typeof principals) => stack.call('GET', path, { as: principals[as] });

  async function fileCase(): Promise<string> {
    const filed = await stack.call('POST', '/v1/cases', {
      as: principals.clinic,
      body: aReport({ reportId: `feed-${++seq}` }),
    });
    expect(filed.status).toBe(201);
    return (filed.body as { caseId: string }).caseId;
  }

  const entriesFor = async (as: keyof typeof principals, caseId: string) =>
    ((await get('/v1/feed', as)).body.entries as { caseId: string; event: string }[]).filter(
      (e) => e.caseId === caseId,
    );

  it('shows the clinic and the police desk what they were told of a new case, with a link and no clinical data', async () => {
    const caseId = await fileCase();
    await expect.poll(() => entriesFor('clinic', caseId)).toHaveLength(1);
    await expect.poll(() => entriesFor('police', caseId)).toHaveLength(1);
    const [entry] = await entriesFor('police', caseId);
    expect(entry).toMatchObject({
      event: 'case.reported',
      link: `/v1/cases/${caseId}`,
      urgency: 'immediate',
    });
    const text = JSON.stringify(await get('/v1/feed', 'police'));
    for (const word of ['schizophrenia', 'clozapine', 'Jan de Vries']) expect(text).not.toContain(word);
  });

  it('shows another region’s desk nothing of the case', async () => {
    const caseId = await fileCase();
    await expect.poll(() => entriesFor('police', caseId)).toHaveLength(1);
    expect(await entriesFor('otherPolice', caseId)).toEqual([]);
  });

  it('filters the feed by event', async () => {
    const caseId = await fileCase();
    await expect.poll(() => entriesFor('police', caseId)).toHaveLength(1);
    const res = await get('/v1/feed?event=case.closed', 'police');
    expect(res.status).toBe(200);
    expect((res.body.entries as { caseId: string }[]).filter((e) => e.caseId === caseId)).toEqual([]);
  });

  it('answers 400 naming each wrong query field', async () => {
    const res = await get('/v1/feed?event=case.vanished&since=yesterday', 'police');
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'query.event',
      'query.since',
    ]);
  });

  it('shows each party the delivery record of the case in its view', async () => {
    const caseId = await fileCase();
    const statuses = async () =>
      ((await get(`/v1/cases/${caseId}`, 'police')).body.deliveries as { status: string }[])
        .map((d) => d.status)
        .sort();
    // Three feed and webhook deliveries confirmed by their channel, one e-mail handed to the SMTP server.
    await expect.poll(statuses).toEqual(['delivered', 'delivered', 'delivered', 'sent']);
  });

  it('lists failed deliveries to a supervisor, and to nobody else', async () => {
    parties.webhook.scriptFor = (id) => id.endsWith('.police_desk.webhook');
    parties.webhook.script.push(410);
    try {
      const caseId = await fileCase();
      await expect
        .poll(async () =>
          ((await get('/v1/deliveries/failed', 'supervisor')).body.failures as { caseId: string }[]).filter(
            (f) => f.caseId === caseId,
          ),
        )
        .toEqual([
          {
            caseId,
            at: expect.any(String),
            reason: expect.stringMatching(/^police_desk by webhook: .*410$/),
            link: `/v1/cases/${caseId}`,
          },
        ]);
      expect((await get('/v1/deliveries/failed', 'police')).status).toBe(403);
      expect((await get(`/v1/cases/${caseId}`, 'supervisor')).body.escalations).toEqual([
        expect.objectContaining({ reason: 'delivery_failed', to: 'police_supervisor' }),
      ]);
    } finally {
      parties.webhook.script.length = 0;
      parties.webhook.scriptFor = () => true;
    }
  });
});
