import { createHash } from 'node:crypto';
import type { Announcement } from '../machines/case.machine';
import type { Subscriber } from './subscribers.schema';
import { postWebhook } from './webhook.channel';

export type ActivityDeps = {
  subscribers: Subscriber[];
  now: () => Date;
  webhookTimeoutMs: number;
  log: (entry: Record<string, unknown>) => void;
};

/** What a case workflow announces: no personal data, only the facts of handling and a link back. */
export type CaseAnnouncement = {
  caseId: string;
  region: string;
  institutionId: string;
  announcement: Announcement;
};

/** Builds the activities the case workflow uses, from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    /**
     * Tells every subscribed party of a case event. Idempotent: the message id is derived from the case,
     * the event and the receiver, so a retried activity re-sends the same id and receivers drop the copy.
     */
    async announce(input: CaseAnnouncement): Promise<{ delivered: string[] }> {
      const receivers = deps.subscribers.filter(
        (s) =>
          s.events.includes(input.announcement.event) && (!s.regions || s.regions.includes(input.region)),
      );
      const delivered: string[] = [];
      for (const receiver of receivers) {
        const id = messageId(input, receiver.id);
        await postWebhook(
          receiver.webhook,
          {
            id,
            body: {
              type: input.announcement.event,
              timestamp: input.announcement.at,
              data: {
                caseId: input.caseId,
                region: input.region,
                institutionId: input.institutionId,
                ...(input.announcement.reason !== undefined && { reason: input.announcement.reason }),
                ...(input.announcement.escalateTo !== undefined && {
                  escalateTo: input.announcement.escalateTo,
                }),
              },
            },
          },
          { now: deps.now, timeoutMs: deps.webhookTimeoutMs },
        );
        delivered.push(receiver.id);
        deps.log({
          msg: 'webhook delivered',
          caseId: input.caseId,
          event: input.announcement.event,
          receiver: receiver.id,
          messageId: id,
        });
      }
      return { delivered };
    },
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;

function messageId(input: CaseAnnouncement, receiverId: string): string {
  const digest = createHash('sha256')
    .update(
      [
        input.caseId,
        input.announcement.event,
        input.announcement.at,
        input.announcement.reason ?? '',
        receiverId,
      ].join('\n'),
    )
    .digest('hex');
  return `msg_${digest.slice(0, 32)}`;
}
