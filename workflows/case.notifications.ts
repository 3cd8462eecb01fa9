import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { CaseActivities } from '../activities/case.activities';
import type { DeliveryFailureDetails } from '../activities/notification.activities';
import type { Announcement, CaseContext } from '../machines/case.machine';
import type { CaseView } from '../machines/case.view';
import { composeMessage, planDeliveries, type PlannedDelivery } from '../machines/notification.plan';
import type { DeliveryRecord } from '../machines/notification.schema';

const { deliver } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    // About seven minutes of trying; after that a person must act, so the failure is escalated.
    maximumAttempts: 8,
  },
});

/**
 * The in-app feed is the records store's own table: writing an entry is quick and idempotent, like writing a
 * record version, so it runs as a local activity (one marker in the history instead of three events).
 */
const { deliver: deliverToFeed } = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 8,
  },
});

const URGENCY_ORDER = { immediate: 0, urgent: 1, routine: 2 } as const;

/** What the notifier needs of the case workflow. */
export type NotifyContext = {
  context: Pick<CaseContext, 'caseId' | 'region' | 'institutionId' | 'policy'>;
  view: CaseView;
  /** This run's deliveries; the notifier replaces entries as they progress. */
  deliveries: DeliveryRecord[];
  /** A delivery is new or moved on: the next record version carries it. */
  changed: (delivery: DeliveryRecord) => void;
  /** A delivery failed for good: the case must escalate it. */
  failed: (failure: { deliveryId: string; reason: string; at: string }) => void;
  /** A delivery reached its final status (sent, delivered, failed or withheld). */
  settled: (delivery: DeliveryRecord) => void;
};

/**
 * Tells every party the matrix names of one announcement: one activity per party and channel, run side by
 * side, each recorded on the case as it goes. A delivery already on the record is not planned again.
 */
export async function notifyParties(announcement: Announcement, ctx: NotifyContext): Promise<void> {
  const { caseId, region, institutionId, policy } = ctx.context;
  // The most urgent first: when the worker's slots are few, the police pager is scheduled before a
  // routine update.
  const planned = planDeliveries(policy.notifications, caseId, announcement)
    .filter((p) => !ctx.deliveries.some((d) => d.id === p.id))
    .sort((a, b) => URGENCY_ORDER[a.urgency] - URGENCY_ORDER[b.urgency]);
  await Promise.all(
    planned.map(async (delivery) => {
      const message = composeMessage(delivery, announcement, ctx.view);
      const now = new Date().toISOString();
      const record: DeliveryRecord = {
        id: delivery.id,
        event: announcement.event,
        party: delivery.party,
        channel: delivery.channel,
        urgency: delivery.urgency,
        status: message ? 'queued' : 'withheld',
        attempts: 0,
        recipients: 0,
        ...(!message && { reason: 'no recorded consent to contact this party' }),
        queuedAt: now,
        updatedAt: now,
      };
      ctx.deliveries.push(record);
      ctx.changed(record);
      if (!message) return ctx.settled(record);
      try {
        const send = delivery.channel === 'feed' ? deliverToFeed : deliver;
        const result = await send({ message, channel: delivery.channel, region, institutionId });
        update(ctx.deliveries, delivery.id, {
          status: result.status,
          attempts: result.attempts,
          recipients: result.recipients,
          ...(result.reason !== undefined && { reason: result.reason }),
        });
        ctx.changed(recordOf(ctx.deliveries, delivery.id));
        ctx.settled(recordOf(ctx.deliveries, delivery.id));
      } catch (error) {
        const reason = failureReason(delivery, error);
        const at = update(ctx.deliveries, delivery.id, {
          status: 'failed',
          attempts: attemptsOf(error),
          reason,
        });
        ctx.changed(recordOf(ctx.deliveries, delivery.id));
        ctx.settled(recordOf(ctx.deliveries, delivery.id));
        ctx.failed({ deliveryId: delivery.id, reason, at });
      }
    }),
  );
}

function update(records: DeliveryRecord[], id: string, change: Partial<DeliveryRecord>): string {
  const index = records.findIndex((r) => r.id === id);
  const updatedAt = new Date().toISOString();
  // A new object, so a view handed out earlier (an Update's cached answer) keeps what it said then.
  records[index] = { ...records[index]!, ...change, updatedAt };
  return updatedAt;
}

const recordOf = (records: DeliveryRecord[], id: string) => records.find((r) => r.id === id)!;

function causeOf(error: unknown): unknown {
  return error instanceof ActivityFailure ? error.cause : error;
}

function attemptsOf(error: unknown): number {
  const cause = causeOf(error);
  if (!(cause instanceof ApplicationFailure)) return 0;
  return (cause.details?.[0] as DeliveryFailureDetails | undefined)?.attempt ?? 0;
}

function failureReason(delivery: PlannedDelivery, error: unknown): string {
  const cause = causeOf(error);
  const detail = cause instanceof Error ? cause.message : String(cause);
  return `${delivery.party} by ${delivery.channel}: ${detail}`.slice(0, 1_000);
}
