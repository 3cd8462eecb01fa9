import { Router } from 'express';
import { z } from 'zod';
import { AccessRecordEntrySchema } from '../machines/access-record.schema';
import type { RecordsStore } from '../records/records.store';
import { readRoles } from '../machines/case.access';
import { principalOf, requireRole, type Principal } from './auth';
import { parseInput } from './validate';

export const AccessRecordFilterSchema = z
  .object({
    caseId: z.string().min(1).max(200).optional().describe('only reads of this case'),
    actor: z.string().min(1).max(200).optional().describe('only reads by this user id'),
    from: z.iso.datetime({ offset: true }).optional().describe('only reads at or after this instant'),
    to: z.iso.datetime({ offset: true }).optional().describe('only reads before this instant'),
    limit: z.coerce.number().int().min(1).max(500).default(100).describe('at most this many records'),
    cursor: z
      .string()
      .regex(/^\d{1,18}$/)
      .optional()
      .describe("the previous page's `nextCursor`"),
  })
  .strict()
  .refine((f) => f.from === undefined || f.to === undefined || Date.parse(f.from) <= Date.parse(f.to), {
    path: ['to'],
    message: 'must not be before `from`',
  });

/** What `GET /v1/access-records` answers: one page in log order, and the cursor to the next (null at the end). */
export const AccessRecordPageSchema = z.object({
  region: z.string(),
  items: z.array(AccessRecordEntrySchema),
  nextCursor: z.string().nullable(),
});

/** What `GET /v1/access-records/verify` answers: whether the region's chain is intact, and where not. */
export const AccessLogCheckSchema = z.object({
  partition: z.string(),
  rows: z.number().int(),
  ok: z.boolean(),
  firstBrokenPosition: z.number().int().optional(),
  reason: z.string().optional(),
});

/**
 * Who read which case, when and in which view: the supervisor's record of disclosures in their region, and
 * a check that nobody changed or removed one.
 */
export function accessRecordsRouter(deps: { records: Pick<RecordsStore, 'accessLog'> }): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const region = supervisedRegion(principalOf(res), 'read access records');
    const filter = parseInput(AccessRecordFilterSchema, req.query, 'query');
    const page = await deps.records.accessLog.list({
      region,
      caseId: filter.caseId,
      actorId: filter.actor,
      from: filter.from === undefined ? undefined : new Date(filter.from),
      to: filter.to === undefined ? undefined : new Date(filter.to),
      limit: filter.limit,
      after: filter.cursor,
    });
    res.json({ region, ...page } satisfies z.infer<typeof AccessRecordPageSchema>);
  });

  router.get('/verify', async (req, res) => {
    const region = supervisedRegion(principalOf(res), 'verify access records');
    parseInput(z.object({}).strict(), req.query, 'query');
    const { partitions } = await deps.records.accessLog.verify(region);
    const check = partitions[0] ?? { partition: region, rows: 0, ok: true };
    res.json(check satisfies z.infer<typeof AccessLogCheckSchema>);
  });

  return router;
}

/** The region whose reads the caller answers for: a supervisor's own, never another's. */
function supervisedRegion(principal: Principal, action: string): string {
  requireRole(principal, readRoles.accessRecords, action);
  // Past requireRole the caller is a supervisor, and every supervisor's token names a region.
  return (principal as Exclude<Principal, { role: 'clinic' }>).region;
}
