import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ProfileSchema, type Profile } from '../../machines/profile.schema';
import { openRecordsDatabase, type RecordsDatabase } from '../../records/records.database';
import { createRecordsStore, type RecordsStore } from '../../records/records.store';
import { aReport, clinician } from '../support/fixtures';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { TEST_PAYLOAD_KEY } from '../support/temporal';

const engines: [string, () => Promise<{ location: string; stop: () => Promise<void> }>][] = [
  ['PGlite', () => Promise.resolve({ location: 'memory://', stop: () => Promise.resolve() })],
  [
    'PostgreSQL',
    async () => {
      const server: PostgresServer = await startPostgres();
      return { location: server.url, stop: () => server.stop() };
    },
  ],
];

/** The secret patient keys are made under in these specs, as `VERMIST_PATIENT_KEY_SECRET` would give it. */
const SECRET = Buffer.from('for the patient-key specs only!!');
const at = (minute: number) => new Date(`2026-11-24T10:${String(minute).padStart(2, '0')}:00.000Z`);
const nurse = { id: 'verpleegkundige.7', role: 'clinic' } as const;

/** A profile as a clinic keeps it, made of the fixture report's own parts. */
function aProfile(overrides: Partial<z.input<typeof ProfileSchema>> = {}): Profile {
  const report = aReport();
  return ProfileSchema.parse({
    person: { ...report.person, name: 'Jantje Profielman' },
    photo: { takenOn: '2026-10-01' },
    routines: ['loopt elke ochtend naar de bakker aan de Markt'],
    likelyPlaces: report.likelyPlaces,
    associates: ['zus, woont in Emmen'],
    riskFactors: report.riskFactors,
    timeCriticalNeeds: [{ need: 'insuline', urgency: 'binnen 12 uur' }],
    legalTitle: report.legalTitle,
    clinicContact: report.clinicContact,
    consents: report.consents,
    plans: {
      crisiskaart: { text: 'Bel eerst mijn zus Ankie.', madeBy: 'dr. A. Bakker', madeOn: '2026-09-01' },
    },
    ...overrides,
  });
}

