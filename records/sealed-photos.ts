import { createHash } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { CasePhotosTable, RecordsTables } from './records.tables';
import type { Sealer } from './sealer';

/** The tables that keep photos, and the column each names its owner by. */
const owners = { case_photos: 'case_id', profile_photos: 'profile_id' } as const;
type PhotoTable = keyof typeof owners;
type OwnerColumn = (typeof owners)[PhotoTable];

/**
 * A photo table as this module queries it: the columns every photo table has, and its owner's column,
 * which is the one `owners` names for the table queried (so one set of queries serves every table).
 */
type PhotoRow = Omit<CasePhotosTable, 'case_id'> & Partial<Record<OwnerColumn, string>>;

/**
 * A photo to keep: its owner's id under `K` (`caseId`, `profileId`), the image as it may be shown (its
 * metadata already stripped), and who sent it when.
 */
export type NewPhoto<K extends string> = Record<K, string> & {
  contentType: string;
  bytes: Buffer;
  uploadedAt: Date;
  uploadedByRole: string;
};

/** A kept photo: what was stored, under the sha256 of its bytes. */
export type KeptPhoto<K extends string> = NewPhoto<K> & { sha256: string };

/** The hex sha256 of a photo's bytes: the name a record gives the photo it shows. */
export const photoDigest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Photos sealed in `table`, by owner and sha256. Which one an owner shows is its record's to say (a case's
 * `photoRef`, a profile's `photo.ref`), so a photo stored for a change its owner then refused is never
 * served; `prune` removes it. An owner's photos go when its row is erased (the foreign key cascades).
 */
export function createSealedPhotos<K extends string>(
  deps: { db: Kysely<RecordsTables>; sealer: Sealer },
  where: { table: PhotoTable; key: K },
) {
  const db = deps.db as unknown as Kysely<Record<PhotoTable, PhotoRow>>;
  const { sealer } = deps;
  const { table, key } = where;
  const owner = owners[table];
  const seal = (ownerId: string, sha256: string) => ({
    table,
    id: JSON.stringify([ownerId, sha256]),
    field: 'image',
  });

  return {
    /** Keeps a photo and answers its sha256; the same bytes again only move its upload time. */
    async store(photo: NewPhoto<K>): Promise<string> {
      const ownerId = photo[key];
      const sha256 = photoDigest(photo.bytes);
      const row: Insertable<PhotoRow> = {
        [owner]: ownerId,
        sha256,
        content_type: photo.contentType,
        byte_size: photo.bytes.length,
        uploaded_at: photo.uploadedAt,
        uploaded_by_role: photo.uploadedByRole,
        sealed: sealer.sealBytes(photo.bytes, seal(ownerId, sha256)),
      };
      await db
        .insertInto(table)
        .values(row)
        .onConflict((oc) =>
          oc.columns([owner, 'sha256']).doUpdateSet({
            uploaded_at: photo.uploadedAt,
            uploaded_by_role: photo.uploadedByRole,
          }),
        )
        .execute();
      return sha256;
    },

    /** The photo of an owner with these bytes, opened; undefined when the store has none. */
    async get(ownerId: string, sha256: string): Promise<KeptPhoto<K> | undefined> {
      const row = await db
        .selectFrom(table)
        .select(['content_type', 'uploaded_at', 'uploaded_by_role', 'sealed'])
        .where(owner, '=', ownerId)
        .where('sha256', '=', sha256)
        .executeTakeFirst();
      if (!row) return undefined;
      const bytes = sealer.openBytes(row.sealed, seal(ownerId, sha256));
      return {
        [key]: ownerId,
        sha256,
        contentType: row.content_type,
        bytes,
        uploadedAt: row.uploaded_at,
        uploadedByRole: row.uploaded_by_role,
      } as KeptPhoto<K>;
    },

    /**
     * Erases the photos of an owner stored up to `upTo` except the one it shows (`keep`): those a newer
     * photo replaced, or whose change the owner refused. A photo stored after `upTo` may still be on its way
     * to its owner, so it stays. Answers how many went.
     */
    async prune(ownerId: string, keep: string | undefined, upTo: Date): Promise<number> {
      let query = db.deleteFrom(table).where(owner, '=', ownerId).where('uploaded_at', '<=', upTo);
      if (keep !== undefined) query = query.where('sha256', '<>', keep);
      const deleted = await query.executeTakeFirst();
      return Number(deleted.numDeletedRows);
    },
  };
}

/** The photos of the cases' persons: a case's go when retention erases the case. */
export const createCasePhotos = (deps: { db: Kysely<RecordsTables>; sealer: Sealer }) =>
  createSealedPhotos(deps, { table: 'case_photos', key: 'caseId' });
export type CasePhotos = ReturnType<typeof createCasePhotos>;
export type CasePhoto = KeptPhoto<'caseId'>;

/** The photos of patient profiles: a profile's go when it is erased. */
export const createProfilePhotos = (deps: { db: Kysely<RecordsTables>; sealer: Sealer }) =>
  createSealedPhotos(deps, { table: 'profile_photos', key: 'profileId' });
export type ProfilePhotos = ReturnType<typeof createProfilePhotos>;
