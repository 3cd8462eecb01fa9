import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { caseIdFor } from '../../api/case-client';
import { institutionPartition } from '../../machines/access-record.schema';
import { dateAt } from '../../machines/amsterdam-time';
import type { ProfileInput } from '../../machines/profile.schema';
import { ApiHarness } from '../support/api-harness';
import { aProfileInput, aReportNow, endedTitle } from '../support/fixtures';
import { aJpegWithMetadata, theJpegWithoutMetadata } from '../support/photos';
import { theFacts } from '../support/profiles';

const api = new ApiHarness('profile-reports-api-test');

const clinic: Principal = { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' };
const otherClinic: Principal = { sub: 'clinician.oost', role: 'clinic', institutionId: 'ggz-oost' };
const police: Principal = { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' };
/** Everyone but the profile's own clinic: to them a profile does not exist. */
const outsiders: Record<string, Principal> = {
  'another clinic': otherClinic,
  'police desk': police,
  'police supervisor': { sub: 'chief.noord', role: 'police_supervisor', region: 'noord-nl' },
  ambulance: { sub: 'rav.noord', role: 'ambulance', region: 'noord-nl' },
  'crisis service': { sub: 'crisis.noord', role: 'crisis_service', region: 'noord-nl' },
};

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const clean = theJpegWithoutMetadata();

let patients = 0;

/** A new profile of a new patient of ggz-noord: its id. */
async function aProfileId(profile = aProfileInput()): Promise<string> {
  const res = await api.call('POST', '/v1/profiles', {
    as: clinic,
    key: api.key(),
    body: { ...profile, patientNumber: `NR-${Date.now()}-${++patients}` },
  });
  if (res.status !== 201) throw new Error(`creating failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.profileId as string;
}

/** Files a report from a profile: its facts, as `as`, with an Idempotency-Key and maybe an If-Match. */
const file = (
  profileId: string,
  body: object = theFacts(),
  opts: { as?: Principal; key?: string; ifMatch?: string } = {},
) =>
  api.call('POST', `/v1/profiles/${profileId}/reports`, {
    as: opts.as ?? clinic,
    key: opts.key ?? api.key(),
    body,
    ...(opts.ifMatch !== undefined && { headers: { 'if-match': opts.ifMatch } }),
  });

/** Changes a profile from the version `ifMatch` names. */
async function update(profileId: string, ifMatch: string, profile: ProfileInput) {
  const res = await api.call('PUT', `/v1/profiles/${profileId}`, {
    as: clinic,
    key: api.key(),
    body: profile,
    headers: { 'if-match': ifMatch },
  });
  if (res.status !== 200) throw new Error(`updating failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Sends a photo's bytes over real HTTP, as a client uploading one does. */
async function putPhoto(profileId: string, bytes: Buffer, opts: { as?: Principal; query?: string } = {}) {
  const res = await fetch(`${api.base}/v1/profiles/${profileId}/photo${opts.query ?? ''}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${await api.token(opts.as ?? clinic)}`,
      'content-type': 'image/jpeg',
      'idempotency-key': api.key(),
    },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

/** Reads a photo's bytes over real HTTP. */
async function getPhoto(path: string, as: Principal) {
  const res = await fetch(`${api.base}${path}`, {
    headers: { authorization: `Bearer ${await api.token(as)}` },
  });
  return {
    status: res.status,
    cacheControl: res.headers.get('cache-control'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

/** The reads of one profile on record, oldest first. */
async function readsOf(profileId: string) {
  const { items } = await api.records.accessLog.list({
    region: institutionPartition('ggz-noord'),
    caseId: profileId,
    limit: 100,
  });
  return items.map((r) => ({ by: r.by.id, resource: r.resource }));
}

/** The case a report with this id of ggz-noord opened, as the store has it. */
const storedCase = (reportId: string) =>
  api.records.cases.get(caseIdFor({ institutionId: 'ggz-noord', reportId }));

beforeAll(() => api.start());
afterAll(() => api.stop());

describe('POST /v1/profiles/{id}/reports', () => {
  it('files a report that records the profile and the version it was filed from', async () => {
    const profileId = await aProfileId();
    await update(profileId, '"1"', aProfileInput({ routines: ['zwemt op zaterdag'] }));

    const res = await file(profileId, theFacts({ clinical: { diagnosis: 'psychose' } }));

    expect(res.status).toBe(201);
    expect(res.body.report.fromProfile).toEqual({ profileId, version: 2, expiredConsents: [] });
    expect(res.body.report).toMatchObject({
      institutionId: 'ggz-noord',
      region: 'noord-nl',
      likelyPlaces: ['Station Assen', 'zwemt op zaterdag'],
      clinical: { diagnosis: 'psychose' },
    });
    const read = await api.call('GET', `/v1/cases/${res.body.caseId}`, { as: clinic });
    expect(read.body.report.fromProfile).toEqual({ profileId, version: 2, expiredConsents: [] });
    expect(await readsOf(profileId)).toEqual([{ by: clinic.sub, resource: 'profile' }]);
  });

  it('is complete at once: police see the full signalement and the photo right after the answer', async () => {
    const profileId = await aProfileId();
    expect((await putPhoto(profileId, aJpegWithMetadata())).status).toBe(200);

    const res = await file(profileId, theFacts({ clinical: { diagnosis: 'psychose' } }));
    const asPolice = await api.call('GET', `/v1/cases/${res.body.caseId}`, { as: police });
    const photo = await getPhoto(`/v1/cases/${res.body.caseId}/photo`, police);

    expect(res.status).toBe(201);
    expect(asPolice.status).toBe(200);
    expect(asPolice.body.report).toMatchObject({
      person: {
        ...aProfileInput().person,
        clothing: 'rode jas, spijkerbroek',
        photoRef: `photo:sha256:${sha256(clean)}`,
      },
      likelyPlaces: ['Station Assen', 'loopt elke ochtend naar de bakker'],
      associates: ['broer, woont in Groningen'],
      timeCriticalNeeds: [{ need: 'insuline', urgency: 'binnen 12 uur' }],
      peopleAtRisk: ['ex-partner'],
      legalTitle: { kind: 'zorgmachtiging' },
      fromProfile: { profileId, version: 2, expiredConsents: [] },
    });
    expect(asPolice.body.report.clinical).toBeUndefined();
    expect(JSON.stringify(asPolice.body)).not.toContain('psychose');
    expect(photo.status).toBe(200);
    expect(photo.bytes.equals(clean)).toBe(true);
    expect(await readsOf(profileId)).toEqual([
      { by: clinic.sub, resource: 'profile' },
      { by: clinic.sub, resource: 'profile_photo' },
    ]);
  });

  it('answers 404 to everyone but the profile’s own clinic, files nothing and records no read', async () => {
    const profileId = await aProfileId();

    for (const [who, as] of Object.entries(outsiders)) {
      const reportId = `outsider-${++patients}`;
      const res = await file(profileId, theFacts({ reportId }), { as });
      expect(res.status, who).toBe(404);
      expect(res.body.detail, who).toBe(`no profile ${profileId}`);
      expect(await storedCase(reportId), who).toBeUndefined();
    }
    expect(await readsOf(profileId)).toEqual([]);
  });

  it('files a consent whose expiry has passed as not given, and says so in the report', async () => {
    const expired = new Date(Date.now() - 86_400_000).toISOString();
    const profileId = await aProfileId(
      aProfileInput({
        consents: {
          familyContact: { given: true, recordedBy: 'dr. A. Bakker', expiresAt: expired },
          publicAppeal: { given: false, recordedBy: 'dr. A. Bakker' },
        },
      }),
    );

    const res = await file(profileId);

    expect(res.status).toBe(201);
    expect(res.body.report.consents.familyContact).toEqual({
      given: false,
      recordedBy: 'dr. A. Bakker',
      expiresAt: expired,
    });
    expect(res.body.report.fromProfile.expiredConsents).toEqual(['familyContact']);
  });

  it('refuses an unauthorised absence under a lapsed title with 400 naming the profile’s title, and files nothing', async () => {
    const profileId = await aProfileId(aProfileInput({ legalTitle: endedTitle() }));
    const reportId = `lapsed-${++patients}`;

    const res = await file(profileId, theFacts({ reportId }));

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'profile.legalTitle', message: expect.stringContaining(`profile ${profileId}`) },
    ]);
    expect(await storedCase(reportId)).toBeUndefined();
  });

  it('answers a retry with the same Idempotency-Key as the first, even after the profile changed', async () => {
    const profileId = await aProfileId();
    const key = api.key();
    const body = theFacts();

    const first = await file(profileId, body, { key });
    await update(
      profileId,
      '"1"',
      aProfileInput({ person: { ...aProfileInput().person, name: 'Iemand Anders' } }),
    );
    const retry = await file(profileId, body, { key });

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.body.report.person.name).toBe('Pieter Profiel');
  });

  it('refuses the same Idempotency-Key with a different body with 422', async () => {
    const profileId = await aProfileId();
    const key = api.key();
    await file(profileId, theFacts(), { key });

    const other = await file(profileId, theFacts({ urgent: false }), { key });

    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual([{ path: 'header.idempotency-key', message: expect.any(String) }]);
  });

  it('refuses with 412 when If-Match names a version that is no longer the latest, and files nothing', async () => {
    const profileId = await aProfileId();
    await update(profileId, '"1"', aProfileInput({ routines: ['nieuw'] }));
    const reportId = `stale-${++patients}`;

    const stale = await file(profileId, theFacts({ reportId }), { ifMatch: '"1"' });
    const current = await file(profileId, theFacts(), { ifMatch: '"2"' });

    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, profileId, version: 2 });
    expect(await storedCase(reportId)).toBeUndefined();
    expect(current.status).toBe(201);
  });

  it('refuses a field it does not take with 400 at its own path', async () => {
    const profileId = await aProfileId();

    const res = await file(profileId, {
      ...theFacts(),
      person: { name: 'Iemand Anders' },
      lastSeen: { ...theFacts().lastSeen, with: 'broer' },
    });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.person', message: 'is not a field of this request' },
        { path: 'body.lastSeen.with', message: 'is not a field of this request' },
      ]),
    );
  });
});

