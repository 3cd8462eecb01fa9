import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { institutionPartition } from '../../machines/access-record.schema';
import type { ProfileInput } from '../../machines/profile.schema';
import { ApiHarness, type Answer } from '../support/api-harness';
import { aReport } from '../support/fixtures';
import { aJpegWithMetadata } from '../support/photos';

const api = new ApiHarness('profiles-api-test');

const clinic: Principal = { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' };
const colleague: Principal = { sub: 'nurse.noord', role: 'clinic', institutionId: 'ggz-noord' };
const otherClinic: Principal = { sub: 'clinician.oost', role: 'clinic', institutionId: 'ggz-oost' };
/** Everyone but the profile's own clinic: to them a profile does not exist. */
const outsiders: Record<string, Principal> = {
  'another clinic': otherClinic,
  'police desk': { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' },
  'police supervisor': { sub: 'chief.noord', role: 'police_supervisor', region: 'noord-nl' },
  ambulance: { sub: 'rav.noord', role: 'ambulance', region: 'noord-nl' },
  'crisis service': { sub: 'crisis.noord', role: 'crisis_service', region: 'noord-nl' },
};

/** A profile as a clinic sends it, made of the fixture report's own parts. */
function aProfile(overrides: Partial<ProfileInput> = {}): ProfileInput {
  const report = aReport();
  return {
    person: { ...report.person, name: 'Pieter Profiel' },
    photo: { takenOn: '2026-10-01' },
    routines: ['loopt elke ochtend naar de bakker'],
    likelyPlaces: ['Station Assen'],
    associates: ['broer, woont in Groningen'],
    riskFactors: report.riskFactors,
    timeCriticalNeeds: [{ need: 'insuline', urgency: 'binnen 12 uur' }],
    legalTitle: report.legalTitle,
    clinicContact: report.clinicContact,
    consents: report.consents,
    plans: { signaleringsplan: { text: 'Trekt zich terug.', madeBy: 'dr. A. Bakker', madeOn: '2026-09-01' } },
    ...overrides,
  };
}

let patients = 0;
/** A patient number nobody used yet in this file. */
const aPatientNumber = () => `NR-${Date.now()}-${++patients}`;

/** Keeps a new profile as `as` and answers the response. */
const create = (body: object, as: Principal = clinic, key = api.key()) =>
  api.call('POST', '/v1/profiles', { as, key, body });

/** A new profile of a new patient of ggz-noord: its id. */
async function aProfileId(profile = aProfile()): Promise<string> {
  const res = await create({ ...profile, patientNumber: aPatientNumber() });
  if (res.status !== 201) throw new Error(`creating failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.profileId as string;
}

/** A request with an If-Match header, which the harness's call does not send. */
async function withIfMatch(
  method: string,
  path: string,
  opts: { as: Principal; key: string; ifMatch?: string; body?: unknown },
): Promise<Answer & { etag: string | null }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${await api.token(opts.as)}`,
    'idempotency-key': opts.key,
    ...(opts.ifMatch !== undefined && { 'if-match': opts.ifMatch }),
  };
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
  });
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  return {
    status: response.status,
    type,
    body: text && type.includes('json') ? JSON.parse(text) : text,
    etag: response.headers.get('etag'),
  };
}

const update = (
  profileId: string,
  ifMatch: string | undefined,
  body: object,
  as: Principal = clinic,
  key = api.key(),
) =>
  withIfMatch('PUT', `/v1/profiles/${profileId}`, {
    as,
    key,
    body,
    ...(ifMatch !== undefined && { ifMatch }),
  });

/** The reads of one profile on record, oldest first. */
async function readsOf(profileId: string, institutionId = 'ggz-noord') {
  const { items } = await api.records.accessLog.list({
    region: institutionPartition(institutionId),
    caseId: profileId,
    limit: 100,
  });
  return items.map((r) => ({ by: r.by, resource: r.resource, view: r.view }));
}

beforeAll(() => api.start());
afterAll(() => api.stop());

