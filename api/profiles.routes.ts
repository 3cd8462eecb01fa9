import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { institutionPartition, type AccessRecord } from '../machines/access-record.schema';
import { profileTenant, seesProfile } from '../machines/case.access';
import {
  NewProfileSchema,
  PatientNumberSchema,
  ProfileSchema,
  ProfileSummarySchema,
  ProfileVersionSchema,
  type Profile,
  type ProfileView,
} from '../machines/profile.schema';
import type { Profiles, ProfileWrite } from '../records/profiles';
import type { RecordsStore } from '../records/records.store';
import { principalOf, type Principal } from './auth';
import { tellingWorkflow, type ProfileWorkflows } from './profile-workflow';
import { IdempotencyKeySchema } from './cases.routes';
import { decodeCursor, encodeCursor } from './cursor';
import { idempotent, type SuccessAnswer } from './idempotency';
import { Problem, badRequest, conflict, notFound } from './problems';
import { parseBody, parseInput, parseHeader } from './validate';

export const ProfileIdParamSchema = z.object({ profileId: z.string().min(1).max(200) });

/** Filters of a clinic's profile list, as query parameters. Every one narrows; the clinic's own always applies. */
export const ProfileListQuerySchema = z
  .object({
    ward: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('only the profiles of this ward (`clinicContact.ward`)'),
    patientNumber: PatientNumberSchema.optional().describe(
      "only this patient's profile, found by its pseudonymous key: the number is not kept",
    ),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
  })
  .strict();

