import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ErasureReasonSchema } from '../machines/profile.events';
import type { ProfileView } from '../machines/profile.schema';
import type { RecordsStore } from '../records/records.store';
import { principalOf, type Principal } from './auth';
import { IdempotencyKeySchema } from './cases.routes';
import { idempotent } from './idempotency';
import type { ProfileWorkflows } from './profile-workflow';
import { updateIdFor } from './profile-tasks.routes';
import { Problem } from './problems';
import { actorOf, ProfileIdParamSchema, visibleProfile } from './profiles.routes';
import { parseBody, parseInput, parseHeader } from './validate';

/** The clinic's word that the patient was discharged, and on which day (in Amsterdam). */
export const DischargeBodySchema = z
  .object({
    dischargedOn: z.iso.date().meta({
      // A discharge is a fact the clinic records, never one it plans: a day ahead is refused at the edge.
      happened: true,
      description:
        'The day the patient was discharged (YYYY-MM-DD): refused if that day has not begun in Amsterdam.',
    }),
  })
  .strict();

/** A readmission takes no fields: who recorded it and when are the request's own. */
export const ReadmissionBodySchema = z.object({}).strict();

/**
 * A patient's request to erase the profile, as the clinic forwards it: the AVG art. 17(1) ground, as a
 * category. No free text, so the request itself carries nothing about the patient.
 */
export const ErasureBodySchema = z
  .object({
    reason: ErasureReasonSchema.describe(
      'The ground of AVG art. 17(1) the patient invokes: no longer necessary (a), consent withdrawn (b), objection (c), unlawfully processed (d), a legal obligation to erase (e).',
    ),
  })
  .strict();

/**
 * A profile's retention under /v1/profiles/{id}: the clinic records a discharge (the profile is erased a
 * policy period later) or a readmission (it is not), and forwards its patient's request for erasure. Each
 * is a command to the profile's machine, which decides; none is a version of the profile, so none needs
 * If-Match: a discharge is a fact about the patient and cannot overwrite a change made meanwhile.
 */
export function profileRetentionRouter(deps: {
  records: Pick<RecordsStore, 'idempotency' | 'profiles'>;
  profileWorkflows?: ProfileWorkflows | undefined;
  futureToleranceMs: number;
}): Router {
  const router = Router();

  /** Runs one command on the caller's own profile, once per Idempotency-Key; 404 for anyone else's. */
  async function command<B extends z.ZodType>(
    req: Request,
    res: Response,
    schema: B,
    run: (
      workflows: ProfileWorkflows,
      view: ProfileView,
      body: z.infer<B>,
      updateId: string,
    ) => Promise<unknown>,
  ): Promise<void> {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
    const body = parseBody(schema, req.body ?? {}, deps.futureToleranceMs);
    const workflows = deps.profileWorkflows;
    if (!workflows) throw new Problem(503, 'Unavailable', 'profile workflows are not configured here');
    await idempotent(deps.records.idempotency, principal, key, req, body, res, async () => {
      const view = visibleProfile(principal, profileId, await deps.records.profiles.get(profileId));
      return run(workflows, view, body, updateIdFor(principal, key));
    });
  }

  const by = (res: Response): { at: string; by: ReturnType<typeof actorOf> } => ({
    at: new Date().toISOString(),
    by: actorOf(principalOf(res) satisfies Principal),
  });

  router.post('/:profileId/discharge', (req, res) =>
    command(req, res, DischargeBodySchema, (workflows, view, body, updateId) =>
      workflows.discharge(view, { ...by(res), dischargedOn: body.dischargedOn }, updateId),
    ),
  );

  router.post('/:profileId/readmission', (req, res) =>
    command(req, res, ReadmissionBodySchema, (workflows, view, _body, updateId) =>
      workflows.readmit(view, by(res), updateId),
    ),
  );

  // Answered once the profile is gone; afterwards it is a 404 like any id nobody has. Not a 410: that
  // would mean keeping the erased profile's id, a trace of the patient the erasure is meant to remove.
  router.post('/:profileId/erasure', (req, res) =>
    command(req, res, ErasureBodySchema, (workflows, view, body, updateId) =>
      workflows.requestErasure(view, { ...by(res), reason: body.reason }, updateId),
    ),
  );

  return router;
}