describe('POST /v1/profiles', () => {
  it('keeps a new profile as version 1 for the clinic’s own institution, without its patient number', async () => {
    const patientNumber = aPatientNumber();

    const res = await create({ ...aProfile(), patientNumber });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      version: 1,
      institutionId: 'ggz-noord',
      recordedBy: { id: clinic.sub, role: 'clinic' },
      reviewedBy: { id: clinic.sub, role: 'clinic' },
      profile: { person: { name: 'Pieter Profiel' }, routines: ['loopt elke ochtend naar de bakker'] },
    });
    expect(JSON.stringify(res.body)).not.toContain(patientNumber);
    const read = await withIfMatch('GET', `/v1/profiles/${res.body.profileId}`, {
      as: clinic,
      key: api.key(),
    });
    expect(read.etag).toBe('"1"');
  });

  it('refuses the same patient again with 409, naming the profile they have', async () => {
    const patientNumber = aPatientNumber();
    const first = await create({ ...aProfile(), patientNumber });

    // The number as typed with spaces around it is the same patient.
    const again = await create({ ...aProfile(), patientNumber: ` ${patientNumber} ` }, colleague);

    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, profileId: first.body.profileId });
  });

  it('answers a retry with the same Idempotency-Key as it answered the first request', async () => {
    const key = api.key();
    const body = { ...aProfile(), patientNumber: aPatientNumber() };

    const first = await create(body, clinic, key);
    const retry = await create(body, clinic, key);

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const other = await create({ ...body, routines: ['iets anders'] }, clinic, key);
    expect(other.status).toBe(422);
  });

  it('refuses a BSN, or any field a profile does not have, with 400 naming it', async () => {
    const patientNumber = aPatientNumber();

    const top = await create({ ...aProfile(), patientNumber, bsn: '123456782' });
    const nested = await create({
      ...aProfile({ person: { ...aProfile().person, bsn: '123456782' } as ProfileInput['person'] }),
      patientNumber,
    });

    expect(top.status).toBe(400);
    expect(top.body.errors).toContainEqual({ path: 'body.bsn', message: expect.any(String) });
    expect(nested.status).toBe(400);
    expect(nested.body.errors).toContainEqual({ path: 'body.person.bsn', message: expect.any(String) });
    const found = await api.call('GET', `/v1/profiles?patientNumber=${patientNumber}`, { as: clinic });
    expect(found.body.items).toEqual([]);
  });

  it('refuses wrong input with 400 naming each wrong field', async () => {
    const res = await create({
      ...aProfile({ photo: { takenOn: 'yesterday' } }),
      patientNumber: '',
      person: { dateOfBirth: '1990-04-01', description: 'lang' },
    });

    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.patientNumber',
      'body.person.name',
      'body.photo.takenOn',
    ]);
  });

  it('refuses a photo dated on a day that has not begun, and a photo nobody put, with 400 naming each', async () => {
    const dayAfterTomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

    const ahead = await create({
      ...aProfile({ photo: { takenOn: dayAfterTomorrow } }),
      patientNumber: aPatientNumber(),
    });
    const named = await create({
      ...aProfile({ photo: { ref: `photo:sha256:${'0'.repeat(64)}`, takenOn: '2026-10-01' } }),
      patientNumber: aPatientNumber(),
    });

    expect(ahead.status).toBe(400);
    expect(ahead.body.errors).toEqual([{ path: 'body.photo.takenOn', message: 'lies in the future' }]);
    expect(named.status).toBe(400);
    expect(named.body.errors).toEqual([
      { path: 'body.photo.ref', message: expect.stringContaining('no photo yet') },
    ]);
  });

  it('lets only a clinic keep profiles', async () => {
    for (const [who, as] of Object.entries(outsiders).filter(([, p]) => p.role !== 'clinic')) {
      const res = await create({ ...aProfile(), patientNumber: aPatientNumber() }, as);
      expect(res.status, who).toBe(403);
    }
  });
});

