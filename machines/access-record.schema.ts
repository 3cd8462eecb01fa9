import { z } from 'zod';
import { ActorSchema } from './case.events';
import { PartySchema } from './case.projections';
import { IdSchema } from './report.schema';

/**
 * One read of a case (domain.md, "Data"): who read it, when, in which view, and which case. Ids and facts
 * of handling only, never what was read.
 */
export const AccessRecordSchema = z.object({
  at: z.iso.datetime(),
  caseId: z.string().min(1).max(200),
  /** The case's region when it was read: the supervisor of that region answers for the read. */
  region: IdSchema,
  by: ActorSchema,
  view: PartySchema,
  /**
   * What was read: the case itself, its timeline, the photo of the person, or Temporal payloads a supervisor
   * decoded through the codec endpoint (`caseId` then names the case the payloads name, or a marker).
   */
  resource: z.enum(['case', 'timeline', 'photo', 'payload']),
  requestId: z.string().min(1).max(100),
});
export type AccessRecord = z.infer<typeof AccessRecordSchema>;

/** An access record as the log lists it: `seq` orders the whole log and is the cursor to page after. */
export const AccessRecordEntrySchema = AccessRecordSchema.extend({
  seq: z.string().regex(/^\d+$/).describe('the position in the whole log; pass it as `cursor` to read on'),
});
export type AccessRecordEntry = z.infer<typeof AccessRecordEntrySchema>;
