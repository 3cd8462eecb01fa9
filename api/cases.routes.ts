import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AccessRecord } from '../machines/access-record.schema';
import { inTenant, readRoles, tasksBoundTo, tenantOf } from '../machines/case.access';
import type { CommandType, TaskKind } from '../machines/case.events';
import { CaseStatusSchema } from '../machines/case.status';
import { CaseSummarySchema, TimelineEntrySchema, type CaseView } from '../machines/case.view';
import { CaseReportSchema, RiskGradeSchema, type CaseReport } from '../machines/report.schema';
import { absenceWithoutTitle } from '../machines/legal-title';
import { principalOf, requireRole, type Principal } from './auth';
import { actionBodySchema, caseActions } from './case-actions';
import type { RecordsStore } from '../records/records.store';
import { caseIdFor, type CaseClient } from './case-client';
import { idempotent } from './idempotency';
import type { ApiMetrics } from './metrics';
import { decodeCursor, encodeCursor } from './cursor';
import { Problem, badRequest, notFound } from './problems';
import { projectFor } from './projections';
import { parseBody, parseInput, parseHeader } from './validate';

export const IdempotencyKeySchema = z
  .string({ error: 'send an Idempotency-Key header so a retried action is applied once' })
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters');

/**
 * A report as `POST /v1/cases` takes it: the report, but never `fromProfile`, which says the report was
 * made from a patient profile and is set by `POST /v1/profiles/{profileId}/reports` alone.
 */
export const NewCaseBodySchema = CaseReportSchema.extend({
  fromProfile: z
    .never({
      error:
        'is set only when a report is filed from a profile (POST /v1/profiles/{profileId}/reports): leave it out',
    })
    .optional(),
});

export const CaseIdParamSchema = z.object({ caseId: z.string().min(1).max(200) });

/** A case's timeline: every event, who sent it and when (null for the engine's own timers). */
export const TimelineSchema = z.object({
  caseId: z.string(),
  entries: z.array(TimelineEntrySchema),
});

/** Filters of the cases list, as query parameters. Every one narrows; the caller's tenant always applies. */
export const CaseListQuerySchema = z
  .object({
    state: CaseStatusSchema.optional().describe("the case's public status"),
    risk: RiskGradeSchema.optional().describe(
      "the police grade, or the clinic's proposal before there is one",
    ),
    open: z
      .enum(['true', 'false'])
      .transform((flag) => flag === 'true')
      .optional()
      .describe('open cases only, or closed ones only'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
  })
  .strict();

/** What `GET /v1/cases` answers: a page of case summaries, newest reported first. */
export const CaseListSchema = z.object({
  items: z.array(CaseSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

const ListCursorSchema = z.tuple([z.iso.datetime(), z.string()]);

/** Case resources under /v1/cases. Every decision about the lifecycle is the workflow's; this only routes. */
export function casesRouter(deps: {
  cases: CaseClient;
  metrics: ApiMetrics;
  records: Pick<RecordsStore, 'accessLog' | 'cases' | 'idempotency'>;
  futureToleranceMs: number;
}): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const principal = principalOf(res);
    requireRole(principal, readRoles.file, 'file a report');
    const report = parseBody(NewCaseBodySchema, req.body, deps.futureToleranceMs);
    if (principal.role === 'clinic' && report.institutionId !== principal.institutionId) {
      throw new Problem(
        403,
        'Forbidden',
        `you may only file reports for institution ${principal.institutionId}`,
      );
    }
    const { created, view } = await fileCase(deps, report, { path: 'body.legalTitle' });
    res.locals.caseId = view.caseId;
    res
      .status(created ? 201 : 200)
      .location(`/v1/cases/${view.caseId}`)
      .json(projectFor(principal, view));
  });

  router.get('/', async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(CaseListQuerySchema, req.query, 'query');
    const { items, more } = await deps.records.cases.list({
      tenant: tenantOf(principal),
      withTaskFor: tasksBoundTo(principal.role),
      status: query.state,
      risk: query.risk,
      open: query.open,
      after: query.cursor === undefined ? undefined : decodeCursor(ListCursorSchema, query.cursor),
      limit: query.limit,
    });
    const last = items.at(-1);
    const nextCursor = more && last ? encodeCursor([last.reportedAt, last.caseId]) : null;
    res.json({ items, nextCursor } satisfies z.infer<typeof CaseListSchema>);
  });

  router.get('/:caseId', async (req, res) => {
    const principal = principalOf(res);
    const { caseId } = parseInput(CaseIdParamSchema, req.params, 'path');
    res.locals.caseId = caseId;
    const view = await visibleCase(deps.cases, principal, caseId);
    await recordRead(deps.records.accessLog, res, principal, view, 'case');
    res.json(projectFor(principal, view));
  });

  router.get('/:caseId/timeline', async (req, res) => {
    const principal = principalOf(res);
    const { caseId } = parseInput(CaseIdParamSchema, req.params, 'path');
    res.locals.caseId = caseId;
    const view = await visibleCase(deps.cases, principal, caseId);
    requireRole(principal, readRoles.timeline, "read a case's timeline");
    await recordRead(deps.records.accessLog, res, principal, view, 'timeline');
    // Each reader's projection of the timeline: police never see the clinic's debrief in it.
    const { timeline } = projectFor(principal, view) as { timeline: CaseView['timeline'] };
    res.json({ caseId, entries: timeline });
  });

  for (const [segment, action] of Object.entries(caseActions)) {
    const bodySchema = actionBodySchema(action.type);
    router.post(`/:caseId/${segment}`, async (req, res) => {
      const principal = principalOf(res);
      const { caseId } = parseInput(CaseIdParamSchema, req.params, 'path');
      res.locals.caseId = caseId;
      const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
      const body = parseBody(bodySchema, req.body ?? {}, deps.futureToleranceMs) as object;
      await idempotent(deps.records.idempotency, principal, key, req, body, res, async () => {
        await visibleCase(deps.cases, principal, caseId);
        return sendCommand(deps.cases, principal, caseId, action.type, body, key);
      });
    });
  }

  return router;
}