describe('GET /v1/profiles', () => {
  it("finds a patient's profile by patient number, within the clinic's own institution only", async () => {
    const patientNumber = aPatientNumber();
    const profileId = (await create({ ...aProfile(), patientNumber })).body.profileId;
    await aProfileId();

    const mine = await api.call('GET', `/v1/profiles?patientNumber=${encodeURIComponent(patientNumber)}`, {
      as: clinic,
    });
    const theirs = await api.call('GET', `/v1/profiles?patientNumber=${encodeURIComponent(patientNumber)}`, {
      as: otherClinic,
    });

    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({ profileId, version: 1, ward: 'De Linde', photoTakenOn: '2026-10-01' }),
    ]);
    expect(theirs.body.items).toEqual([]);
  });

  it("lists the clinic's own profiles by ward, newest first, a page at a time", async () => {
    const ward = `Afdeling ${Date.now()}`;
    const contact = { ...aReport().clinicContact, ward };
    const older = await aProfileId(aProfile({ clinicContact: contact }));
    const newer = await aProfileId(aProfile({ clinicContact: contact }));

    const first = await api.call('GET', `/v1/profiles?ward=${encodeURIComponent(ward)}&limit=1`, {
      as: clinic,
    });
    const second = await api.call(
      'GET',
      `/v1/profiles?ward=${encodeURIComponent(ward)}&limit=1&cursor=${first.body.nextCursor}`,
      { as: clinic },
    );
    const elsewhere = await api.call('GET', `/v1/profiles?ward=${encodeURIComponent(ward)}`, {
      as: otherClinic,
    });

    expect(first.body.items.map((p: { profileId: string }) => p.profileId)).toEqual([newer]);
    expect(second.body.items.map((p: { profileId: string }) => p.profileId)).toEqual([older]);
    expect(second.body.nextCursor).toBeNull();
    expect(elsewhere.body.items).toEqual([]);
    expect(JSON.stringify(first.body)).not.toContain('Pieter Profiel');
  });

  it('lets only a clinic list profiles', async () => {
    for (const [who, as] of Object.entries(outsiders).filter(([, p]) => p.role !== 'clinic'))
      expect((await api.call('GET', '/v1/profiles', { as })).status, who).toBe(403);
  });
});

describe('GET /v1/profiles/{id}', () => {
  it('answers the profile to its own clinic, and puts each read on record', async () => {
    const profileId = await aProfileId();

    const res = await api.call('GET', `/v1/profiles/${profileId}`, { as: colleague });
    const history = await api.call('GET', `/v1/profiles/${profileId}/versions`, { as: clinic });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      profileId,
      version: 1,
      profile: { person: { name: 'Pieter Profiel' } },
    });
    expect(history.status).toBe(200);
    expect(await readsOf(profileId)).toEqual([
      { by: { id: colleague.sub, role: 'clinic' }, resource: 'profile', view: 'clinic' },
      { by: { id: clinic.sub, role: 'clinic' }, resource: 'profile_history', view: 'clinic' },
    ]);
  });

  it('answers 404 to every other caller, as for a profile nobody has, and records no read', async () => {
    const profileId = await aProfileId();

    for (const [who, as] of Object.entries(outsiders)) {
      const reads = [
        await api.call('GET', `/v1/profiles/${profileId}`, { as }),
        await api.call('GET', `/v1/profiles/${profileId}/versions`, { as }),
        await update(profileId, '"1"', aProfile({ routines: ['overgenomen'] }), as),
        await withIfMatch('POST', `/v1/profiles/${profileId}/review`, { as, key: api.key(), body: {} }),
      ];
      expect(
        reads.map((r) => r.status),
        who,
      ).toEqual([404, 404, 404, 404]);
      expect(reads[0]!.body.detail, who).toBe(`no profile ${profileId}`);
    }
    expect(await readsOf(profileId)).toEqual([]);
    expect((await api.call('GET', `/v1/profiles/${profileId}`, { as: clinic })).body.version).toBe(1);
    expect((await api.call('GET', '/v1/profiles/no-such-profile', { as: clinic })).status).toBe(404);
  });
});

