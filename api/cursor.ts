import type { z } from 'zod';
import { badRequest } from './problems';

/** An opaque page cursor: the last item's sort key, as base64url JSON. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor carries, or a 400 naming `query.cursor` when it is not one this API gave out. */
export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string): z.infer<S> {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('the cursor is not one this API gave out', [
      { path: 'query.cursor', message: 'pass the nextCursor of a previous page unchanged' },
    ]);
  }
}
