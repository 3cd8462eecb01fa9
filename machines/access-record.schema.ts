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
  /** What was read: the case itself or its timeline. */
  resource: z.enum(['case', 'timeline']),
  requestId: z.string().min(1).max(100),
});
export type AccessRecord = z.infer<typeof AccessRecordSchema>;

/** One day's access records of one region, as a durable log keeps them. */
export const AccessLogInputSchema = z.object({ region: IdSchema, day: z.iso.date() });
export type AccessLogInput = z.infer<typeof AccessLogInputSchema>;
