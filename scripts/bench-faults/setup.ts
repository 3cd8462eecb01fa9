import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Contact } from '../../activities/contacts.schema';
import { PolicyDocumentSchema } from '../../machines/policy.schema';
import { WebhookReceiver } from '../../test/support/webhook-receiver';
import { SmtpSink } from './smtp-sink';

const ROOT = path.join(__dirname, '../..');

/**
 * The deadlines the benchmark runs under: the shipped policy with every lifecycle deadline a case meets
 * between report and debrief cut to seconds, so timers fall due while the faults happen. Everything else
 * (the notification matrix, escalation, retention) is the shipped policy's.
 */
export const BENCH_DEADLINES = {
  // Longer than filing a thousand reports takes: a wave of acknowledgement escalations during intake
  // would only measure overload.
  acknowledge: { urgent: '10m', ordinary: '20m' },
  review: { high: '90s', medium: '180s', low: '300s', onNewInformation: '30s' },
  transport: { arrangeWithin: '240s', arrivalWithin: '300s' },
  afterReturn: { debriefWithin: '120s', followUpWithin: '1h' },
} as const;

/** Every party's endpoint, as a deployment configures them, pointing at real receivers on loopback. */
export class PartyEndpoints {
  readonly webhook = new WebhookReceiver();
  readonly smtp = new SmtpSink();
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'vermist-bench-faults-'));
  contacts: Contact[] = [];
  smtpUrl = '';

  get contactsFile(): string {
    return path.join(this.dir, 'contacts.json');
  }

  get policyFile(): string {
    return path.join(this.dir, 'policy.json');
  }

  /** Starts the receivers and writes the contacts and policy files the cluster is started with. */
  async start(): Promise<this> {
    const hooks = await this.webhook.start();
    const { host, port } = await this.smtp.start();
    this.smtpUrl = `smtp://${host}:${port}`;
    const webhook = (name: string) => ({ url: `${hooks}/${name}`, secret: this.webhook.secret });
    this.contacts = [
      { id: 'desk-noord', party: 'police_desk', language: 'nl', webhook: webhook('desk') },
      {
        id: 'chef-noord',
        party: 'police_supervisor',
        language: 'en',
        webhook: webhook('supervisor'),
        email: { to: ['chef@politie.test'] },
      },
      { id: 'ggz-noord-dienst', party: 'clinic', language: 'nl', email: { to: ['dienst@ggz-noord.test'] } },
      { id: 'rav-noord', party: 'ambulance', language: 'nl', webhook: webhook('ambulance') },
      { id: 'crisisdienst', party: 'crisis_service', language: 'nl', email: { to: ['crisis@ggz.test'] } },
      { id: 'familie', party: 'contact_person', language: 'nl', email: { to: ['familie@example.test'] } },
    ];
    writeFileSync(this.contactsFile, JSON.stringify(this.contacts, null, 2));
    writeFileSync(this.policyFile, JSON.stringify(benchPolicy(), null, 2));
    return this;
  }

  async stop(): Promise<void> {
    await this.webhook.stop();
    await this.smtp.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The shipped policy document with BENCH_DEADLINES laid over its defaults, validated as the cluster will. */
function benchPolicy(): unknown {
  const shipped = JSON.parse(readFileSync(path.join(ROOT, 'config/policy.json'), 'utf8')) as {
    version: string;
    defaults: Record<string, object>;
  };
  const document = {
    ...shipped,
    version: 'bench-faults-1',
    defaults: Object.fromEntries(
      Object.entries(shipped.defaults).map(([name, section]) => [
        name,
        { ...section, ...(BENCH_DEADLINES as Record<string, object>)[name] },
      ]),
    ),
  };
  PolicyDocumentSchema.parse(document);
  return document;
}
