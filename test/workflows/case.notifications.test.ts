import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIdFor } from '../../api/case-client';
import type { Actor } from '../../machines/case.events';
import type { CaseView } from '../../machines/case.view';
import type { DeliveryRecord } from '../../machines/notification.schema';
import { CaseHarness } from '../support/case-harness';
import { ambulance, clinician, farTitle, police } from '../support/fixtures';
import { addresses } from '../support/party-receivers';
import type { SmtpReceiver } from '../support/smtp-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';

/**
 * Notifications end to end on the time-skipping server: the case workflow plans them from the policy's
 * matrix, one activity per party and channel delivers them to real receivers (a Standard Webhooks
 * receiver that verifies signatures, an SMTP server, the in-app feeds in the records store), and the case records them.
 */
describe('case notifications (time-skipping server)', () => {
  const h = new CaseHarness('case-notifications-test');
  beforeAll(() => h.start().then(() => undefined));
  afterAll(() => h.stop());

  const noFamilyConsent = {
    familyContact: { given: false, recordedBy: 'dr. A. Bakker' },
    publicAppeal: { given: false, recordedBy: 'dr. A. Bakker' },
  };
  const clinical = ['schizophrenia', 'clozapine'];
  let seq = 0;
  const send = (
    caseId: string,
    type: Parameters<typeof h.cases.command>[1],
    body: object,
    by: Actor = police,
  ) => h.cases.command(caseId, type, { commandId: `ntf-${++seq}-${caseId}`, by, ...body });
  const acknowledge = (caseId: string) =>
    send(caseId, 'police.acknowledge', {
      risk: 'high',
      urgent: true,
      knownFacts: 'left via the garden',
      source: 'ward nurse',
    });
  const cells = (deliveries: DeliveryRecord[]) =>
    deliveries.map((d) => `${d.event} ${d.party} ${d.channel}`).sort();
  /** The case's delivery record once nothing is queued any more. */
  const settled = async (caseId: string, count?: number): Promise<CaseView> => {
    let view!: CaseView;
    await expect
      .poll(
        async () => {
          view = await h.cases.get(caseId);
          return (
            view.deliveries.every((d) => d.status !== 'queued') &&
            (count === undefined || view.deliveries.length >= count)
          );
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    return view;
  };
  const party = (view: CaseView, event: string, who: string, channel: string) =>
    view.deliveries.find((d) => d.event === event && d.party === who && d.channel === channel)!;
  /** What the webhook receiver answered to each request for one message id, in arrival order (undefined: no answer). */
  const answersTo = (id: string) => h.parties.webhook.requestsFor(id).map((r) => r.status);

  /** Runs `body` while the police desk's webhook answers new-report messages with `answers` first. */
  const withDeskWebhookAnswering = async (
    answers: WebhookReceiver['script'],
    body: (receiver: WebhookReceiver) => Promise<void>,
  ) => {
    const receiver = h.parties.webhook;
    receiver.scriptFor = (id) => id.endsWith('.police_desk.webhook') && id.includes('.case.reported.');
    receiver.script.push(...answers);
    try {
      await body(receiver);
    } finally {
      receiver.script.length = 0;
      receiver.scriptFor = () => true;
    }
  };
  /** Runs `body` while the SMTP server replies `replies` to e-mails for one party first. */
  let scripted = 0;
  /**
   * Runs `body` with the SMTP server answering `replies` to the e-mails to `to` about `event` of one new
   * case, which `file` files. Only those e-mails get them: an earlier test's e-mail still being retried
   * never takes a reply meant for this one, nor does another announcement of the same case (the
   * time-skipping server's clock runs years ahead, so a title may lapse at once and its e-mail race this).
   */
  const withSmtpReplying = async (
    to: 'clinic' | 'contact_person',
    event: 'case.reported' | 'case.closed',
    replies: number[],
    body: (file: () => Promise<CaseView>, smtp: SmtpReceiver) => Promise<void>,
  ) => {
    const smtp = h.parties.smtp;
    const reportId = `smtp-scripted-${++scripted}`;
    const caseId = caseIdFor({ institutionId: 'ggz-noord', reportId });
    smtp.scriptFor = (headers) => {
      // A long header may come folded: compare the id without the whitespace folding added.
      const id = (headers['x-vermist-delivery-id'] ?? '').replace(/\s+/g, '');
      return id.startsWith(`ntf.${caseId}.${event}.`) && id.endsWith(`.${to}.email`);
    };
    smtp.script.push(...replies);
    try {
      await body(() => h.file({ legalTitle: farTitle, reportId }), smtp);
    } finally {
      smtp.script.length = 0;
      smtp.scriptFor = () => true;
    }
  };

  it('delivers exactly what the matrix says through a whole lifecycle, each once, to real receivers', async () => {
    const filed = await h.file({ legalTitle: farTitle });
    const id = filed.caseId;
    await acknowledge(id);
    await send(id, 'case.record_located', { foundBy: 'police', place: 'Station Assen' });
    await send(
      id,
      'transport.arrange',
      { mode: 'ambulance', pickup: 'Station Assen', destination: 'De Linde, GGZ Noord' },
      ambulance,
    );
    await send(id, 'clinic.confirm_return', {}, clinician);
    await send(
      id,
      'clinic.complete_debrief',
      { safeAndWell: true, whatHappened: 'took the train to see his sister' },
      clinician,
    );
    await h.env.client.workflow.getHandle(id).result();
    const final = await h.cases.get(id);

    expect(cells(final.deliveries)).toEqual(
      [
        'case.reported police_desk webhook',
        'case.reported police_desk feed',
        'case.reported clinic feed',
        'case.reported clinic email',
        'case.acknowledged clinic feed',
        'case.acknowledged clinic email',
        'person.located clinic feed',
        'person.located clinic email',
        'person.located contact_person email',
        'transport.arranged ambulance webhook',
        'transport.arranged ambulance feed',
        'transport.arranged clinic feed',
        'person.returned police_desk webhook',
        'person.returned police_desk feed',
        'person.returned contact_person email',
        'case.closed clinic feed',
        'case.closed clinic email',
        'case.closed police_desk webhook',
        'case.closed police_desk feed',
        'case.closed police_supervisor feed',
        'case.closed ambulance feed',
        'case.closed crisis_service email',
        'case.closed contact_person email',
      ].sort(),
    );
    for (const d of final.deliveries) {
      expect(d.status, `${d.id}`).toBe(d.channel === 'email' ? 'sent' : 'delivered');
      expect(d.attempts).toBe(1);
    }

    // Vermist sent each webhook once, and the receiver's Standard Webhooks library verified it (a 204, not a 400).
    const webhookIds = final.deliveries.filter((d) => d.channel === 'webhook').map((d) => d.id);
    expect(
      h.parties.webhook
        .forCase(id)
        .map((r) => `${r.id} ${r.status}`)
        .sort(),
    ).toEqual(webhookIds.map((d) => `${d} 204`).sort());
    expect(h.parties.webhook.rejected).toEqual([]);

    // One e-mail per e-mail delivery, its Message-ID derived from the delivery id.
    const emails = h.parties.smtp.forCase(id);
    const emailDeliveries = final.deliveries.filter((d) => d.channel === 'email');
    expect(emails).toHaveLength(emailDeliveries.length);
    for (const d of emailDeliveries) {
      const mail = emails.find((m) => m.headers['x-vermist-delivery-id'] === d.id)!;
      expect(mail.messageId).toMatch(
        new RegExp(`^<${d.id.replace(/\./g, '\\.')}\\.[a-z0-9.-]+@vermist\\.test>$`),
      );
      expect(mail.to).toEqual([addresses[d.party as keyof typeof addresses]]);
      expect(mail.raw).toContain('text/plain');
      expect(mail.raw).toContain('text/html');
      expect(mail.decoded).toContain(`https://vermist.test/v1/cases/${id}`);
    }

    // Family hears that the person is found and back, and whom to call; never where they were found.
    const family = emails.filter((m) => m.to.includes(addresses.contact_person));
    expect(family).toHaveLength(3);
    for (const mail of family) {
      expect(mail.decoded).toContain('+31 592 000 000');
      expect(mail.decoded).not.toContain('Assen');
    }

    // The in-app feeds hold each feed delivery once.
    for (const who of ['clinic', 'police_desk', 'police_supervisor', 'ambulance'] as const) {
      const ids = (await h.parties.feed(who)).filter((e) => e.caseId === id).map((e) => e.id);
      expect(ids.sort()).toEqual(
        final.deliveries
          .filter((d) => d.channel === 'feed' && d.party === who)
          .map((d) => d.id)
          .sort(),
      );
    }
  });

  it('carries no clinical data, no name and no place to anyone but the clinic, and nothing to family without consent', async () => {
    const filed = await h.file({ legalTitle: farTitle, consents: noFamilyConsent });
    const id = filed.caseId;
    await acknowledge(id);
    await send(id, 'case.record_located', { foundBy: 'family', place: 'Station Assen' });
    const view = await settled(id, 9);

    const outside = [
      ...h.parties.webhook.forCase(id).map((r) => r.raw),
      ...h.parties.smtp
        .forCase(id)
        .filter((m) => !m.to.includes(addresses.clinic))
        .map((m) => m.decoded),
      ...(
        await Promise.all(
          (['police_desk', 'police_supervisor', 'ambulance'] as const).map((p) => h.parties.feed(p)),
        )
      )
        .flat()
        .filter((e) => e.caseId === id)
        .map((e) => JSON.stringify(e)),
    ];
    expect(outside.length).toBeGreaterThan(0);
    for (const text of outside) {
      for (const word of [...clinical, 'Jan de Vries', 'Station Assen', 'De Linde'])
        expect(text).not.toContain(word);
    }
    // The clinic's own messages carry facts and a link, not the report either.
    for (const mail of h.parties.smtp.forCase(id).filter((m) => m.to.includes(addresses.clinic))) {
      for (const word of clinical) expect(mail.decoded).not.toContain(word);
    }
    expect(party(view, 'person.located', 'contact_person', 'email')).toMatchObject({
      status: 'withheld',
      attempts: 0,
      reason: 'no recorded consent to contact this party',
    });
    expect(
      h.parties.smtp.received.filter(
        (m) => m.to.includes(addresses.contact_person) && m.headers['x-vermist-delivery-id']?.includes(id),
      ),
    ).toEqual([]);
  });

  it('retries a webhook after a 5xx and a timeout, and sends it no more once it is answered 2xx', async () => {
    await withDeskWebhookAnswering([503, 'timeout'], async () => {
      const filed = await h.file({ legalTitle: farTitle });
      const view = await settled(filed.caseId, 4);
      const delivery = party(view, 'case.reported', 'police_desk', 'webhook');
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, recipients: 1 });
      expect(answersTo(delivery.id)).toEqual([503, undefined, 204]);
      expect(view.escalations).toEqual([]);
    });
  });

  it('sends a message whose answer was lost again with the same id and body, so the receiver can drop the copy', async () => {
    await withDeskWebhookAnswering(['accept-then-timeout'], async (receiver) => {
      const filed = await h.file({ legalTitle: farTitle });
      const view = await settled(filed.caseId, 4);
      const delivery = party(view, 'case.reported', 'police_desk', 'webhook');
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(answersTo(delivery.id)).toEqual([undefined, 204]);
      const [first, again] = receiver.requestsFor(delivery.id);
      expect(again!.raw).toBe(first!.raw);
    });
  });

  it('escalates a delivery the receiver refuses for good to the supervisor, who can list it', async () => {
    await withDeskWebhookAnswering([410], async () => {
      const filed = await h.file({ legalTitle: farTitle });
      const id = filed.caseId;
      const view = await settled(id, 7);
      const failed = party(view, 'case.reported', 'police_desk', 'webhook');
      expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
      expect(answersTo(failed.id)).toEqual([410]);
      expect(failed.reason).toMatch(/^police_desk by webhook: webhook .* answered 410$/);
      expect(view.escalations).toEqual([
        { reason: 'delivery_failed', to: 'police_supervisor', at: failed.updatedAt, dueAt: failed.updatedAt },
      ]);
      expect(view.timeline.map((e) => e.type)).toContain('delivery.failed');
      // The supervisor hears of it through every channel the matrix names for it.
      expect(cells(view.deliveries.filter((d) => d.event === 'delivery.failed'))).toEqual([
        'delivery.failed police_supervisor email',
        'delivery.failed police_supervisor feed',
        'delivery.failed police_supervisor webhook',
      ]);
      const supervisorFeed = (await h.parties.feed('police_supervisor')).filter(
        (e) => e.caseId === id && e.event === 'delivery.failed',
      );
      expect(supervisorFeed).toHaveLength(1);
      expect(supervisorFeed[0]!.facts.reason).toBe(failed.reason);
    });
  });

  it('escalates a delivery once its retries run out', async () => {
    await withDeskWebhookAnswering([...Array<number>(8).fill(503)], async () => {
      const filed = await h.file({ legalTitle: farTitle });
      await h.advance('10 minutes');
      const view = await settled(filed.caseId, 7);
      const failed = party(view, 'case.reported', 'police_desk', 'webhook');
      expect(failed).toMatchObject({ status: 'failed', attempts: 8 });
      expect(view.escalations.map((e) => e.reason)).toEqual(['delivery_failed']);
      expect(answersTo(failed.id)).toEqual(Array<number>(8).fill(503));
    });
  });

  it('retries an e-mail the SMTP server defers, and sends it once', async () => {
    await withSmtpReplying('clinic', 'case.reported', [451], async (file, smtp) => {
      const filed = await file();
      const view = await settled(filed.caseId, 4);
      const delivery = party(view, 'case.reported', 'clinic', 'email');
      expect(delivery).toMatchObject({ status: 'sent', attempts: 2, recipients: 1 });
      const mails = smtp
        .forCase(filed.caseId)
        .filter((m) => m.headers['x-vermist-delivery-id'] === delivery.id);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe(`[SPOED] Nieuwe melding van afwezigheid (Zaak ${filed.caseId})`);
    });
  });

  it('tells the police desk of new information at once while the clinic’s mail server still defers an earlier e-mail', async () => {
    // The clinic's mail server says "later" to every attempt: that e-mail stays queued for minutes.
    await withSmtpReplying('clinic', 'case.reported', [451, 451, 451, 451, 451, 451], async (file) => {
      const filed = await file();
      await acknowledge(filed.caseId);
      const started = Date.now();
      await send(
        filed.caseId,
        'case.add_information',
        { information: 'may be at his sister’s', source: 'mother' },
        clinician,
      );
      await expect
        .poll(
          async () =>
            (await h.parties.feed('police_desk')).some(
              (e) => e.caseId === filed.caseId && e.event === 'information.added',
            ),
          {
            timeout: 10_000,
            interval: 100,
          },
        )
        .toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
      const view = await h.cases.get(filed.caseId);
      expect(party(view, 'case.reported', 'clinic', 'email').status).toBe('queued');
    });
  });

  it('escalates an e-mail the SMTP server refuses for good, without the address in the reason', async () => {
    await withSmtpReplying('clinic', 'case.reported', [550], async (file) => {
      const filed = await file();
      const view = await settled(filed.caseId, 7);
      const delivery = party(view, 'case.reported', 'clinic', 'email');
      expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
      expect(delivery.reason).toContain('550');
      expect(delivery.reason).toContain(delivery.id);
      expect(delivery.reason).not.toContain(addresses.clinic);
      expect(view.escalations.map((e) => e.reason)).toEqual(['delivery_failed']);
    });
  });

  it('still tells the supervisor when a delivery about a case that has ended fails for good', async () => {
    await withSmtpReplying('contact_person', 'case.closed', [550], async (file) => {
      const filed = await file();
      await send(filed.caseId, 'case.withdraw', { reason: 'back on the ward', falseAlarm: false }, clinician);
      await h.env.client.workflow.getHandle(filed.caseId).result();
      const final = await h.cases.get(filed.caseId);
      expect(party(final, 'case.closed', 'contact_person', 'email')).toMatchObject({ status: 'failed' });
      // The machine has ended and records no escalation; the supervisor is told all the same.
      expect(final.escalations).toEqual([]);
      expect(
        final.deliveries
          .filter((d) => d.event === 'delivery.failed')
          .map((d) => `${d.party} ${d.channel} ${d.status}`)
          .sort(),
      ).toEqual([
        'police_supervisor email sent',
        'police_supervisor feed delivered',
        'police_supervisor webhook delivered',
      ]);
    });
  });
});