/**
 * Files a report, for every route that files one: an unauthorised absence needs a title in force, judged
 * at first filing only (a retry of a report already filed answers as the first did), refused with 400 at
 * `title.path`, the field the title came from (and its `note`, where that field is not the request's own);
 * the case's workflow decides the rest; a new case counts in its region's metric.
 */
export async function fileCase(
  deps: { cases: CaseClient; metrics: ApiMetrics; records: Pick<RecordsStore, 'cases'> },
  report: CaseReport,
  title: { path: string; note?: string },
): Promise<{ created: boolean; view: CaseView }> {
  const withoutTitle = absenceWithoutTitle(report, new Date().toISOString());
  if (withoutTitle && !(await deps.records.cases.get(caseIdFor(report)))) {
    const message = title.note === undefined ? withoutTitle : `${withoutTitle}. ${title.note}`;
    throw badRequest(`the report cannot be an unauthorised absence: ${message}`, [
      { path: title.path, message },
    ]);
  }
  const filed = await deps.cases.file(report);
  if (filed.created) deps.metrics.casesFiled.inc({ region: report.region });
  return filed;
}

/** Sends a command as the caller, once per Idempotency-Key, and answers the case in the caller's view. */
export async function sendCommand(
  cases: CaseClient,
  principal: Principal,
  caseId: string,
  type: CommandType,
  body: object,
  key: string,
  forTask?: TaskKind,
) {
  const view = await cases.command(caseId, type, {
    ...body,
    by: { id: principal.sub, role: principal.role },
    commandId: commandIdFor(principal, key),
    sentAt: new Date().toISOString(),
    ...(forTask !== undefined && { forTask }),
  });
  return projectFor(principal, view);
}

/** A case outside the caller's tenant does not exist for them: 404, not 403, so ids leak nothing. */
export async function visibleCase(cases: CaseClient, principal: Principal, caseId: string) {
  const view = await cases.get(caseId);
  if (!inTenant(principal, view)) throw notFound(`no case ${caseId}`);
  return view;
}

/** Every read of a case is on record before its data leaves (domain.md, "Data"). */
export function recordRead(
  accessLog: RecordsStore['accessLog'],
  res: Response,
  principal: Principal,
  view: CaseView,
  resource: AccessRecord['resource'],
) {
  return accessLog.record({
    at: new Date().toISOString(),
    caseId: view.caseId,
    region: view.region,
    by: { id: principal.sub, role: principal.role },
    view: principal.role,
    resource,
    requestId: String(res.locals.requestId),
  });
}

/** Idempotency keys are the caller's own: the same key from two people is two commands. */
function commandIdFor(principal: Principal, key: string): string {
  return createHash('sha256').update(`${principal.sub}\n${key}`).digest('hex');
}
