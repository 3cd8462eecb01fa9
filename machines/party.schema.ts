import { z } from 'zod';
import { RoleSchema } from './case.events';

/**
 * The parties a case concerns (domain.md, "Parties"). API users act in a role; the crisis service and the
 * contact person are told things but do not log in.
 */
export const PartySchema = z.enum([
  'clinic',
  'police_desk',
  'police_supervisor',
  'ambulance',
  'crisis_service',
  'contact_person',
]);
export type Party = z.infer<typeof PartySchema>;

/** Parties with people who log in, and so an in-app feed. */
export const FeedPartySchema = PartySchema.extract(RoleSchema.options);
export type FeedParty = z.infer<typeof FeedPartySchema>;
