import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../machines/case.events';
import {
  changedFields,
  type Profile,
  type ProfileField,
  type ProfilePhoto,
  type ProfileSummary,
  type ProfileVersion,
  type ProfileView,
} from '../machines/profile.schema';
import type { PatientKeys } from './patient-keys';
import type { RecordsTables } from './records.tables';
import type { Sealer } from './sealer';

/** What one version keeps sealed: the profile whole, and the people who recorded and last reviewed it. */
type SealedVersion = {
  profile: Profile;
  recordedBy: Actor;
  reviewedBy: Actor;
  changed: ProfileField[];
};

/** What a clinic's list asks the store: its institution, filters that each narrow, and the key to page after. */
export type ProfileQuery = {
  institutionId: string;
  ward?: string | undefined;
  /** Only the profile of this patient: looked up by its key, the number never stored. */
  patientNumber?: string | undefined;
  /** The last profile of the previous page: newest created first, then by profile id. */
  after?: [createdAt: string, profileId: string] | undefined;
  limit: number;
};

/** A write to an existing profile: the new latest version, or why there is none. */
export type ProfileWrite =
  { outcome: 'written'; view: ProfileView } | { outcome: 'stale'; version: number } | { outcome: 'missing' };

/** Creating a profile: the new one, or the profile the patient already has in the institution. */
export type ProfileCreation = { created: true; view: ProfileView } | { created: false; profileId: string };

const SEAL = (profileId: string, version: number) => ({
  table: 'profile_versions',
  id: JSON.stringify([profileId, version]),
  field: 'version',
});

/**
 * Patient profiles: every version appended, sealed and bound to its row, never changed; the latest is the
 * profile. The patient number becomes a pseudonymous key here and goes no further.
 */
