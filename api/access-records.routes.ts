import { Router } from 'express';
import { z } from 'zod';
import { principalOf, requireRole } from './auth';
import type { CaseClient } from './case-client';
import { parseInput } from './validate';

export const AccessRecordFilterSchema = z
  .object({
    day: z.iso.date().optional().describe('the UTC day to list; today if left out'),
    caseId: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Who read which case, when and in which view: the supervisor's record of disclosures in their region. */
export function accessRecordsRouter(deps: { cases: CaseClient }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const principal = principalOf(res);
    requireRole(principal, ['police_supervisor'], 'read access records');
    const filter = parseInput(AccessRecordFilterSchema, req.query, 'query');
    const day = filter.day ?? new Date().toISOString().slice(0, 10);
    const region = principal.role === 'police_supervisor' ? principal.region : '';
    const records = await deps.cases.accessLog.list(region, day);
    res.json({
      region,
      day,
      items: filter.caseId ? records.filter((r) => r.caseId === filter.caseId) : records,
    });
  });
  return router;
}