describe('POST /v1/cases', () => {
  it('refuses a report that says it came from a profile with 400 naming body.fromProfile', async () => {
    const reportId = `forged-${++patients}`;

    const res = await api.call('POST', '/v1/cases', {
      as: clinic,
      body: { ...aReportNow({ reportId }), fromProfile: { profileId: 'p-1', version: 1 } },
    });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.fromProfile', message: expect.any(String) }]);
    expect(await storedCase(reportId)).toBeUndefined();
  });
});

describe('PUT /v1/profiles/{id}/photo', () => {
  it('keeps the photo without its metadata as a new version that changed the photo', async () => {
    const profileId = await aProfileId();

    const res = await putPhoto(profileId, aJpegWithMetadata(), { query: '?takenOn=2026-11-01' });
    const history = await api.call('GET', `/v1/profiles/${profileId}/versions`, { as: clinic });

    expect(res.status).toBe(200);
    expect(res.etag).toBe('"2"');
    expect(res.body.profile.photo).toEqual({ ref: `photo:sha256:${sha256(clean)}`, takenOn: '2026-11-01' });
    expect(history.body.versions.at(-1)).toMatchObject({ version: 2, change: 'updated', changed: ['photo'] });
  });

  it('takes today, in Amsterdam, as the day the photo was taken when not told', async () => {
    const profileId = await aProfileId();

    const res = await putPhoto(profileId, aJpegWithMetadata());

    expect(res.body.profile.photo.takenOn).toBe(dateAt(new Date().toISOString()));
  });

  it('refuses a takenOn that is not a date with 400 naming it', async () => {
    const profileId = await aProfileId();

    const res = await putPhoto(profileId, aJpegWithMetadata(), { query: '?takenOn=gisteren' });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'query.takenOn', message: expect.any(String) }]);
  });

  it('refuses a takenOn on a day that has not begun with 400 naming it, and keeps no photo', async () => {
    const profileId = await aProfileId();
    const dayAfterTomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

    const res = await putPhoto(profileId, aJpegWithMetadata(), { query: `?takenOn=${dayAfterTomorrow}` });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'query.takenOn', message: 'lies in the future' }]);
    const profile = await api.call('GET', `/v1/profiles/${profileId}`, { as: clinic });
    expect(profile.body.version).toBe(1);
  });
});

