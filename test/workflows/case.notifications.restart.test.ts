import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseHarness } from '../support/case-harness';
import type { WebhookRequest } from '../support/webhook-receiver';
import { farTitle } from '../support/fixtures';

/**
 * A worker that stops while a delivery is in flight, on the time-skipping server. Its own file and
 * server: workers here keep no sticky cache, so the new worker takes every case over at once.
 */
describe('case notifications across a worker restart (time-skipping server)', () => {
  const h = new CaseHarness('case-notifications-restart-test', { maxCachedWorkflows: 0 });
  beforeAll(() => h.start().then(() => undefined));
  afterAll(() => h.stop());

  it('does not deliver twice when the worker restarts while a delivery is in flight', async () => {
    const receiver = h.parties.webhook;
    receiver.scriptFor = (id) => id.endsWith('.police_desk.webhook');
    // The first attempt reaches the receiver, which keeps it but never answers: the worker cannot know.
    receiver.script.push('accept-then-timeout');
    const filed = await h.file({
      legalTitle: farTitle,
    });
    const inFlight = (r: WebhookRequest) => r.id.endsWith('.police_desk.webhook');
    await expect.poll(() => receiver.forCase(filed.caseId).some(inFlight), { timeout: 10_000 }).toBe(true);
    await h.restartWorker();
    // Whether the old worker reported its attempt as failed or not at all, time brings the retry.
    await h.advance('1 minute');

    const delivery = async () =>
      (await h.cases.get(filed.caseId)).deliveries.find(
        (d) => d.party === 'police_desk' && d.channel === 'webhook',
      );
    await expect.poll(async () => (await delivery())?.status, { timeout: 30_000 }).toBe('delivered');
    const id = (await delivery())!.id;
    // Sent again until one attempt was answered, and not after: every request before that one went unanswered.
    const answers = receiver.requestsFor(id).map((r) => r.status);
    expect(answers.length).toBeGreaterThanOrEqual(2);
    expect(answers).toEqual([...Array<undefined>(answers.length - 1).fill(undefined), 204]);
    expect(receiver.rejected).toEqual([]);
  });
});
