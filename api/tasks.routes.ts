import { Router } from 'express';
import { z } from 'zod';
import { ActorSchema, TaskKindSchema, type TaskKind } from '../machines/case.events';
import { completingCommand } from '../machines/case.tasks';
import { principalOf } from './auth';
import { actionBodySchema } from './case-actions';
import type { RecordsStore } from '../records/records.store';
import type { CaseClient } from './case-client';
import { idempotent } from './idempotency';
import { CaseIdParamSchema, IdempotencyKeySchema, sendCommand, visibleCase } from './cases.routes';
import { TaskFilterSchema, inboxPage } from './task-inbox';
import { parseBody, parseInput, parseHeader } from './validate';

export const TaskParamsSchema = CaseIdParamSchema.extend({ task: TaskKindSchema });
const EmptyBodySchema = z.object({}).strict();

/** What one can do with a task: take it on, give it back, hand it to someone else, or get it done. */
export const taskVerbs = ['claim', 'release', 'reassign', 'complete'] as const;

/** Whom a supervisor hands a task to: a person and the role they act in. */
export const ReassignBodySchema = z.object({ to: ActorSchema }).strict();

/** A task action's body: nothing to take on or give back a task; the new holder; or the completion's. */
export function taskBodySchema(verb: (typeof taskVerbs)[number], task: TaskKind): z.ZodType {
  if (verb === 'reassign') return ReassignBodySchema;
  return verb === 'complete' ? completionBodySchema(task) : EmptyBodySchema;
}

/** A completion's body: the payload of the command that gets the task done, less what the path says. */
export function completionBodySchema(task: TaskKind): z.ZodType {
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
      const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
      const bodySchema = taskBodySchema(verb, task);
      const body = parseBody(bodySchema, req.body ?? {}, deps.futureToleranceMs) as object;
      // A retry is matched before anything is checked: its first answer stands, whatever happened since.
      await idempotent(deps.records.idempotency, principal, key, req, body, res, async () => {
        await visibleCase(deps.cases, principal, caseId);
        if (verb !== 'complete')
          return sendCommand(deps.cases, principal, caseId, `task.${verb}`, { ...body, task }, key);
        const type = completingCommand[task];
        // The machine takes the completing command only while this task is open: a task someone else
        // already did answers 409, never a different action the same command takes in another state.
        if (type === 'task.complete') return sendCommand(deps.cases, principal, caseId, type, { task }, key);
        return sendCommand(deps.cases, principal, caseId, type, body, key, task);
      });
    });
  }

  return router;
}
