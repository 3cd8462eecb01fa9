import { z } from 'zod';

/** A party's webhook subscription: which case events it receives, for which regions. */
export const SubscriberSchema = z.object({
  id: z.string().min(1).max(64),
  party: z.enum(['clinic', 'police_desk', 'police_supervisor', 'ambulance']),
  regions: z.array(z.string().min(1)).min(1).optional(),
  events: z.array(z.string().min(1)).min(1),
  webhook: z.object({
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be "whsec_" followed by a base64 key'),
  }),
});
export type Subscriber = z.infer<typeof SubscriberSchema>;

export const SubscribersSchema = z.array(SubscriberSchema);
