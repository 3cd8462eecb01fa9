import nodemailer from 'nodemailer';
import type { ActivityDeps } from '../../activities/case.activities';
import type { Contact } from '../../activities/contacts.schema';
import type { FeedEntry } from '../../machines/notification.schema';
import type { FeedParty } from '../../machines/party.schema';
import type { RecordsStore } from '../../records/records.store';
import { testPolicyDocument } from './fixtures';
import { openTestRecords } from './records';
import { SmtpReceiver } from './smtp-receiver';
import { WebhookReceiver } from './webhook-receiver';

/** The e-mail address each party's contact has in the tests. */
export const addresses = {
  clinic: 'dienst@ggz-noord.test',
  police_supervisor: 'chef@politie.test',
  crisis_service: 'crisis@ggz-crisis.test',
  contact_person: 'familie@example.test',
} as const;

/**
 * Real receivers for every party: one Standard Webhooks receiver and one SMTP server, with a contact per
 * party as a deployment would configure it, and a real records store (PGlite) for case records and feeds.
 */
export class PartyReceivers {
  readonly webhook = new WebhookReceiver();
  readonly smtp = new SmtpReceiver();
  contacts: Contact[] = [];
  records!: RecordsStore;

  /** Starts the receivers, with a records store of their own (PGlite). */
  async start(): Promise<this> {
    await this.startReceivers();
    this.records = await openTestRecords();
    return this;
  }

  /**
   * Starts the receivers alone, for a system that opens its own records store once it runs (a cluster
   * needs the contacts first): set `records` to it before reading feeds.
   */
  async startReceivers(): Promise<this> {
    const url = await this.webhook.start();
    const hook = { url, secret: this.webhook.secret };
    await this.smtp.start();
    this.contacts = [
      { id: 'desk-noord', party: 'police_desk', regions: ['noord-nl'], language: 'nl', webhook: hook },
      {
        id: 'chef-noord',
        party: 'police_supervisor',
        language: 'en',
        webhook: hook,
        email: { to: [addresses.police_supervisor] },
      },
      { id: 'ggz-noord-dienst', party: 'clinic', language: 'nl', email: { to: [addresses.clinic] } },
      { id: 'rav-noord', party: 'ambulance', language: 'nl', webhook: hook },
      {
        id: 'crisisdienst',
        party: 'crisis_service',
        language: 'nl',
        email: { to: [addresses.crisis_service] },
      },
      { id: 'familie', party: 'contact_person', language: 'nl', email: { to: [addresses.contact_person] } },
    ];
    return this;
  }

  /** The SMTP relay URL a worker process is configured with (VERMIST_SMTP_URL). */
  smtpUrl(): string {
    const { host, port } = this.smtp.address();
    return `smtp://${host}:${port}`;
  }

  /** The delivery activities' dependencies, pointed at these receivers. */
  activityDeps(overrides: Partial<ActivityDeps> = {}): ActivityDeps {
    const smtp = this.smtp.address();
    return {
      contacts: this.contacts,
      mailer: {
        transport: nodemailer.createTransport({ ...smtp, secure: false, ignoreTLS: true }),
        from: 'Vermist <noreply@vermist.test>',
      },
      feed: this.records.feed,
      records: this.records,
      retention: testPolicyDocument.retention,
      profilePolicy: testPolicyDocument.profiles,
      publicBaseUrl: 'https://vermist.test',
      now: () => new Date(),
      webhookTimeoutMs: 2_000,
      log: () => undefined,
      ...overrides,
    };
  }

  /** A role's feed for the test tenants (institution ggz-noord, region noord-nl). */
  feed(party: FeedParty): Promise<FeedEntry[]> {
    return this.records.feed.list(party, party === 'clinic' ? 'ggz-noord' : 'noord-nl', {});
  }

  /** Every event one case was announced as, through any channel, as the receivers got it. */
  async events(caseId: string): Promise<string[]> {
    const feeds = await Promise.all(
      (['clinic', 'police_desk', 'police_supervisor', 'ambulance'] as const).map((p) => this.feed(p)),
    );
    return [
      ...new Set([
        ...this.webhook
          .accepted()
          .filter((r) => r.body.data.caseId === caseId)
          .map((r) => r.body.type),
        ...this.smtp.forCase(caseId).map((m) => m.headers['x-vermist-event'] ?? ''),
        ...feeds
          .flat()
          .filter((e) => e.caseId === caseId)
          .map((e) => e.event),
      ]),
    ];
  }

  async stop(): Promise<void> {
    await this.webhook.stop();
    await this.smtp.stop();
    await this.records?.database.close();
  }
}
