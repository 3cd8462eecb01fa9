import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../machines/profile.schema';
import { photoDigest } from '../../records/sealed-photos';
import type { RecordsStore } from '../../records/records.store';
import { createSealer } from '../../records/sealer';
import { aCaseView } from '../support/case-views';
import { aProfileInput, clinician } from '../support/fixtures';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { openTestRecords } from '../support/records';

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

const at = (minute: number) => new Date(`2026-11-24T10:${String(minute).padStart(2, '0')}:00.000Z`);
const photo = (caseId: string, text: string, minute: number) => ({
  caseId,
  contentType: 'image/png',
  bytes: Buffer.from(text),
  uploadedAt: at(minute),
  uploadedByRole: 'clinic',
});

describe.each(engines)('case photos on %s', (_engine, start) => {
  let records: RecordsStore;
  let stop: () => Promise<void>;
  let cases = 0;

  /** A case in the store, which a photo needs: it lives only as long as its case. */
  const aCase = async () => {
    const caseId = `case-photo-${++cases}`;
    await records.cases.save(1, aCaseView(caseId));
    return caseId;
  };
  const shas = async (caseId: string) =>
    (
      await records.database.db
        .selectFrom('case_photos')
        .select('sha256')
        .where('case_id', '=', caseId)
        .orderBy('uploaded_at')
        .execute()
    ).map((r) => r.sha256);

  beforeAll(async () => {
    const engine = await start();
    stop = engine.stop;
    records = await openTestRecords(engine.location);
  });

  afterAll(async () => {
    await records?.database.close();
    await stop?.();
  });

  it('keeps a photo under the sha256 of its bytes and gives it back as it was stored', async () => {
    const caseId = await aCase();

    const sha256 = await records.photos.store(photo(caseId, 'first photo', 1));

    expect(sha256).toBe(photoDigest(Buffer.from('first photo')));
    expect(await records.photos.get(caseId, sha256)).toEqual({ ...photo(caseId, 'first photo', 1), sha256 });
    expect(await records.photos.get(caseId, photoDigest(Buffer.from('another')))).toBeUndefined();
  });

  it('keeps the same bytes stored again once, with the later upload time', async () => {
    const caseId = await aCase();
    await records.photos.store(photo(caseId, 'same photo', 1));

    const sha256 = await records.photos.store(photo(caseId, 'same photo', 2));

    expect(await shas(caseId)).toEqual([sha256]);
    expect((await records.photos.get(caseId, sha256))?.uploadedAt).toEqual(at(2));
  });

  it('prunes what the case does not show up to a time, keeping what came later', async () => {
    const caseId = await aCase();
    await records.photos.store(photo(caseId, 'replaced', 1));
    const shown = await records.photos.store(photo(caseId, 'shown', 2));
    const later = await records.photos.store(photo(caseId, 'on its way', 4));

    expect(await records.photos.prune(caseId, shown, at(3))).toBe(1);
    expect(await shas(caseId)).toEqual([shown, later]);
    expect(await records.photos.prune(caseId, undefined, at(4))).toBe(2);
  });

  it('seals each photo to its case: one copied to another case fails to open', async () => {
    const [from, to] = [await aCase(), await aCase()];
    const sha256 = await records.photos.store(photo(from, 'a face', 1));
    const { sealed } = await records.database.db
      .selectFrom('case_photos')
      .select('sealed')
      .where('case_id', '=', from)
      .executeTakeFirstOrThrow();
    await records.database.db
      .insertInto('case_photos')
      .values({
        case_id: to,
        sha256,
        content_type: 'image/png',
        byte_size: 6,
        uploaded_at: at(1),
        uploaded_by_role: 'clinic',
        sealed,
      })
      .execute();

    expect(Buffer.from(sealed).includes(Buffer.from('a face'))).toBe(false);
    await expect(records.photos.get(to, sha256)).rejects.toThrow();
  });

  it('goes with its case', async () => {
    const caseId = await aCase();
    await records.photos.store(photo(caseId, 'a photo', 1));

    await records.database.db.deleteFrom('case_records').where('case_id', '=', caseId).execute();

    expect(await shas(caseId)).toEqual([]);
  });
});

describe.each(engines)('profile photos on %s', (_engine, start) => {
  let records: RecordsStore;
  let stop: () => Promise<void>;
  let patients = 0;

  /** A profile in the store, which a photo needs: it lives only as long as its profile. */
  const aProfileId = async () => {
    const result = await records.profiles.create({
      institutionId: 'ggz-noord',
      patientNumber: `PN-${++patients}`,
      profile: ProfileSchema.parse(aProfileInput()),
      by: clinician,
    });
    if (!result.created) throw new Error('the patient already had a profile');
    return result.view.profileId;
  };
  const profilePhoto = (profileId: string, text: string, minute: number) => {
    const { caseId: _caseId, ...rest } = photo('', text, minute);
    return { profileId, ...rest };
  };

  beforeAll(async () => {
    const engine = await start();
    stop = engine.stop;
    records = await openTestRecords(engine.location);
  });

  afterAll(async () => {
    await records?.database.close();
    await stop?.();
  });

  it("keeps a profile's photo apart from the cases': the same id and bytes name no case photo", async () => {
    const profileId = await aProfileId();

    const sha256 = await records.profilePhotos.store(profilePhoto(profileId, 'a face', 1));

    expect(await records.profilePhotos.get(profileId, sha256)).toEqual({
      ...profilePhoto(profileId, 'a face', 1),
      sha256,
    });
    expect(await records.photos.get(profileId, sha256)).toBeUndefined();
  });

  it('prunes what the profile does not show up to a time, and goes with its profile', async () => {
    const profileId = await aProfileId();
    await records.profilePhotos.store(profilePhoto(profileId, 'old', 1));
    const shown = await records.profilePhotos.store(profilePhoto(profileId, 'shown', 2));

    expect(await records.profilePhotos.prune(profileId, shown, at(2))).toBe(1);
    await records.database.db.deleteFrom('profiles').where('profile_id', '=', profileId).execute();

    expect(await records.profilePhotos.get(profileId, shown)).toBeUndefined();
  });
});

describe('sealed bytes', () => {
  const sealer = createSealer([randomBytes(32)]);
  const where = { table: 'case_photos', id: 'x', field: 'image' };

  it('opens to the same bytes, and never as a JSON value nor a JSON value as bytes', () => {
    const sealed = sealer.sealBytes(Buffer.from([0xff, 0xd8, 0xff, 0x00]), where);

    expect(sealer.openBytes(sealed, where).equals(Buffer.from([0xff, 0xd8, 0xff, 0x00]))).toBe(true);
    expect(() => sealer.open(sealed, where)).toThrow(/format 2, expected 1/);
    expect(() => sealer.openBytes(sealer.seal('text', where), where)).toThrow(/format 1, expected 2/);
  });
});