describe('GET /v1/profiles/{id}/photo', () => {
  it('answers the photo to the profile’s own clinic, uncached, and puts the read on record', async () => {
    const profileId = await aProfileId();
    await putPhoto(profileId, aJpegWithMetadata());

    const res = await getPhoto(`/v1/profiles/${profileId}/photo`, clinic);

    expect(res.status).toBe(200);
    expect(res.cacheControl).toBe('no-store');
    expect(res.bytes.equals(clean)).toBe(true);
    expect(await readsOf(profileId)).toEqual([{ by: clinic.sub, resource: 'profile_photo' }]);
  });

  it('answers 404 to everyone else, for reading and for putting, and records no read', async () => {
    const profileId = await aProfileId();
    await putPhoto(profileId, aJpegWithMetadata());

    for (const [who, as] of Object.entries(outsiders)) {
      expect((await getPhoto(`/v1/profiles/${profileId}/photo`, as)).status, who).toBe(404);
      expect((await putPhoto(profileId, aJpegWithMetadata(), { as })).status, who).toBe(404);
    }
    expect(await readsOf(profileId)).toEqual([]);
    const versions = await api.call('GET', `/v1/profiles/${profileId}/versions`, { as: clinic });
    expect(versions.body.versions).toHaveLength(2);
  });
});
