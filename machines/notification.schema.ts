import { z } from 'zod';
import { AnnouncementKindSchema, RoleSchema } from './case.events';
import { FeedPartySchema, PartySchema } from './party.schema';

/** How a party is reached: a signed webhook, an e-mail, or the in-app feed of its role. */
export const ChannelSchema = z.enum(['webhook', 'email', 'feed']);
export type Channel = z.infer<typeof ChannelSchema>;

/** How fast the receiver must act; receivers route on it (a pager for `immediate`, a queue for `routine`). */
export const UrgencySchema = z.enum(['routine', 'urgent', 'immediate']);
export type Urgency = z.infer<typeof UrgencySchema>;

/** The message layouts (machines/notification.templates.ts): what a message says around its facts. */
export const TemplateIdSchema = z.enum(['alert', 'update', 'family']);
export type TemplateId = z.infer<typeof TemplateIdSchema>;

/** One cell of the matrix: how one party hears of one kind of event. */
export const NotificationRuleSchema = z
  .object({
    channels: z.array(ChannelSchema).min(1),
    template: TemplateIdSchema,
    urgency: UrgencySchema,
    /** Only for announcements with one of these reasons (e.g. `transport.arranged` by ambulance only). */
    onlyReasons: z.array(z.string().min(1)).min(1).optional(),
    /** Only when the announcement escalates to this party (`task.escalated` goes to whom it names). */
    onlyIfEscalatedTo: z.literal(true).optional(),
  })
  .strict();
export type NotificationRule = z.infer<typeof NotificationRuleSchema>;

const partyRules = <V extends z.ZodType>(value: V) =>
  z.partialRecord(PartySchema, value).superRefine((rules, ctx) => {
    for (const [party, rule] of Object.entries(rules) as [string, NotificationRule | null][]) {
      if (rule?.channels.includes('feed') && !FeedPartySchema.safeParse(party).success) {
        ctx.addIssue({
          code: 'custom',
          path: [party, 'channels'],
          message: `${party} does not log in, so it has no feed: use webhook or email`,
        });
      }
    }
  });

/** The notification matrix: lifecycle event × party → channels, template, urgency. */
export const NotificationMatrixSchema = z.partialRecord(
  AnnouncementKindSchema,
  partyRules(NotificationRuleSchema),
);
export type NotificationMatrix = z.infer<typeof NotificationMatrixSchema>;

/** Who hears what, and whom a delivery that failed for good is escalated to. Part of the policy. */
export const NotificationPolicySchema = z
  .object({ escalateFailuresTo: RoleSchema, rules: NotificationMatrixSchema })
  .strict();
export type NotificationPolicy = z.infer<typeof NotificationPolicySchema>;

/** A region's or institution's changes: a rule replaces the default cell, `null` removes it. */
export const NotificationOverrideSchema = z
  .object({
    escalateFailuresTo: RoleSchema.optional(),
    rules: z.partialRecord(AnnouncementKindSchema, partyRules(NotificationRuleSchema.nullable())).optional(),
  })
  .strict();
export type NotificationOverride = z.infer<typeof NotificationOverrideSchema>;

/** Lays overrides over a notification policy, cell by cell, in order (region first, then institution). */
export function overrideNotifications(
  base: NotificationPolicy,
  ...overrides: (NotificationOverride | undefined)[]
): NotificationPolicy {
  let result = base;
  for (const override of overrides) {
    if (!override) continue;
    const rules: NotificationMatrix = { ...result.rules };
    for (const [event, cells] of Object.entries(override.rules ?? {}) as [
      keyof NotificationMatrix,
      Record<string, NotificationRule | null>,
    ][]) {
      const merged: Record<string, NotificationRule> = { ...rules[event] };
      for (const [party, rule] of Object.entries(cells)) {
        if (rule === null) delete merged[party];
        else merged[party] = rule;
      }
      rules[event] = merged;
    }
    result = { escalateFailuresTo: override.escalateFailuresTo ?? result.escalateFailuresTo, rules };
  }
  return result;
}

/** Where a delivery stands. `delivered` only where the channel tells (a webhook's 2xx, the feed). */
export const DeliveryStatusSchema = z.enum(['queued', 'sent', 'delivered', 'failed', 'withheld']);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

/** One notification of one party through one channel, as the case records it. */
export const DeliveryRecordSchema = z.object({
  id: z.string(),
  event: AnnouncementKindSchema,
  party: PartySchema,
  channel: ChannelSchema,
  urgency: UrgencySchema,
  status: DeliveryStatusSchema,
  /** How many times the channel was tried; 0 while queued or when withheld. */
  attempts: z.number().int().min(0),
  /** How many configured receivers took it (e.g. two desks' webhooks). */
  recipients: z.number().int().min(0),
  /** Why it failed or was withheld; never personal data. */
  reason: z.string().optional(),
  queuedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type DeliveryRecord = z.infer<typeof DeliveryRecordSchema>;

const Fact = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * What a party is told: the event, a few facts taken from that party's projection of the case, and a
 * link to the case. Everything else stays behind the link, where access is checked and logged.
 */
export const NotificationMessageSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  event: AnnouncementKindSchema,
  at: z.iso.datetime(),
  party: PartySchema,
  urgency: UrgencySchema,
  template: TemplateIdSchema,
  /** Path of the case in the API; channels prefix the public base URL. */
  link: z.string(),
  facts: z.record(z.string(), Fact),
});
export type NotificationMessage = z.infer<typeof NotificationMessageSchema>;

/** An entry in a role's in-app feed. */
export const FeedEntrySchema = NotificationMessageSchema.omit({ party: true }).extend({
  party: FeedPartySchema,
  /** The region (police, ambulance) or institution (clinic) whose people read this feed. */
  tenant: z.string(),
});
export type FeedEntry = z.infer<typeof FeedEntrySchema>;
