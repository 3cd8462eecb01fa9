import { freeTextReaders } from './case.access';
import type { Announcement } from './case.machine';
import { projectCase } from './case.projections';
import type { CaseView } from './case.view';
import type {
  Channel,
  NotificationMessage,
  NotificationPolicy,
  TemplateId,
  Urgency,
} from './notification.schema';
import type { Party } from './party.schema';

/** One notification the matrix calls for: a party, a channel, and how to say it. */
export type PlannedDelivery = {
  id: string;
  party: Party;
  channel: Channel;
  template: TemplateId;
  urgency: Urgency;
};

/** Reasons that are free text written by a person: only `freeTextReaders` (case.access.ts) may read them. */
const FREE_TEXT_REASONS = new Set<Announcement['event']>(['case.rejected']);

/**
 * Who hears of an announcement and how, by the case's notification matrix. Pure: the same announcement
 * always yields the same deliveries with the same ids, so a replay or a retry never plans a second one.
 */
export function planDeliveries(
  policy: NotificationPolicy,
  caseId: string,
  announcement: Announcement,
): PlannedDelivery[] {
  const cells = policy.rules[announcement.event] ?? {};
  return (Object.entries(cells) as [Party, NonNullable<(typeof cells)[Party]>][]).flatMap(([party, rule]) => {
    if (rule.onlyReasons && !rule.onlyReasons.includes(announcement.reason ?? '')) return [];
    if (rule.onlyIfEscalatedTo && announcement.escalateTo !== party) return [];
    return rule.channels.map((channel) => ({
      id: deliveryId(caseId, announcement, party, channel),
      party,
      channel,
      template: rule.template,
      urgency: rule.urgency,
    }));
  });
}

/**
 * A delivery's id: stable for the case, the announcement, the party and the channel. It is the Standard
 * Webhooks `webhook-id`, the e-mail's Message-ID and the feed entry's key, so receivers de-duplicate on it.
 * An announcement is named by its cause when it has one, never by its instant: a workflow task lost after
 * its feed entries were written, and run again, must name them alike. (Announcements recorded before causes
 * were, in histories still replayed and in runs carried over, keep the instant-named ids they went out with.)
 */
export function deliveryId(
  caseId: string,
  announcement: Announcement,
  party: Party,
  channel: Channel,
): string {
  const { event, at, reason, escalateTo, cause } = announcement;
  if (cause !== undefined)
    return `ntf.${caseId}.${event}.${digest([event, cause, reason ?? '', escalateTo ?? ''].join('\n'))}.${party}.${channel}`;
  const key = [event, at, reason ?? '', escalateTo ?? ''];
  return `ntf.${caseId}.${event}.${Date.parse(at)}.${digest(key.join('\n'))}.${party}.${channel}`;
}

/** Two FNV-1a passes (64 bits): enough to tell a case's announcements at one instant apart, and pure. */
function digest(text: string): string {
  const pass = (seed: number) => {
    let hash = seed >>> 0;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return hash.toString(16).padStart(8, '0');
  };
  return pass(0x811c9dc5) + pass(0x050c5d1f);
}

/**
 * The message for one planned delivery, built from the receiving party's projection of the case and
 * nothing else; null when that party may not be told at all (the contact person without consent).
 */
export function composeMessage(
  planned: PlannedDelivery,
  announcement: Announcement,
  view: CaseView,
): NotificationMessage | null {
  const facts = factsFor(planned.party, view, announcement.at);
  if (facts === null) return null;
  // The contact person's projection is all they may know; a reason (a place, a mode) could say more.
  const reasonAllowed =
    announcement.reason !== undefined &&
    planned.party !== 'contact_person' &&
    (!FREE_TEXT_REASONS.has(announcement.event) || freeTextReaders.includes(planned.party));
  return {
    id: planned.id,
    caseId: view.caseId,
    event: announcement.event,
    at: new Date(announcement.at).toISOString(),
    party: planned.party,
    urgency: planned.urgency,
    template: planned.template,
    link: `/v1/cases/${encodeURIComponent(view.caseId)}`,
    facts: {
      ...facts,
      ...(reasonAllowed && { reason: announcement.reason! }),
      ...(announcement.escalateTo !== undefined && { escalateTo: announcement.escalateTo }),
    },
  };
}

/** The few facts a message carries, read from the party's own projection: no names, places or notes. */
function factsFor(party: Party, view: CaseView, at: string): NotificationMessage['facts'] | null {
  switch (party) {
    case 'clinic':
    case 'police_desk':
    case 'police_supervisor': {
      const v = projectCase(party, view, at);
      return {
        status: v.status,
        region: v.region,
        institutionId: v.institutionId,
        risk: v.risk ?? v.proposedRisk,
        urgent: v.urgent,
        legalStatus: v.legal.status,
        legalEndsAt: v.legal.endsAt,
        outcome: v.outcome,
      };
    }
    case 'ambulance': {
      const v = projectCase(party, view, at);
      return {
        status: v.status,
        region: v.region,
        institutionId: v.institutionId,
        urgent: v.urgent,
        transportMode: v.transportMode,
        legalStatus: v.legal.status,
      };
    }
    case 'crisis_service': {
      const v = projectCase(party, view, at);
      return {
        status: v.status,
        region: v.region,
        institutionId: v.institutionId,
        legalStatus: v.legal.status,
        legalEndsAt: v.legal.endsAt,
      };
    }
    case 'contact_person': {
      const v = projectCase(party, view, at);
      if (v === null) return null;
      return {
        status: v.status,
        found: v.found,
        outcome: v.outcome,
        clinicPhone24x7: v.clinicPhone24x7,
      };
    }
  }
}