describe.each(engines)('patient profiles on %s', (_engine, start) => {
  let database: RecordsDatabase;
  let records: RecordsStore;
  let stop: () => Promise<void>;
  let patients = 0;
  /** A patient number nobody used yet in these specs. */
  const aPatientNumber = () => `PN-7731-${String(++patients).padStart(4, '0')}`;
  const create = (patientNumber = aPatientNumber(), institutionId = 'ggz-noord', profile = aProfile()) =>
    records.profiles.create({ institutionId, patientNumber, profile, by: clinician, at: at(0) });
  const created = async (...args: Parameters<typeof create>) => {
    const result = await create(...args);
    if (!result.created) throw new Error(`the patient already had profile ${result.profileId}`);
    return result.view;
  };

  beforeAll(async () => {
    const engine = await start();
    stop = engine.stop;
    database = await openRecordsDatabase(engine.location);
    records = createRecordsStore(database, [TEST_PAYLOAD_KEY], { patientKeySecret: SECRET });
  });

  afterAll(async () => {
    await database?.close();
    await stop?.();
  });

  it('keeps a new profile as version 1, recorded and checked by its author', async () => {
    const view = await created();

    expect(view).toMatchObject({
      version: 1,
      institutionId: 'ggz-noord',
      recordedAt: at(0).toISOString(),
      recordedBy: clinician,
      reviewedAt: at(0).toISOString(),
      reviewedBy: clinician,
    });
    expect(await records.profiles.get(view.profileId)).toEqual(view);
    expect(await records.profiles.get('no-such-profile')).toBeUndefined();
  });

  it('appends every change as a new version, and the latest is the profile', async () => {
    const first = await created();
    const moved = aProfile({ clinicContact: { ...aReport().clinicContact, ward: 'Het Anker' } });

    const second = await records.profiles.update(first.profileId, 1, moved, nurse, at(5));
    const third = await records.profiles.update(
      first.profileId,
      2,
      { ...moved, routines: ['zwemt op zaterdag in De Bonte Wever'] },
      clinician,
      at(9),
    );

    expect(second).toMatchObject({ outcome: 'written', view: { version: 2, recordedBy: nurse } });
    expect(third).toMatchObject({ outcome: 'written', view: { version: 3 } });
    const latest = await records.profiles.get(first.profileId);
    expect(latest).toMatchObject({ version: 3, recordedAt: at(9).toISOString(), recordedBy: clinician });
    expect(latest!.profile.routines).toEqual(['zwemt op zaterdag in De Bonte Wever']);
    expect(latest!.profile.clinicContact.ward).toBe('Het Anker');
    // Changing the profile is not checking all of it: the review stamp stays its creation's.
    expect(latest).toMatchObject({ reviewedAt: at(0).toISOString(), reviewedBy: clinician });
    expect(await records.profiles.versions(first.profileId)).toEqual([
      expect.objectContaining({ version: 1, recordedBy: clinician, change: 'created' }),
      {
        version: 2,
        recordedAt: at(5).toISOString(),
        recordedBy: nurse,
        change: 'updated',
        changed: ['clinicContact'],
      },
      {
        version: 3,
        recordedAt: at(9).toISOString(),
        recordedBy: clinician,
        change: 'updated',
        changed: ['routines'],
      },
    ]);
    const rows = await database.db
      .selectFrom('profile_versions')
      .select(['version', 'ward', 'recorded_by_role'])
      .where('profile_id', '=', first.profileId)
      .orderBy('version')
      .execute();
    expect(rows).toEqual([
      { version: 1, ward: 'De Linde', recorded_by_role: 'clinic' },
      { version: 2, ward: 'Het Anker', recorded_by_role: 'clinic' },
      { version: 3, ward: 'Het Anker', recorded_by_role: 'clinic' },
    ]);
  });

  it('refuses a change made to a version that is no longer the latest, and writes nothing', async () => {
    const { profileId } = await created();
    await records.profiles.update(profileId, 1, aProfile({ routines: ['eerste wijziging'] }), nurse, at(1));

    const late = await records.profiles.update(profileId, 1, aProfile({ routines: ['te laat'] }), clinician);

    expect(late).toEqual({ outcome: 'stale', version: 2 });
    expect((await records.profiles.get(profileId))!.profile.routines).toEqual(['eerste wijziging']);
    expect(await records.profiles.versions(profileId)).toHaveLength(2);
    expect(await records.profiles.update('no-such-profile', 1, aProfile(), nurse)).toEqual({
      outcome: 'missing',
    });
  });

  it('stamps a review as a version of its own: the profile unchanged, checked now by the reviewer', async () => {
    const { profileId, profile } = await created();

    const reviewed = await records.profiles.review(profileId, nurse, at(30));

    expect(reviewed).toMatchObject({
      outcome: 'written',
      view: { version: 2, reviewedAt: at(30).toISOString(), reviewedBy: nurse, profile },
    });
    expect((await records.profiles.versions(profileId)).at(-1)).toMatchObject({
      change: 'reviewed',
      changed: [],
    });
    expect(await records.profiles.review(profileId, nurse, at(31), 1)).toEqual({
      outcome: 'stale',
      version: 2,
    });
  });

  it('keeps one profile per patient per institution, naming the one the patient has', async () => {
    const patientNumber = aPatientNumber();
    const first = await created(patientNumber);

    expect(await create(patientNumber)).toEqual({ created: false, profileId: first.profileId });
    expect(await create(patientNumber, 'ggz-oost')).toMatchObject({ created: true });
    const rows = await database.db.selectFrom('profiles').select('profile_id').execute();
    expect(rows.filter((r) => r.profile_id === first.profileId)).toHaveLength(1);
  });

  it("finds a patient's profile by number and lists an institution's profiles by ward, newest first", async () => {
    const patientNumber = aPatientNumber();
    const wanted = await created(patientNumber, 'ggz-west');
    const other = await created(aPatientNumber(), 'ggz-west');
    await records.profiles.update(
      other.profileId,
      1,
      aProfile({ clinicContact: { ...aReport().clinicContact, ward: 'Het Anker' } }),
      nurse,
    );

    const byNumber = await records.profiles.list({ institutionId: 'ggz-west', patientNumber, limit: 10 });
    const byWard = await records.profiles.list({ institutionId: 'ggz-west', ward: 'Het Anker', limit: 10 });
    const elsewhere = await records.profiles.list({ institutionId: 'ggz-oost', patientNumber, limit: 10 });

    expect(byNumber.items.map((p) => p.profileId)).toEqual([wanted.profileId]);
    expect(byNumber.items[0]).toMatchObject({ version: 1, ward: 'De Linde', photoTakenOn: '2026-10-01' });
    expect(byWard.items.map((p) => [p.profileId, p.version])).toEqual([[other.profileId, 2]]);
    expect(elsewhere.items).toEqual([]);
  });

  it('keys a patient by an HMAC of the institution and number under the secret, never the number', async () => {
    const patientNumber = aPatientNumber();
    const { profileId } = await created(patientNumber);

    const row = await database.db
      .selectFrom('profiles')
      .select(['patient_key'])
      .where('profile_id', '=', profileId)
      .executeTakeFirstOrThrow();

    const key = createHmac('sha256', SECRET).update('vermist patient keys').digest();
    const expected = createHmac('sha256', key)
      .update(JSON.stringify(['ggz-noord', patientNumber]))
      .digest('hex');
    expect(row.patient_key).toBe(expected);
  });

  it('keeps nothing personal in clear: no name, patient number, text or staff id in the tables’ bytes', async () => {
    const patientNumber = aPatientNumber();
    const { profileId } = await created(patientNumber);
    await records.profiles.update(profileId, 1, aProfile({ routines: ['gaat naar de Vismarkt'] }), nurse);
    await sql`checkpoint`.execute(database.db);

    const { rows: files } = await sql<{ file: string }>`
      select pg_relation_filepath(c.oid) as file from pg_class c
      where c.oid in ('profiles'::regclass, 'profile_versions'::regclass)
         or c.oid in (select reltoastrelid from pg_class where oid in ('profiles'::regclass, 'profile_versions'::regclass))
         or c.oid in (select indexrelid from pg_index where indrelid in ('profiles'::regclass, 'profile_versions'::regclass))`.execute(
      database.db,
    );
    const bytes = Buffer.concat(
      await Promise.all(
        files.map(async ({ file }) => {
          const { rows } = await sql<{
            data: Uint8Array;
          }>`select pg_read_binary_file(${file}) as data`.execute(database.db);
          return Buffer.from(rows[0]!.data);
        }),
      ),
    );
    const columns = JSON.stringify(
      await database.db.selectFrom('profile_versions').selectAll().execute(),
      (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : value),
    );

    // What is meant to be in clear is there: these are the bytes the profile's rows live in.
    expect(bytes.includes(profileId)).toBe(true);
    expect(bytes.includes('De Linde')).toBe(true);
    for (const secret of [
      'Jantje Profielman',
      patientNumber,
      'Bel eerst mijn zus Ankie',
      'gaat naar de Vismarkt',
      nurse.id,
      clinician.id,
    ]) {
      expect(bytes.includes(secret), secret).toBe(false);
      expect(columns.includes(secret), secret).toBe(false);
    }
  });

  it('binds each sealed version to its own row: one moved to another version does not open', async () => {
    const { profileId } = await created();
    await records.profiles.review(profileId, nurse, at(3));
    const second = await database.db
      .selectFrom('profile_versions')
      .select('sealed')
      .where('profile_id', '=', profileId)
      .where('version', '=', 2)
      .executeTakeFirstOrThrow();
    await database.db
      .updateTable('profile_versions')
      .set({ sealed: second.sealed })
      .where('profile_id', '=', profileId)
      .where('version', '=', 1)
      .execute();

    await expect(records.profiles.versions(profileId)).rejects.toThrow();
  });

  it('finds a patient again after the payload keys rotate, since patient keys have their own secret', async () => {
    const patientNumber = aPatientNumber();
    const { profileId } = await created(patientNumber);

    const rotated = createRecordsStore(database, [randomBytes(32), TEST_PAYLOAD_KEY], {
      patientKeySecret: SECRET,
    });

    const found = await rotated.profiles.list({ institutionId: 'ggz-noord', patientNumber, limit: 10 });
    expect(found.items.map((p) => p.profileId)).toEqual([profileId]);
    expect(
      await rotated.profiles.create({
        institutionId: 'ggz-noord',
        patientNumber,
        profile: aProfile(),
        by: nurse,
      }),
    ).toEqual({ created: false, profileId });
  });

  it('refuses to key patients under another secret than their institution’s profiles were keyed under', async () => {
    const patientNumber = aPatientNumber();
    await created(patientNumber, 'ggz-zuid');

    const rekeyed = createRecordsStore(database, [TEST_PAYLOAD_KEY], { patientKeySecret: randomBytes(32) });

    await expect(
      rekeyed.profiles.list({ institutionId: 'ggz-zuid', patientNumber, limit: 10 }),
    ).rejects.toThrow(/VERMIST_PATIENT_KEY_SECRET/);
    await expect(
      rekeyed.profiles.create({ institutionId: 'ggz-zuid', patientNumber, profile: aProfile(), by: nurse }),
    ).rejects.toThrow(/VERMIST_PATIENT_KEY_SECRET/);
  });
});
