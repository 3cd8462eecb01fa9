import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RecordsTables } from './records.tables';
import type { Sealer } from './sealer';

/** A photo to keep: the image as it may be shown (its metadata already stripped), and who sent it when. */
export type NewCasePhoto = {
  caseId: string;
  contentType: string;
  bytes: Buffer;
  uploadedAt: Date;
  uploadedByRole: string;
};

/** A kept photo: what was stored, under the sha256 of its bytes. */
export type CasePhoto = NewCasePhoto & { sha256: string };

const SEAL = (caseId: string, sha256: string) => ({
  table: 'case_photos',
  id: JSON.stringify([caseId, sha256]),
  field: 'image',
});

/** The hex sha256 of a photo's bytes: the name a case's record gives the photo it shows. */
export const photoDigest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The photos of the cases, sealed, by case and sha256. Which one a case shows is its record's to say (its
 * `photoRef`), so a photo stored for a command the case then refused is never served; `prune` removes it.
 * A case's photos go when retention erases the case (the foreign key cascades).
 */
export function createCasePhotos(deps: { db: Kysely<RecordsTables>; sealer: Sealer }) {
  const { db, sealer } = deps;
  return {
    /** Keeps a photo and answers its sha256; the same bytes again only move its upload time. */
    async store(photo: NewCasePhoto): Promise<string> {
      const sha256 = photoDigest(photo.bytes);
      await db
        .insertInto('case_photos')
        .values({
          case_id: photo.caseId,
          sha256,
          content_type: photo.contentType,
          byte_size: photo.bytes.length,
          uploaded_at: photo.uploadedAt,
          uploaded_by_role: photo.uploadedByRole,
          sealed: sealer.sealBytes(photo.bytes, SEAL(photo.caseId, sha256)),
        })
        .onConflict((oc) =>
          oc.columns(['case_id', 'sha256']).doUpdateSet({
            uploaded_at: photo.uploadedAt,
            uploaded_by_role: photo.uploadedByRole,
          }),
        )
        .execute();
      return sha256;
    },

    /** The photo of a case with these bytes, opened; undefined when the store has none. */
    async get(caseId: string, sha256: string): Promise<CasePhoto | undefined> {
      const row = await db
        .selectFrom('case_photos')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('sha256', '=', sha256)
        .executeTakeFirst();
      if (!row) return undefined;
      const bytes = sealer.openBytes(row.sealed, SEAL(caseId, sha256));
      return {
        caseId,
        sha256,
        contentType: row.content_type,
        bytes,
        uploadedAt: row.uploaded_at,
        uploadedByRole: row.uploaded_by_role,
      };
    },

    /**
     * Erases the photos of a case stored up to `upTo` except the one it shows (`keep`): those a newer photo
     * replaced, or whose command the case refused. A photo stored after `upTo` may still be on its way to
     * the case, so it stays. Answers how many went.
     */
    async prune(caseId: string, keep: string | undefined, upTo: Date): Promise<number> {
      let query = db.deleteFrom('case_photos').where('case_id', '=', caseId).where('uploaded_at', '<=', upTo);
      if (keep !== undefined) query = query.where('sha256', '<>', keep);
      const deleted = await query.executeTakeFirst();
      return Number(deleted.numDeletedRows);
    },
  };
}

export type CasePhotos = ReturnType<typeof createCasePhotos>;