export function createProfiles(deps: {
  db: Kysely<RecordsTables>;
  sealer: Sealer;
  patientKeys: PatientKeys;
}) {
  const { db, sealer, patientKeys } = deps;

  /** The latest version of a profile, opened; undefined when the store has no such profile. */
  async function latest(
    q: Kysely<RecordsTables> | Transaction<RecordsTables>,
    profileId: string,
  ): Promise<ProfileView | undefined> {
    const row = await q
      .selectFrom('profiles as p')
      .innerJoin('profile_versions as v', (join) =>
        join.onRef('v.profile_id', '=', 'p.profile_id').onRef('v.version', '=', 'p.version'),
      )
      .select(['p.profile_id', 'p.institution_id', 'v.version', 'v.recorded_at', 'v.reviewed_at', 'v.sealed'])
      .where('p.profile_id', '=', profileId)
      .executeTakeFirst();
    if (!row) return undefined;
    const sealed = sealer.open<SealedVersion>(row.sealed, SEAL(profileId, row.version));
    return {
      profileId,
      version: row.version,
      institutionId: row.institution_id,
      recordedAt: row.recorded_at.toISOString(),
      recordedBy: sealed.recordedBy,
      reviewedAt: row.reviewed_at.toISOString(),
      reviewedBy: sealed.reviewedBy,
      profile: sealed.profile,
    };
  }

  /** Appends version `view.version` of a profile; its change and changed fields are the caller's to say. */
  async function append(
    tx: Transaction<RecordsTables>,
    view: ProfileView,
    change: ProfileVersion['change'],
    changed: ProfileField[],
  ): Promise<void> {
    const sealed: SealedVersion = {
      profile: view.profile,
      recordedBy: view.recordedBy,
      reviewedBy: view.reviewedBy,
      changed,
    };
    await tx
      .insertInto('profile_versions')
      .values({
        profile_id: view.profileId,
        version: view.version,
        ward: view.profile.clinicContact.ward,
        reviewed_at: view.reviewedAt,
        photo_taken_on: view.profile.photo?.takenOn ?? null,
        recorded_at: view.recordedAt,
        recorded_by_role: view.recordedBy.role,
        change,
        sealed: sealer.seal(sealed, SEAL(view.profileId, view.version)),
      })
      .execute();
    if (view.version > 1) {
      await tx
        .updateTable('profiles')
        .set({ version: view.version })
        .where('profile_id', '=', view.profileId)
        .execute();
    }
  }

  /**
   * Appends the next version of a profile, made from its latest by `next`, when `ifVersion` (if given) is
   * still the latest. The profile's row is locked meanwhile, so two writers never both make one version.
   */
  function write(
    profileId: string,
    ifVersion: number | undefined,
    change: ProfileVersion['change'],
    next: (current: ProfileView) => ProfileView,
  ): Promise<ProfileWrite> {
    return db.transaction().execute(async (tx) => {
      const head = await tx
        .selectFrom('profiles')
        .select('version')
        .where('profile_id', '=', profileId)
        .forUpdate()
        .executeTakeFirst();
      if (!head) return { outcome: 'missing' };
      if (ifVersion !== undefined && ifVersion !== head.version)
        return { outcome: 'stale', version: head.version };
      const current = (await latest(tx, profileId))!;
      const view = { ...next(current), version: head.version + 1 };
      await append(tx, view, change, changedFields(current.profile, view.profile));
      return { outcome: 'written', view };
    });
  }

  /** Refuses to key patients when this institution's profiles were keyed under another secret. */
  async function sameSecret(institutionId: string): Promise<void> {
    const other = await db
      .selectFrom('profiles')
      .select('patient_key_id')
      .where('institution_id', '=', institutionId)
      .where('patient_key_id', '<>', patientKeys.keyId)
      .limit(1)
      .executeTakeFirst();
    if (other) {
      throw new Error(
        `profiles of ${institutionId} were keyed under patient-key secret ${other.patient_key_id}, not the configured ${patientKeys.keyId}: restore VERMIST_PATIENT_KEY_SECRET`,
      );
    }
  }

  return {
    /** The pseudonymous key of a patient: what stands in for the number wherever one is needed. */
    patientKey: (institutionId: string, patientNumber: string): string =>
      patientKeys.of(institutionId, patientNumber),

    /**
     * Creates a profile as version 1, checked now by its author, unless the patient already has one in the
     * institution: then answers that one's id and writes nothing.
     */
    async create(input: {
      institutionId: string;
      patientNumber: string;
      profile: Profile;
      by: Actor;
      at?: Date;
    }): Promise<ProfileCreation> {
      await sameSecret(input.institutionId);
      const at = (input.at ?? new Date()).toISOString();
      const view: ProfileView = {
        profileId: randomUUID(),
        version: 1,
        institutionId: input.institutionId,
        recordedAt: at,
        recordedBy: input.by,
        reviewedAt: at,
        reviewedBy: input.by,
        profile: input.profile,
      };
      const patientKey = patientKeys.of(input.institutionId, input.patientNumber);
      const created = await db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('profiles')
          .values({
            profile_id: view.profileId,
            institution_id: view.institutionId,
            patient_key: patientKey,
            patient_key_id: patientKeys.keyId,
            version: 1,
            created_at: at,
          })
          .onConflict((oc) => oc.columns(['institution_id', 'patient_key']).doNothing())
          .returning('profile_id')
          .executeTakeFirst();
        if (!inserted) return false;
        await append(tx, view, 'created', changedFields(undefined, view.profile));
        return true;
      });
      if (created) return { created: true, view };
      const existing = await db
        .selectFrom('profiles')
        .select('profile_id')
        .where('institution_id', '=', input.institutionId)
        .where('patient_key', '=', patientKey)
        .executeTakeFirstOrThrow();
      return { created: false, profileId: existing.profile_id };
    },

    /** The latest version of a profile, opened; undefined when the store has none. */
    get: (profileId: string): Promise<ProfileView | undefined> => latest(db, profileId),

    /** The institution a profile belongs to, without opening it; undefined when the store has none. */
    async institutionOf(profileId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('profiles')
        .select('institution_id')
        .where('profile_id', '=', profileId)
        .executeTakeFirst();
      return row?.institution_id;
    },

    /** Appends a changed profile as the next version, when `ifVersion` is still the latest. */
    update(profileId: string, ifVersion: number, profile: Profile, by: Actor, at = new Date()) {
      return write(profileId, ifVersion, 'updated', (current) => ({
        ...current,
        recordedAt: at.toISOString(),
        recordedBy: by,
        profile,
      }));
    },

    /**
     * Appends the profile with a new photo as the next version, a change like any other (`photo` changed).
     * With `ifVersion`, only while that is still the latest; without, over whatever the latest is, since
     * the photo is the only field it changes.
     */
    setPhoto(profileId: string, photo: ProfilePhoto, by: Actor, at = new Date(), ifVersion?: number) {
      return write(profileId, ifVersion, 'updated', (current) => ({
        ...current,
        recordedAt: at.toISOString(),
        recordedBy: by,
        profile: { ...current.profile, photo },
      }));
    },

    /**
     * Appends the profile unchanged as the next version, checked now by `by`: the stamp the review reminder
     * reads. With `ifVersion`, only while that is still the latest.
     */
    review(profileId: string, by: Actor, at = new Date(), ifVersion?: number) {
      return write(profileId, ifVersion, 'reviewed', (current) => ({
        ...current,
        recordedAt: at.toISOString(),
        recordedBy: by,
        reviewedAt: at.toISOString(),
        reviewedBy: by,
      }));
    },

    /** Every version of a profile, oldest first: who recorded it, when, and what it changed. */
    async versions(profileId: string): Promise<ProfileVersion[]> {
      const rows = await db
        .selectFrom('profile_versions')
        .select(['version', 'recorded_at', 'change', 'sealed'])
        .where('profile_id', '=', profileId)
        .orderBy('version')
        .execute();
      return rows.map((row) => {
        const sealed = sealer.open<SealedVersion>(row.sealed, SEAL(profileId, row.version));
        return {
          version: row.version,
          recordedAt: row.recorded_at.toISOString(),
          recordedBy: sealed.recordedBy,
          change: row.change as ProfileVersion['change'],
          changed: sealed.changed,
        };
      });
    },

    /** One page of an institution's profiles, newest created first, from the index columns alone. */
    async list(query: ProfileQuery): Promise<{ items: ProfileSummary[]; more: boolean }> {
      if (query.patientNumber !== undefined) await sameSecret(query.institutionId);
      let q = db
        .selectFrom('profiles as p')
        .innerJoin('profile_versions as v', (join) =>
          join.onRef('v.profile_id', '=', 'p.profile_id').onRef('v.version', '=', 'p.version'),
        )
        .select([
          'p.profile_id',
          'p.version',
          'p.created_at',
          'v.ward',
          'v.recorded_at',
          'v.reviewed_at',
          sql<string | null>`v.photo_taken_on::text`.as('photo_taken_on'),
        ])
        .where('p.institution_id', '=', query.institutionId);
      if (query.ward !== undefined) q = q.where('v.ward', '=', query.ward);
      if (query.patientNumber !== undefined)
        q = q.where('p.patient_key', '=', patientKeys.of(query.institutionId, query.patientNumber));
      if (query.after) {
        const [createdAt, profileId] = query.after;
        q = q.where(sql<boolean>`(p.created_at, p.profile_id) < (${new Date(createdAt)}, ${profileId})`);
      }
      const rows = await q
        .orderBy('p.created_at', 'desc')
        .orderBy('p.profile_id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const items = rows.slice(0, query.limit).map((row): ProfileSummary => ({
        profileId: row.profile_id,
        version: row.version,
        ward: row.ward,
        createdAt: row.created_at.toISOString(),
        recordedAt: row.recorded_at.toISOString(),
        reviewedAt: row.reviewed_at.toISOString(),
        photoTakenOn: row.photo_taken_on,
      }));
      return { items, more: rows.length > query.limit };
    },
  };
}

export type Profiles = ReturnType<typeof createProfiles>;
