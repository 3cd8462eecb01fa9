import type { Kysely } from 'kysely';
import type { ErasureGround, ErasureReason, ProfileErasureCounts } from '../machines/profile.events';
import type { RecordsTables } from './records.tables';

/** One erasure as the ledger keeps it: why and when, and the counts. */
export type ProfileErasureRecord = ProfileErasureCounts & {
  at: string;
  ground: ErasureGround;
  reason: ErasureReason | null;
};

/**
 * Erasing patient profiles (issue 15, item 5) and the ledger that says it happened. Whether a profile is
 * erased is its machine's to decide; this only carries it out.
 */
export function createProfileErasures(deps: { db: Kysely<RecordsTables> }) {
  const { db } = deps;
  return {
    /**
     * Erases a profile: its tasks, photos and versions, and its row, which holds the patient key that tied
     * it to the clinic's patient number. The counts are logged in the same transaction, so an erasure is
     * never left unlogged. Idempotent: a profile already gone erases and logs nothing, and answers null.
     * Cases filed from the profile keep their own record; case retention erases it in its time.
     */
    erase(input: {
      profileId: string;
      ground: ErasureGround;
      reason: ErasureReason | null;
      at: Date;
    }): Promise<ProfileErasureCounts | null> {
      return db.transaction().execute(async (tx) => {
        // Locked first, so a write racing the erasure either lands before it (and goes with it) or finds
        // no profile.
        const row = await tx
          .selectFrom('profiles')
          .select('profile_id')
          .where('profile_id', '=', input.profileId)
          .forUpdate()
          .executeTakeFirst();
        if (!row) return null;
        const gone = async (table: 'profile_tasks' | 'profile_photos' | 'profile_versions' | 'profiles') =>
          Number(
            (await tx.deleteFrom(table).where('profile_id', '=', input.profileId).executeTakeFirst())
              .numDeletedRows,
          );
        const counts: ProfileErasureCounts = {
          tasks: await gone('profile_tasks'),
          photos: await gone('profile_photos'),
          versions: await gone('profile_versions'),
          patientKeys: await gone('profiles'),
        };
        await tx
          .insertInto('profile_erasures')
          .values({
            at: input.at,
            ground: input.ground,
            reason: input.reason,
            versions: counts.versions,
            photos: counts.photos,
            tasks: counts.tasks,
            patient_keys: counts.patientKeys,
          })
          .execute();
        return counts;
      });
    },

    /** The ledger from `since` on, oldest first: counts only, for supervisors and audits. */
    async since(since: Date): Promise<ProfileErasureRecord[]> {
      const rows = await db
        .selectFrom('profile_erasures')
        .selectAll()
        .where('at', '>=', since)
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        at: row.at.toISOString(),
        ground: row.ground as ErasureGround,
        reason: row.reason as ErasureReason | null,
        versions: row.versions,
        photos: row.photos,
        tasks: row.tasks,
        patientKeys: row.patient_keys,
      }));
    },
  };
}

export type ProfileErasures = ReturnType<typeof createProfileErasures>;
