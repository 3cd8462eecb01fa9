import { createHash } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { CaseReportSchema } from '../machines/report.schema';
import { principalOf, requireRole, type Principal } from './auth';
import { actionBodySchema, actionRoles, caseActions } from './case-actions';
import type { CaseClient } from './case-client';
import type { ApiMetrics } from './metrics';
import { Problem, notFound } from './problems';
import { inTenant, projectFor } from './projections';
import { parseInput } from './validate';

export const IdempotencyKeySchema = z
  .string({ error: 'send an Idempotency-Key header so a retried action is applied once' })
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters');

const CaseIdParamSchema = z.object({ caseId: z.string().min(1).max(200) });

/** Case resources under /v1/cases. Every decision about the lifecycle is the workflow's; this only routes. */
export function casesRouter(deps: { cases: CaseClient; metrics: ApiMetrics }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const principal = principalOf(res);
    requireRole(principal, ['clinic'], 'file a report');
    const report = parseInput(CaseReportSchema, req.body, 'body');
    if (principal.role === 'clinic' && report.institutionId !== principal.institutionId) {
      throw new Problem(
        403,
        'Forbidden',
        `you may only file reports for institution ${principal.institutionId}`,
      );
    }
    const { created, view } = await deps.cases.file(report);
    res.locals.caseId = view.caseId;
    if (created) deps.metrics.casesFiled.inc({ region: report.region });
    res
      .status(created ? 201 : 200)
      .location(`/v1/cases/${view.caseId}`)
      .json(projectFor(principal, view));
  });

  router.get('/:caseId', async (req, res) => {
    const principal = principalOf(res);
    const { caseId } = parseInput(CaseIdParamSchema, req.params, 'path');
    res.locals.caseId = caseId;
    res.json(projectFor(principal, await visibleCase(deps.cases, principal, caseId)));
  });

  for (const [segment, action] of Object.entries(caseActions)) {
    const bodySchema = actionBodySchema(action.type);
    router.post(`/:caseId/${segment}`, async (req, res) => {
      const principal = principalOf(res);
      const { caseId } = parseInput(CaseIdParamSchema, req.params, 'path');
      res.locals.caseId = caseId;
      const key = parseInput(IdempotencyKeySchema, req.get('idempotency-key'), 'header');
      const body = parseInput(bodySchema, req.body ?? {}, 'body');
      await visibleCase(deps.cases, principal, caseId);
      requireRole(principal, actionRoles(action.type), `send ${action.type}`);
      const view = await deps.cases.command(caseId, action.type, {
        ...(body as object),
        by: { id: principal.sub, role: principal.role },
        commandId: commandIdFor(principal, key),
      });
      res.json(projectFor(principal, view));
    });
  }

  return router;
}

/** A case outside the caller's tenant does not exist for them: 404, not 403, so ids leak nothing. */
async function visibleCase(cases: CaseClient, principal: Principal, caseId: string) {
  const view = await cases.get(caseId);
  if (!inTenant(principal, view)) throw notFound(`no case ${caseId}`);
  return view;
}

/** Idempotency keys are the caller's own: the same key from two people is two commands. */
function commandIdFor(principal: Principal, key: string): string {
  return createHash('sha256').update(`${principal.sub}\n${key}`).digest('hex');
}
