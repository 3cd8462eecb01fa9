import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness, type Answer } from '../support/api-harness';
import { aReportNow } from '../support/fixtures';
import { principals } from '../support/tokens';

const TASK_QUEUE = 'feed-api-test';

describe('notification feed API over HTTP', () => {
  const stack = new ApiHarness(TASK_QUEUE);
  const { parties } = stack;
  let seq = 0;

  beforeAll(() => stack.start().then(() => undefined));

  afterAll(() => stack.stop());

  const get = (path: string, as: keyof typeof principals) => stack.call('GET', path, { as: principals[as] });

  async function fileCase(): Promise<string> {
    const filed = await stack.call('POST', '/v1/cases', {
      as: principals.clinic,
      body: aReportNow({ reportId: `feed-${++seq}` }),
    });
    expect(filed.status).toBe(201);
    return (filed.body as { caseId: string }).caseId;
  }

  /** Opens the feed's event stream as `as`. */
  const openStream = (as: keyof typeof principals, from: { lastEventId?: string; after?: string } = {}) =>
    stack.stream(principals[as], from);

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

  it('pages the feed oldest first, with a limit and the cursor it answers', async () => {
    const caseIds = [await fileCase(), await fileCase()];
    for (const caseId of caseIds) await expect.poll(() => entriesFor('police', caseId)).toHaveLength(1);
    const all = (await get('/v1/feed?limit=200', 'police')).body.entries as { seq: string }[];
    const pages: Answer[] = [await get('/v1/feed?limit=1', 'police')];
    for (let cursor = pages[0]!.body.nextCursor; cursor !== null; cursor = pages.at(-1)!.body.nextCursor) {
      pages.push(await get(`/v1/feed?limit=1&after=${cursor}`, 'police'));
    }

    expect(pages.every((page) => page.status === 200 && page.body.entries.length === 1)).toBe(true);
    expect(pages.map((page) => (page.body.entries as { seq: string }[])[0]!.seq)).toEqual(
      all.map((e) => e.seq),
    );
    expect(all.map((e) => BigInt(e.seq))).toEqual(
      all.map((e) => BigInt(e.seq)).sort((a, b) => (a < b ? -1 : 1)),
    );
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

  it('answers 400 for a limit or cursor out of range, and for an unknown query field', async () => {
    const res = await get('/v1/feed?limit=0&after=last', 'police');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'query.after',
      'query.limit',
    ]);
    expect((await get('/v1/feed?page=2', 'police')).status).toBe(400);
  });

  it('streams the police desk the case.reported entry of a newly filed case as it happens', async () => {
    const stream = await openStream('police');
    try {
      expect(stream.status).toBe(200);
      expect(stream.type).toContain('text/event-stream');
      const caseId = await fileCase();

      await expect.poll(() => stream.of(caseId), { interval: 50, timeout: 5_000 }).toHaveLength(1);
      const [event] = stream.of(caseId);
      expect(event).toMatchObject({
        id: event!.data.seq,
        event: 'case.reported',
        data: { event: 'case.reported', link: `/v1/cases/${caseId}`, urgency: 'immediate' },
      });
      for (const word of ['schizophrenia', 'clozapine', 'Jan de Vries']) {
        expect(JSON.stringify(stream.events)).not.toContain(word);
      }
    } finally {
      await stream.close();
    }
  });

  it('streams another region’s desk nothing of the case', async () => {
    const [mine, theirs] = [await openStream('police'), await openStream('otherPolice')];
    try {
      const caseId = await fileCase();
      await expect.poll(() => mine.of(caseId), { interval: 50, timeout: 5_000 }).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(theirs.of(caseId)).toEqual([]);
    } finally {
      await Promise.all([mine.close(), theirs.close()]);
    }
  });

  it('replays only the entries after Last-Event-ID when a stream reconnects', async () => {
    const first = await openStream('police');
    const seen = await fileCase();
    await expect.poll(() => first.of(seen), { interval: 50, timeout: 5_000 }).toHaveLength(1);
    const lastEventId = first.events.at(-1)!.id;
    await first.close();
    const missed = await fileCase();
    await expect.poll(() => entriesFor('police', missed)).toHaveLength(1);

    const again = await openStream('police', { lastEventId, after: '0' });
    try {
      await expect.poll(() => again.of(missed), { interval: 50, timeout: 5_000 }).toHaveLength(1);
      expect(again.of(seen)).toEqual([]);
      expect(again.events.every((e) => BigInt(e.id) > BigInt(lastEventId))).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('refuses a stream without a token, or with a Last-Event-ID that is no seq', async () => {
    const anonymous = await fetch(`${stack.base}/v1/feed/stream`);
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
    const wrong = await fetch(`${stack.base}/v1/feed/stream`, {
      headers: { authorization: `Bearer ${await stack.token(principals.police)}`, 'last-event-id': 'latest' },
    });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { errors: unknown }).errors).toEqual([
      expect.objectContaining({ path: 'header.last-event-id' }),
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

  it('lists failed deliveries only, not the rest of the supervisor’s feed', async () => {
    const caseId = `case-${TASK_QUEUE}-closed-${++seq}`;
    await parties.records.feed.append({
      id: `${caseId}.case.closed.police_supervisor.feed`,
      caseId,
      event: 'case.closed',
      at: new Date().toISOString(),
      party: 'police_supervisor',
      tenant: 'noord-nl',
      urgency: 'routine',
      template: 'update',
      link: `/v1/cases/${caseId}`,
      facts: {},
    });

    expect(await entriesFor('supervisor', caseId)).toHaveLength(1);
    const failed = await get('/v1/deliveries/failed', 'supervisor');
    expect(failed.status).toBe(200);
    expect((failed.body.failures as { caseId: string }[]).filter((f) => f.caseId === caseId)).toEqual([]);
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
