import { z } from 'zod';
import { ActorSchema } from './case.events';
import { PartySchema } from './case.projections';
import { IdSchema } from './report.schema';

/**
 * What a read of a case disclosed: the case itself, its timeline, the photo of the person, Temporal
 * payloads a supervisor decoded through the codec endpoint (`caseId` then names the case the payloads name,
 * or a marker), or its debrief as a patient's absence history shows it.
 */
export const CaseResourceSchema = z.enum(['case', 'timeline', 'photo', 'payload', 'debrief']);

/**
 * What a read of a patient profile disclosed: the profile, its history of versions, its photo, or its
 * patient's absence history (the cases filed from it).
 */
export const ProfileResourceSchema = z.enum([
  'profile',
  'profile_history',
  'profile_photo',
  'profile_absences',
]);

/**
 * Where the reads of an institution's profiles are kept: a partition of its own, whose name (with a colon,
 * which no region's id has) no police region's supervisor lists.
 */
export const institutionPartition = (institutionId: string): string => `institution:${institutionId}`;

/**
 * One read of a case or a patient profile (domain.md, "Data"): who read it, when, in which view, and which
 * one. Ids and facts of handling only, never what was read.
 */
export const AccessRecordSchema = z.object({
  at: z.iso.datetime(),
  /** The case read; for a profile resource, the profile's id. */
  caseId: z.string().min(1).max(200),
  /**
   * The case's region when it was read: the supervisor of that region answers for the read. For a profile,
   * its institution's partition (`institutionPartition`).
   */
  region: z.union([IdSchema, z.string().regex(/^institution:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)]),
  by: ActorSchema,
  view: PartySchema,
  resource: z.enum([...CaseResourceSchema.options, ...ProfileResourceSchema.options]),
  requestId: z.string().min(1).max(100),
});
export type AccessRecord = z.infer<typeof AccessRecordSchema>;

/**
 * An access record as a region's log lists it: reads of that region's cases, since the reads of a profile
 * are kept in its institution's partition. `seq` orders the whole log and is the cursor to page after.
 */
export const AccessRecordEntrySchema = AccessRecordSchema.extend({
  region: IdSchema,
  resource: CaseResourceSchema,
  seq: z.string().regex(/^\d+$/).describe('the position in the whole log; pass it as `cursor` to read on'),
});
export type AccessRecordEntry = z.infer<typeof AccessRecordEntrySchema>;
