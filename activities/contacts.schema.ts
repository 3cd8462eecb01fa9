import { z } from 'zod';
import { LanguageSchema } from '../machines/notification.templates';
import { PartySchema } from '../machines/party.schema';
import { IdSchema } from '../machines/report.schema';

const LOOPBACK_HTTP = /^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])[:/]/;

/**
 * How to reach one receiver of a party: its webhook (URL and Standard Webhooks secret) and/or e-mail
 * addresses, for some regions or institutions. Deployment config, never policy or workflow input, so the
 * secrets never enter a workflow history.
 */
export const ContactSchema = z
  .object({
    id: IdSchema,
    party: PartySchema,
    /** Only cases in these regions; unset, every region. */
    regions: z.array(IdSchema).min(1).optional(),
    /** Only cases of these institutions; unset, every institution. */
    institutions: z.array(IdSchema).min(1).optional(),
    language: LanguageSchema.default('nl'),
    webhook: z
      .object({
        // Alerts carry case facts: only over TLS, except to a receiver on this machine (tests, a local relay).
        url: z
          .url({ protocol: /^https?$/ })
          .refine(
            (url) => url.startsWith('https:') || LOOPBACK_HTTP.test(url),
            'must be https (plain http only on loopback)',
          ),
        secret: z
          .string()
          .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be "whsec_" followed by a base64 key')
          .refine(
            (secret) => Buffer.from(secret.slice('whsec_'.length), 'base64').length >= 32,
            'the key must be at least 32 bytes (256 bits)',
          ),
      })
      .optional(),
    email: z.object({ to: z.array(z.email()).min(1) }).optional(),
  })
  .strict()
  .refine((contact) => contact.webhook !== undefined || contact.email !== undefined, {
    message: 'a contact needs a webhook, an e-mail address, or both',
  });
export type Contact = z.infer<typeof ContactSchema>;

export const ContactsSchema = z.array(ContactSchema).superRefine((contacts, ctx) => {
  const seen = new Set<string>();
  contacts.forEach((contact, index) => {
    if (seen.has(contact.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'is used twice' });
    seen.add(contact.id);
  });
});

/** The contacts of a party that serve a case's region and institution. */
export function contactsFor(
  contacts: Contact[],
  target: { party: string; region: string; institutionId: string },
): Contact[] {
  return contacts.filter(
    (c) =>
      c.party === target.party &&
      (!c.regions || c.regions.includes(target.region)) &&
      (!c.institutions || c.institutions.includes(target.institutionId)),
  );
}