/** What `GET /v1/profiles` answers: a page of profile summaries, newest created first. */
export const ProfileListSchema = z.object({
  items: z.array(ProfileSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

/** What `GET /v1/profiles/{id}/versions` answers: every version, oldest first. */
export const ProfileHistorySchema = z.object({
  profileId: z.string(),
  versions: z.array(ProfileVersionSchema),
});

/** A review takes no fields: the reviewer and the time are the request's own. */
export const ReviewBodySchema = z.object({}).strict();

/** The version an If-Match header names: the ETag this API gave (`"3"`), or the bare number. */
const IfMatchSchema = z.object({
  'if-match': z
    .string()
    .regex(/^(?:"\d{1,9}"|\d{1,9})$/, 'must be the ETag of the version you read, such as "3"')
    .transform((tag) => Number(tag.replaceAll('"', ''))),
});

const ListCursorSchema = z.tuple([z.iso.datetime(), z.string()]);

/** A version's entity tag: its number, quoted. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Patient profiles under /v1/profiles: kept by a clinic for its own patients at risk, versioned, and seen by
 * nobody else. Who may see what is the access module's (`profileTenant`, `seesProfile`); this only routes.
 */
export function profilesRouter(deps: {
  records: Pick<RecordsStore, 'accessLog' | 'idempotency' | 'profiles'>;
  profileWorkflows?: ProfileWorkflows | undefined;
  futureToleranceMs: number;
}): Router {
  const router = Router();
  const { profiles } = deps.records;
  const told = tellingWorkflow(deps.profileWorkflows, profiles);

  router.post('/', async (req, res) => {
    const principal = principalOf(res);
    const institutionId = keeper(principal, 'keep patient profiles');
    const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
    const { patientNumber, ...profile } = parseBody(NewProfileSchema, req.body, deps.futureToleranceMs);
    photoShown(profile, undefined);
    // A retry is matched on the patient's key: no hash of the number itself is kept with the answer.
    const request = { patientKey: profiles.patientKey(institutionId, patientNumber), profile };
    await idempotent(
      deps.records.idempotency,
      principal,
      key,
      req,
      request,
      res,
      async () => {
        const result = await profiles.create({
          institutionId,
          patientNumber,
          profile,
          by: actorOf(principal),
        });
        if (!result.created) {
          throw conflict(`this patient already has a profile: ${result.profileId}`, {
            profileId: result.profileId,
          });
        }
        return result.view;
      },
      { status: 201, headers: profileHeaders(true), then: told },
    );
  });

  router.get('/', async (req, res) => {
    const institutionId = keeper(principalOf(res), 'list patient profiles');
    const query = parseInput(ProfileListQuerySchema, req.query, 'query');
    const { items, more } = await profiles.list({
      institutionId,
      ward: query.ward,
      patientNumber: query.patientNumber,
      after: query.cursor === undefined ? undefined : decodeCursor(ListCursorSchema, query.cursor),
      limit: query.limit,
    });
    const last = items.at(-1);
    const nextCursor = more && last ? encodeCursor([last.createdAt, last.profileId]) : null;
    res
      .set('Cache-Control', 'no-store')
      .json({ items, nextCursor } satisfies z.infer<typeof ProfileListSchema>);
  });

  router.get('/:profileId', async (req, res) => {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const view = visibleProfile(principal, profileId, await profiles.get(profileId));
    await recordProfileRead(deps.records.accessLog, res, principal, view, 'profile');
    res.set({ 'Cache-Control': 'no-store', ETag: etagOf(view.version) }).json(view);
  });

  router.get('/:profileId/versions', async (req, res) => {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const view = visibleProfile(principal, profileId, await profiles.get(profileId));
    await recordProfileRead(deps.records.accessLog, res, principal, view, 'profile_history');
    const versions = await profiles.versions(profileId);
    res
      .set('Cache-Control', 'no-store')
      .json({ profileId, versions } satisfies z.infer<typeof ProfileHistorySchema>);
  });

  router.put('/:profileId', async (req, res) => {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
    const version = ifMatch(req, true)!;
    const profile = parseBody(ProfileSchema, req.body, deps.futureToleranceMs);
    await idempotent(
      deps.records.idempotency,
      principal,
      key,
      req,
      { version, profile },
      res,
      async () => {
        await ownProfile(profiles, principal, profileId);
        photoShown(profile, (await profiles.get(profileId))?.profile.photo?.ref);
        return written(profileId, await profiles.update(profileId, version, profile, actorOf(principal)));
      },
      { headers: profileHeaders(false), then: told },
    );
  });

  router.post('/:profileId/review', async (req, res) => {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
    const version = ifMatch(req, false);
    parseBody(ReviewBodySchema, req.body ?? {}, deps.futureToleranceMs);
    await idempotent(
      deps.records.idempotency,
      principal,
      key,
      req,
      { version: version ?? null },
      res,
      async () => {
        await ownProfile(profiles, principal, profileId);
        return written(profileId, await profiles.review(profileId, actorOf(principal), new Date(), version));
      },
      { headers: profileHeaders(false), then: told },
    );
  });

  return router;
}

/**
 * A profile the caller may not see does not exist for them: 404, as for an id nobody has. Its institution
 * when they may, read from the index without opening the profile.
 */
export async function ownProfile(
  profiles: Pick<Profiles, 'institutionOf'>,
  principal: Principal,
  profileId: string,
): Promise<string> {
  const institutionId = await profiles.institutionOf(profileId);
  if (institutionId === undefined || !seesProfile(principal, { institutionId }))
    throw notFound(`no profile ${profileId}`);
  return institutionId;
}

/**
 * A profile names only the photo it shows: a photo comes in through PUT /v1/profiles/{id}/photo, which
 * strips and seals it. A write may repeat the current `photo.ref` (the whole profile sent back as read) or
 * leave it out, never name another: a report filed from the profile would then point at nothing.
 */
function photoShown(profile: Profile, current: string | undefined): void {
  const ref = profile.photo?.ref;
  if (ref === undefined || ref === current) return;
  throw badRequest('a profile shows only a photo put with PUT /v1/profiles/{profileId}/photo', [
    {
      path: 'body.photo.ref',
      message:
        current === undefined
          ? 'this profile has no photo yet: put one with PUT /v1/profiles/{profileId}/photo'
          : `is not the photo this profile shows (${current}): put a new one with PUT /v1/profiles/{profileId}/photo`,
    },
  ]);
}

/** The institution whose profiles the caller keeps; 403 for a role that keeps none. */
function keeper(principal: Principal, action: string): string {
  const institutionId = profileTenant(principal);
  if (institutionId === undefined)
    throw new Problem(403, 'Forbidden', `a ${principal.role} user may not ${action}`);
  return institutionId;
}

/** The profile, when the caller may see it; 404 as for an id nobody has otherwise. */
export function visibleProfile(
  principal: Principal,
  profileId: string,
  view: ProfileView | undefined,
): ProfileView {
  if (!view || !seesProfile(principal, view)) throw notFound(`no profile ${profileId}`);
  return view;
}

/** The new version a write made, or the problem that says why it made none. */
export function written(profileId: string, write: ProfileWrite): ProfileView {
  if (write.outcome === 'written') return write.view;
  if (write.outcome === 'missing') throw notFound(`no profile ${profileId}`);
  throw staleVersion(profileId, write.version);
}

/** 412: the profile is at `version` now, not at the one the request's If-Match names. */
export function staleVersion(profileId: string, version: number): Problem {
  return new Problem(
    412,
    'Precondition failed',
    `profile ${profileId} is at version ${version} now: read it again and make your change to that`,
    { profileId, version },
  );
}

/** A profile's answer names its version as an ETag, and a new profile's place. */
export function profileHeaders(created: boolean): NonNullable<SuccessAnswer['headers']> {
  return (body) => {
    const view = body as ProfileView;
    return {
      ETag: etagOf(view.version),
      'Cache-Control': 'no-store',
      ...(created && { Location: `/v1/profiles/${view.profileId}` }),
    };
  };
}

/**
 * The version the request's If-Match names. A change must name the version it was made to (428 without),
 * so that it never silently overwrites a change made meanwhile.
 */
export function ifMatch(req: Request, required: boolean): number | undefined {
  const header = req.get('if-match');
  if (header === undefined) {
    if (!required) return undefined;
    throw new Problem(
      428,
      'Precondition required',
      'send If-Match with the ETag of the version you changed',
      {
        errors: [
          { path: 'header.if-match', message: 'required: the ETag of the version you read, such as "3"' },
        ],
      },
    );
  }
  return parseInput(IfMatchSchema, { 'if-match': header }, 'header')['if-match'];
}

/** The caller as a version or a record names who did it. */
export const actorOf = (principal: Principal) => ({ id: principal.sub, role: principal.role });

/** Every read of a profile is on record before its data leaves, in its institution's partition of the log. */
export function recordProfileRead(
  accessLog: RecordsStore['accessLog'],
  res: Response,
  principal: Principal,
  view: Pick<ProfileView, 'profileId' | 'institutionId'>,
  resource: AccessRecord['resource'],
) {
  return accessLog.record({
    at: new Date().toISOString(),
    caseId: view.profileId,
    region: institutionPartition(view.institutionId),
    by: actorOf(principal),
    view: principal.role,
    resource,
    requestId: String(res.locals.requestId),
  });
}