describe('PUT /v1/profiles/{id}', () => {
  it('appends the change as version 2, with who made it and when', async () => {
    const profileId = await aProfileId();
    const before = Date.now();

    const res = await update(profileId, '"1"', aProfile({ routines: ['zwemt op zaterdag'] }), colleague);
    const history = await api.call('GET', `/v1/profiles/${profileId}/versions`, { as: clinic });

    expect(res.status).toBe(200);
    expect(res.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      version: 2,
      recordedBy: { id: colleague.sub, role: 'clinic' },
      reviewedBy: { id: clinic.sub, role: 'clinic' },
      profile: { routines: ['zwemt op zaterdag'] },
    });
    expect(Date.parse(res.body.recordedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(history.body.versions).toEqual([
      expect.objectContaining({
        version: 1,
        recordedBy: { id: clinic.sub, role: 'clinic' },
        change: 'created',
      }),
      {
        version: 2,
        recordedAt: res.body.recordedAt,
        recordedBy: { id: colleague.sub, role: 'clinic' },
        change: 'updated',
        changed: ['routines'],
      },
    ]);
  });

  it('refuses a change to a version that is no longer the latest with 412, and changes nothing', async () => {
    const profileId = await aProfileId();
    await update(profileId, '"1"', aProfile({ routines: ['eerste'] }), colleague);

    const stale = await update(profileId, '"1"', aProfile({ routines: ['te laat'] }));

    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, profileId, version: 2 });
    const now = await api.call('GET', `/v1/profiles/${profileId}`, { as: clinic });
    expect(now.body).toMatchObject({ version: 2, profile: { routines: ['eerste'] } });
  });

  it('asks for If-Match with 428, and refuses one that names no version with 400', async () => {
    const profileId = await aProfileId();

    const missing = await update(profileId, undefined, aProfile());
    const malformed = await update(profileId, 'W/"1"', aProfile());

    expect(missing.status).toBe(428);
    expect(missing.body.errors).toEqual([{ path: 'header.if-match', message: expect.any(String) }]);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ path: 'header.if-match', message: expect.any(String) }]);
  });

  it('keeps the photo the profile shows when the change sends it back, and refuses one it does not show', async () => {
    const profileId = await aProfileId();
    const put = await fetch(`${api.base}/v1/profiles/${profileId}/photo?takenOn=2026-10-02`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await api.token(clinic)}`,
        'content-type': 'image/jpeg',
        'idempotency-key': api.key(),
      },
      body: new Uint8Array(aJpegWithMetadata()),
    });
    expect(put.status).toBe(200);
    const shown = (await api.call('GET', `/v1/profiles/${profileId}`, { as: clinic })).body;
    const photo = shown.profile.photo as { ref: string; takenOn: string };

    const other = await update(profileId, `"${shown.version}"`, {
      ...aProfile(),
      photo: { ref: `photo:sha256:${'0'.repeat(64)}`, takenOn: photo.takenOn },
    });
    const same = await update(profileId, `"${shown.version}"`, {
      ...aProfile({ routines: ['wandelt'] }),
      photo,
    });

    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([
      { path: 'body.photo.ref', message: expect.stringContaining('is not the photo this profile shows') },
    ]);
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({
      version: shown.version + 1,
      profile: { photo, routines: ['wandelt'] },
    });
  });

  it('answers a retry with the same Idempotency-Key as the first, not as a stale change', async () => {
    const profileId = await aProfileId();
    const key = api.key();
    const body = aProfile({ routines: ['eenmaal'] });

    const first = await update(profileId, '1', body, clinic, key);
    const retry = await update(profileId, '1', body, clinic, key);
    const otherVersion = await update(profileId, '2', body, clinic, key);

    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.etag).toBe('"2"');
    expect(otherVersion.status).toBe(422);
    const history = await api.call('GET', `/v1/profiles/${profileId}/versions`, { as: clinic });
    expect(history.body.versions).toHaveLength(2);
  });
});

describe('POST /v1/profiles/{id}/review', () => {
  it('stamps a new version as checked now by the reviewer, the profile unchanged', async () => {
    const profileId = await aProfileId();
    const before = Date.now();

    const res = await withIfMatch('POST', `/v1/profiles/${profileId}/review`, {
      as: colleague,
      key: api.key(),
      body: {},
    });

    expect(res.status).toBe(200);
    expect(res.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      version: 2,
      reviewedBy: { id: colleague.sub, role: 'clinic' },
      profile: { routines: ['loopt elke ochtend naar de bakker'] },
    });
    expect(Date.parse(res.body.reviewedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(res.body.reviewedAt).toBe(res.body.recordedAt);
    const history = await api.call('GET', `/v1/profiles/${profileId}/versions`, { as: clinic });
    expect(history.body.versions.at(-1)).toMatchObject({ version: 2, change: 'reviewed', changed: [] });
    const stale = await withIfMatch('POST', `/v1/profiles/${profileId}/review`, {
      as: clinic,
      key: api.key(),
      ifMatch: '"1"',
      body: {},
    });
    expect(stale.status).toBe(412);
  });
});
