import { Router } from 'express';
import { z } from 'zod';
import { TaskKindSchema } from '../machines/case.events';
import { completingCommand } from '../machines/case.tasks';
import { principalOf } from './auth';
import { actionBodySchema } from './case-actions';
import type { RecordsStore } from '../records/records.store';
import type { CaseClient } from './case-client';
import { idempotent } from './idempotency';
import { CaseIdParamSchema, IdempotencyKeySchema, sendCommand, visibleCase } from './cases.routes';
import { conflict } from './problems';
import { TaskFilterSchema, inboxPage } from './task-inbox';
import { parseBody, parseInput } from './validate';

export const TaskParamsSchema = CaseIdParamSchema.extend({ task: TaskKindSchema });
const EmptyBodySchema = z.object({}).strict();

/** What one can do with a task: take it on, give it back, or get it done. */
export const taskVerbs = ['claim', 'release', 'complete'] as const;

/** A completion's body: the payload of the command that gets the task done, less what the path says. */
export function completionBodySchema(task: z.infer<typeof TaskKindSchema>): z.ZodType {
  const type = completingCommand[task];
  return type === 'task.complete' ? EmptyBodySchema : actionBodySchema(type);
}

/**
 * The task inbox (GET /v1/tasks, read from the records store) and the actions on one task (claim, release,
 * complete), each decided by the case's workflow.
 */
export function tasksRouter(deps: {
  cases: CaseClient;
  records: Pick<RecordsStore, 'cases' | 'idempotency'>;
  futureToleranceMs: number;
}): Router {
  const router = Router();

  router.get('/tasks', async (req, res) => {
    const principal = principalOf(res);
    const filter = parseInput(TaskFilterSchema, req.query, 'query');
    res.json(await inboxPage(deps.records.cases, principal, filter, new Date()));
  });

  for (const verb of taskVerbs) {
    router.post(`/cases/:caseId/tasks/:task/${verb}`, async (req, res) => {
      const principal = principalOf(res);
      const { caseId, task } = parseInput(TaskParamsSchema, req.params, 'path');
      res.locals.caseId = caseId;
      const key = parseInput(IdempotencyKeySchema, req.get('idempotency-key'), 'header');
      const bodySchema = verb === 'complete' ? completionBodySchema(task) : EmptyBodySchema;
      const body = parseBody(bodySchema, req.body ?? {}, deps.futureToleranceMs) as object;
      // A retry is matched before anything is checked: its first answer stands, whatever happened since.
      await idempotent(deps.records.idempotency, principal, key, req, body, res, async () => {
        const view = await visibleCase(deps.cases, principal, caseId);
        if (verb !== 'complete')
          return sendCommand(deps.cases, principal, caseId, `task.${verb}`, { task }, key);
        const type = completingCommand[task];
        // A task no longer open was done by someone else: say so, rather than act on a stale list.
        if (type !== 'task.complete' && !view.tasks.some((t) => t.task === task)) {
          throw conflict(`task ${task} is not open on this case`, { caseId, caseStatus: view.status });
        }
        const payload = type === 'task.complete' ? { task } : body;
        return sendCommand(deps.cases, principal, caseId, type, payload, key);
      });
    });
  }

  return router;
}
