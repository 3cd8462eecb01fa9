import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { Channel, FeedEntry, NotificationMessage } from '../machines/notification.schema';
import { FeedPartySchema } from '../machines/party.schema';
import { renderMessage } from '../machines/notification.templates';
import { contactsFor, type Contact } from './contacts.schema';
import { sendEmail } from './email.channel';
import { postWebhook } from './webhook.channel';

/** Where in-app feed entries are kept; appending an entry whose id is there already changes nothing. */
export type FeedStore = { append(entry: FeedEntry): Promise<void> };

export type NotificationDeps = {
  contacts: Contact[];
  mailer: { transport: Transporter; from: string };
  feed: FeedStore;
  /** The public base URL of the API/UI that messages link to. */
  publicBaseUrl: string;
  now: () => Date;
  webhookTimeoutMs: number;
  log: (entry: Record<string, unknown>) => void;
};

/** One delivery: a message for one party, through one channel, for a case in a region and institution. */
export type DeliveryInput = {
  message: NotificationMessage;
  channel: Channel;
  region: string;
  institutionId: string;
};

/** How a delivery went. `withheld` when the deployment configures no receiver for that party and channel. */
export type DeliveryResult = {
  status: 'sent' | 'delivered' | 'withheld';
  recipients: number;
  attempts: number;
  reason?: string;
};

/** What a failed attempt tells the workflow beside its message: which attempt it was. */
export type DeliveryFailureDetails = { attempt: number };

/** Builds the delivery activities from injected dependencies. */
export function createNotificationActivities(deps: NotificationDeps) {
  return {
    /**
     * Delivers one message through one channel to every receiver the party has configured. Idempotent:
     * each receiver gets the delivery's stable id (webhook-id, Message-ID, feed key), and receivers done
     * in an earlier attempt are remembered in the heartbeat and skipped on retry.
     */
    async deliver(input: DeliveryInput): Promise<DeliveryResult> {
      const context = Context.current();
      const attempt = context.info.attempt;
      try {
        if (input.channel === 'feed') return { ...(await toFeed(input)), attempts: attempt };
        const receivers = contactsFor(deps.contacts, {
          party: input.message.party,
          region: input.region,
          institutionId: input.institutionId,
        }).filter((c) => (input.channel === 'webhook' ? c.webhook : c.email) !== undefined);
        if (receivers.length === 0) {
          const reason = `no ${input.channel} receiver configured for ${input.message.party}`;
          return { status: 'withheld', recipients: 0, attempts: attempt, reason };
        }
        const done = new Set((context.info.heartbeatDetails as string[] | undefined) ?? []);
        for (const receiver of receivers) {
          if (done.has(receiver.id)) continue;
          if (input.channel === 'webhook') await toWebhook(input.message, receiver);
          else await toEmail(input.message, receiver);
          done.add(receiver.id);
          context.heartbeat([...done]);
          deps.log({
            msg: 'notification sent',
            caseId: input.message.caseId,
            event: input.message.event,
            party: input.message.party,
            channel: input.channel,
            receiver: receiver.id,
            deliveryId: input.message.id,
          });
        }
        return {
          status: input.channel === 'webhook' ? 'delivered' : 'sent',
          recipients: receivers.length,
          attempts: attempt,
        };
      } catch (error) {
        const details: DeliveryFailureDetails = { attempt };
        const failure = error instanceof ApplicationFailure ? error : undefined;
        throw ApplicationFailure.create({
          type: failure?.type ?? 'DeliveryFailed',
          message: error instanceof Error ? error.message : String(error),
          nonRetryable: failure?.nonRetryable ?? false,
          details: [details],
        });
      }
    },
  };

  async function toWebhook(message: NotificationMessage, receiver: Contact): Promise<void> {
    const { id, event, at, ...data } = message;
    await postWebhook(
      receiver.webhook!,
      { id, body: { type: event, timestamp: at, data: { ...data, link: absolute(message.link) } } },
      { now: deps.now, timeoutMs: deps.webhookTimeoutMs },
    );
  }

  async function toEmail(message: NotificationMessage, receiver: Contact): Promise<void> {
    const rendered = renderMessage(message, receiver.language, deps.publicBaseUrl);
    const domain = deps.mailer.from.split('@')[1]?.replace(/>.*$/, '') || 'vermist.invalid';
    await sendEmail(deps.mailer.transport, {
      from: deps.mailer.from,
      to: receiver.email!.to,
      // One Message-ID per receiver, the same on every retry: mail clients and archives drop copies.
      messageId: `<${message.id}.${receiver.id}@${domain}>`,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: {
        'X-Vermist-Delivery-Id': message.id,
        'X-Vermist-Event': message.event,
        'X-Vermist-Urgency': message.urgency,
      },
    });
  }

  async function toFeed(input: DeliveryInput): Promise<Omit<DeliveryResult, 'attempts'>> {
    const party = FeedPartySchema.safeParse(input.message.party);
    if (!party.success) {
      throw ApplicationFailure.create({
        type: 'NoFeed',
        message: `${input.message.party} has no in-app feed`,
        nonRetryable: true,
      });
    }
    const tenant = party.data === 'clinic' ? input.institutionId : input.region;
    await deps.feed.append({ ...input.message, party: party.data, tenant });
    return { status: 'delivered', recipients: 1 };
  }

  function absolute(link: string): string {
    return `${deps.publicBaseUrl.replace(/\/$/, '')}${link}`;
  }
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
