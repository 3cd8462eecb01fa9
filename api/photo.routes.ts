import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { maySend, readRoles } from '../machines/case.access';
import type { CaseView } from '../machines/case.view';
import { photoDigest } from '../records/case-photos';
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
import { MalformedPhoto, PHOTO_TYPES, stripPhoto, type PhotoType } from './photo.strip';
import { Problem, notFound } from './problems';
import { parseInput } from './validate';

/** The largest photo the API takes unless configured otherwise (`VERMIST_PHOTO_MAX_BYTES`): 5 MiB. */
export const DEFAULT_PHOTO_MAX_BYTES = 5 * 1024 * 1024;

/** How a case's record names the photo it shows: by the sha256 of the stored (stripped) bytes. */
export const photoRefFor = (sha256: string): string => `photo:sha256:${sha256}`;

/** The sha256 of the photo a case shows, when its `photoRef` names one stored here. */
export function shownPhoto(view: CaseView): string | undefined {
  return /^photo:sha256:([0-9a-f]{64})$/.exec(view.report.person.photoRef ?? '')?.[1];
}

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
  const readImage = express.raw({ type: [...PHOTO_TYPES], limit: deps.photoMaxBytes });

  router.put('/:caseId/photo', async (req, res) => {
    const principal = principalOf(res);
    const { caseId } = parseInput(CaseIdParamSchema, req.params, 'path');
    res.locals.caseId = caseId;
    const key = parseInput(IdempotencyKeySchema, req.get('idempotency-key'), 'header');
    await visibleCase(deps.cases, principal, caseId);
    // The photo is a correction of the signalement: whoever may send that may put it, nobody else.
    if (!maySend(principal.role, 'clinic.update_description'))
      throw new Problem(403, 'Forbidden', `a ${principal.role} user may not change a case's photo`);
    const contentType = declaredType(req);
    const upload = await readBody(req, res, readImage, deps.photoMaxBytes);
    const image = stripped(upload, contentType);
    const request = { contentType, sha256: photoDigest(upload) };
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

/** The request's media type, when it is one a photo may have; 415 naming it otherwise. */
function declaredType(req: Request): PhotoType {
  const header = req.get('content-type');
  const type = PHOTO_TYPES.find((t) => t === header?.split(';')[0]?.trim().toLowerCase());
  if (type) return type;
  throw new Problem(
    415,
    'Unsupported media type',
    `a photo is sent as ${PHOTO_TYPES.join(' or ')}, not ${header ?? 'without a Content-Type'}`,
    { contentType: header ?? null, accepted: PHOTO_TYPES },
  );
}

/** The request body, read up to the limit; 413 naming the limit beyond it. */
function readBody(req: Request, res: Response, parse: RequestHandler, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // The body parser calls back with nothing, or an http-error: an Error with a `type` and a status.
    void parse(req, res, (error?: unknown) => {
      if (!(error instanceof Error)) return resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      if ((error as Error & { type?: string }).type !== 'entity.too.large') return reject(error);
      reject(
        new Problem(413, 'Payload too large', `a photo may be at most ${limit} bytes`, { limitBytes: limit }),
      );
    });
  });
}

/** The image without its metadata; 422 naming the photo and what is wrong with it. */
function stripped(upload: Buffer, type: PhotoType): Buffer {
  try {
    return stripPhoto(upload, type);
  } catch (error) {
    if (!(error instanceof MalformedPhoto)) throw error;
    throw new Problem(422, 'Unprocessable photo', `the photo ${error.message}`, {
      errors: [{ path: 'photo', message: error.message }],
    });
  }
}
