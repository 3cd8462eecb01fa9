import { Router } from 'express';
import { z } from 'zod';
import { dateAt } from '../machines/amsterdam-time';
import { ProfilePhotoSchema } from '../machines/profile.schema';
import type { RecordsStore } from '../records/records.store';
import { principalOf } from './auth';
import { IdempotencyKeySchema } from './cases.routes';
import { idempotent } from './idempotency';
import { photoNamedBy, photoRefFor } from './photo.routes';
import { photoReader } from './photo.upload';
import { tellingWorkflow, type ProfileWorkflows } from './profile-workflow';
import { notFound } from './problems';
import {
  actorOf,
  ifMatch,
  ownProfile,
  ProfileIdParamSchema,
  profileHeaders,
  recordProfileRead,
  visibleProfile,
  written,
} from './profiles.routes';
import { parseInput, refuseFuture, parseHeader } from './validate';

/** What a profile photo's upload says beside the image: the day it was taken, as a query parameter. */
export const ProfilePhotoQuerySchema = z
  .object({
    takenOn: ProfilePhotoSchema.shape.takenOn
      .optional()
      .describe('The day the photo was taken (YYYY-MM-DD); today, in Amsterdam, without it.'),
  })
  .strict();

/**
 * The photo of a patient profile: put by its own clinic, stripped of its metadata and sealed in the
 * records store as a case's photo is, and named by a new version of the profile (`photo` changed), so the
 * history says who changed it and when. Seen by the profile's own clinic alone, until a report from the
 * profile makes it the case's photo.
 */
export function profilePhotoRouter(deps: {
  records: Pick<RecordsStore, 'accessLog' | 'idempotency' | 'profiles' | 'profilePhotos'>;
  photoMaxBytes: number;
  profileWorkflows?: ProfileWorkflows | undefined;
  futureToleranceMs: number;
}): Router {
  const router = Router();
  const { profiles, profilePhotos } = deps.records;
  // A new photo closes a reminder for an old one: the profile's workflow hears of every version.
  const told = tellingWorkflow(deps.profileWorkflows, profiles);
  const readPhoto = photoReader(deps.photoMaxBytes);

  router.put('/:profileId/photo', async (req, res) => {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
    const query = parseInput(ProfilePhotoQuerySchema, req.query, 'query');
    refuseFuture(ProfilePhotoQuerySchema, query, 'query', {
      now: new Date(),
      toleranceMs: deps.futureToleranceMs,
    });
    const version = ifMatch(req, false);
    // Before the body is read: nobody else's upload is worth reading, and the 404 says nothing about it.
    await ownProfile(profiles, principal, profileId);
    const { contentType, sentSha256, image } = await readPhoto(req, res);
    // The request as sent: a retry tomorrow without takenOn is still the same request.
    const request = {
      contentType,
      sha256: sentSha256,
      takenOn: query.takenOn ?? null,
      version: version ?? null,
    };
    await idempotent(
      deps.records.idempotency,
      principal,
      key,
      req,
      request,
      res,
      async () => {
        const uploadedAt = new Date();
        const takenOn = query.takenOn ?? dateAt(uploadedAt.toISOString());
        const sha256 = await profilePhotos.store({
          profileId,
          contentType,
          bytes: image,
          uploadedAt,
          uploadedByRole: principal.role,
        });
        try {
          const photo = { ref: photoRefFor(sha256), takenOn };
          return written(
            profileId,
            await profiles.setPhoto(profileId, photo, actorOf(principal), uploadedAt, version),
          );
        } finally {
          // Written or refused, the latest version says which photo the profile shows: the others go.
          const shown = (await profiles.get(profileId))?.profile.photo?.ref;
          await profilePhotos.prune(profileId, photoNamedBy(shown), uploadedAt);
        }
      },
      { headers: profileHeaders(false), then: told },
    );
  });

  router.get('/:profileId/photo', async (req, res) => {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const view = visibleProfile(principal, profileId, await profiles.get(profileId));
    const sha256 = photoNamedBy(view.profile.photo?.ref);
    const photo = sha256 === undefined ? undefined : await profilePhotos.get(profileId, sha256);
    if (!photo) throw notFound(`profile ${profileId} has no photo`);
    await recordProfileRead(deps.records.accessLog, res, principal, view, 'profile_photo');
    res.set('Cache-Control', 'no-store').type(photo.contentType).send(photo.bytes);
  });

  return router;
}
