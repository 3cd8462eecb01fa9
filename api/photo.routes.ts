import { Router } from 'express';
import { maySend, readRoles } from '../machines/case.access';
import type { CaseView } from '../machines/case.view';
import type { RecordsStore } from '../records/records.store';
import { principalOf, requireRole } from './auth';
import type { CaseClient } from './case-client';
import {
  CaseIdParamSchema,
  IdempotencyKeySchema,
  recordRead,
  sendCommand,
  visibleCase,
} from './cases.routes';
import { idempotent } from './idempotency';
import { photoReader } from './photo.upload';
import { Problem, notFound } from './problems';
import { parseInput, parseHeader } from './validate';

/** The largest photo the API takes unless configured otherwise (`VERMIST_PHOTO_MAX_BYTES`): 5 MiB. */
export const DEFAULT_PHOTO_MAX_BYTES = 5 * 1024 * 1024;

/** How a record (a case's, a profile's) names the photo it shows: by the sha256 of the stored (stripped) bytes. */
export const photoRefFor = (sha256: string): string => `photo:sha256:${sha256}`;

/** The sha256 of the photo a record's ref names, when it names one stored here (`photoRefFor`). */
export function photoNamedBy(ref: string | undefined): string | undefined {
  return /^photo:sha256:([0-9a-f]{64})$/.exec(ref ?? '')?.[1];
}

/** The sha256 of the photo a case shows, when its `photoRef` names one stored here. */
export const shownPhoto = (view: CaseView): string | undefined => photoNamedBy(view.report.person.photoRef);

/**
 * The photo of the missing person: the filing clinic puts it, stripped of its metadata and sealed in the
 * records store, and the case's record points at it through the clinic's description correction, so its
 * history says who changed the photo and when. Who may see it is the access module's `readRoles.photo`.
 */
export function photoRouter(deps: {
  cases: CaseClient;
  records: Pick<RecordsStore, 'accessLog' | 'idempotency' | 'photos'>;
  photoMaxBytes: number;
}): Router {
  const router = Router();
  const readPhoto = photoReader(deps.photoMaxBytes);

  router.put('/:caseId/photo', async (req, res) => {
    const principal = principalOf(res);
    const { caseId } = parseInput(CaseIdParamSchema, req.params, 'path');
    res.locals.caseId = caseId;
    const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
    await visibleCase(deps.cases, principal, caseId);
    // The photo is a correction of the signalement: whoever may send that may put it, nobody else.
    if (!maySend(principal.role, 'clinic.update_description'))
      throw new Problem(403, 'Forbidden', `a ${principal.role} user may not change a case's photo`);
    const { contentType, sentSha256, image } = await readPhoto(req, res);
    const request = { contentType, sha256: sentSha256 };
    await idempotent(deps.records.idempotency, principal, key, req, request, res, async () => {
      const uploadedAt = new Date();
      const sha256 = await deps.records.photos.store({
        caseId,
        contentType,
        bytes: image,
        uploadedAt,
        uploadedByRole: principal.role,
      });
      try {
        const person = { photoRef: photoRefFor(sha256) };
        return await sendCommand(deps.cases, principal, caseId, 'clinic.update_description', { person }, key);
      } finally {
        // Accepted or refused, the case's record says which photo it shows: the others stored until now go.
        await deps.records.photos.prune(caseId, shownPhoto(await deps.cases.get(caseId)), uploadedAt);
      }
    });
  });

  router.get('/:caseId/photo', async (req, res) => {
    const principal = principalOf(res);
    const { caseId } = parseInput(CaseIdParamSchema, req.params, 'path');
    res.locals.caseId = caseId;
    const view = await visibleCase(deps.cases, principal, caseId);
    requireRole(principal, readRoles.photo, "see a case's photo");
    const sha256 = shownPhoto(view);
    const photo = sha256 === undefined ? undefined : await deps.records.photos.get(caseId, sha256);
    if (!photo) throw notFound(`case ${caseId} has no photo`);
    await recordRead(deps.records.accessLog, res, principal, view, 'photo');
    res.set('Cache-Control', 'no-store').type(photo.contentType).send(photo.bytes);
  });

  return router;
}
