import { createHash } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { seesProfile, profileTenant } from '../machines/case.access';
import { ProfileInboxItemSchema } from '../machines/profile.events';
import type { RecordsStore } from '../records/records.store';
import { principalOf, type Principal } from './auth';
import { IdempotencyKeySchema } from './cases.routes';
import { idempotent } from './idempotency';
import type { ProfileWorkflows } from './profile-workflow';
import { Problem, notFound } from './problems';
import { ProfileIdParamSchema } from './profiles.routes';
import { parseBody, parseInput, parseHeader } from './validate';

/** What `GET /v1/profile-tasks` takes: how many at most, and optionally one profile's alone. */
export const ProfileTaskQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    // A profile's page asks for its own tasks, which an institution-wide page of `limit` could leave out.
    profileId: ProfileIdParamSchema.shape.profileId
      .optional()
      .describe("only this profile's open tasks (none when it is not one of your institution's)"),
  })
  .strict();

/** What `GET /v1/profile-tasks` answers: the caller's open profile tasks, soonest due first. */
export const ProfileInboxSchema = z.object({
  items: z.array(ProfileInboxItemSchema),
  /** More open tasks than `limit`: ask with a larger one. */
  more: z.boolean(),
});

/** Completing a repeat review takes no fields: who held it and when are the request's own. */
const CompletionBodySchema = z.object({}).strict();

/**
 * The profile tasks of a clinic's inbox (read from the records store, which the profiles' workflows keep),
 * and the clinic's word that it held a repeat review (decided by the profile's machine). A clinic sees its
 * own institution's tasks; every other role has none.
 */
export function profileTasksRouter(deps: {
  records: Pick<RecordsStore, 'idempotency' | 'profiles' | 'profileTasks'>;
  profileWorkflows?: ProfileWorkflows | undefined;
  futureToleranceMs: number;
}): Router {
  const router = Router();

  router.get('/profile-tasks', async (req, res) => {
    const institutionId = profileTenant(principalOf(res));
    const { limit, profileId } = parseInput(ProfileTaskQuerySchema, req.query, 'query');
    const page =
      institutionId === undefined
        ? { items: [], more: false }
        : await deps.records.profileTasks.open({ institutionId, limit, profileId });
    res.set('Cache-Control', 'no-store').json(page satisfies z.infer<typeof ProfileInboxSchema>);
  });

  router.post('/profiles/:profileId/tasks/repeat_review/complete', async (req, res) => {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
    const body = parseBody(CompletionBodySchema, req.body ?? {}, deps.futureToleranceMs);
    const workflows = deps.profileWorkflows;
    if (!workflows) throw new Problem(503, 'Unavailable', 'profile workflows are not configured here');
    await idempotent(deps.records.idempotency, principal, key, req, body, res, async () => {
      const institutionId = await deps.records.profiles.institutionOf(profileId);
      if (institutionId === undefined || !seesProfile(principal, { institutionId }))
        throw notFound(`no profile ${profileId}`);
      return workflows.completeRepeatReview(
        profileId,
        { id: principal.sub, role: principal.role },
        updateIdFor(principal, key),
      );
    });
  });

  return router;
}

/** One update id per (caller, Idempotency-Key): a retry that reaches the workflow is applied once. */
export function updateIdFor(principal: Principal, key: string): string {
  return createHash('sha256').update(`${principal.sub}\n${key}`).digest('hex');
}
