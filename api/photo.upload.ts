import express, { type Request, type RequestHandler, type Response } from 'express';
import { photoDigest } from '../records/sealed-photos';
import { MalformedPhoto, PHOTO_TYPES, stripPhoto, type PhotoType } from './photo.strip';
import { Problem } from './problems';

/** A photo as a request sent it: its type, the bytes sent and their sha256, and the image to keep. */
export type PhotoUpload = {
  contentType: PhotoType;
  /** The sha256 of the bytes as sent: what makes a retried upload the same request. */
  sentSha256: string;
  /** The image without its metadata: the bytes to store. */
  image: Buffer;
};

/**
 * Reads a photo from a request's body, for every route that takes one (a case's, a profile's): 415 for a
 * type a photo may not have, 413 past `limit` bytes, 422 for bytes that are not a well-formed image of
 * the declared type. The image comes back stripped of its metadata.
 */
export function photoReader(limit: number): (req: Request, res: Response) => Promise<PhotoUpload> {
  const parse = express.raw({ type: [...PHOTO_TYPES], limit });
  return async (req, res) => {
    const contentType = declaredType(req);
    const upload = await readBody(req, res, parse, limit);
    return { contentType, sentSha256: photoDigest(upload), image: stripped(upload, contentType) };
  };
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
