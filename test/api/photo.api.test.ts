import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { DEFAULT_PHOTO_MAX_BYTES } from '../../api/photo.routes';
import { exampleBody } from '../support/action-examples';
import { ApiHarness } from '../support/api-harness';
import {
  aJpegWithMetadata,
  aPngWithMetadata,
  jpegParts,
  metadataIn,
  pngParts,
  theJpegWithoutMetadata,
} from '../support/photos';
import { principals } from '../support/tokens';

const api = new ApiHarness('photo-api-test');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const clean = theJpegWithoutMetadata();

type PhotoAnswer = {
  status: number;
  type: string;
  cacheControl: string | null;
  body: ReturnType<typeof JSON.parse>;
  bytes: Buffer;
};

/** Sends the request over real HTTP with raw bytes, as a client uploading a photo does. */
async function request(
  method: 'GET' | 'PUT',
  caseId: string,
  opts: { as: Principal; bytes?: Buffer; type?: string; key?: string },
): Promise<PhotoAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${await api.token(opts.as)}` };
  if (method === 'PUT') {
    headers['content-type'] = opts.type ?? 'image/jpeg';
    headers['idempotency-key'] = opts.key ?? api.key();
  }
  const res = await fetch(`${api.base}/v1/cases/${caseId}/photo`, {
    method,
    headers,
    ...(opts.bytes && { body: new Uint8Array(opts.bytes) }),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    type,
    cacheControl: res.headers.get('cache-control'),
    body: type.includes('json') ? JSON.parse(bytes.toString('utf8')) : undefined,
    bytes,
  };
}

const put = (caseId: string, bytes: Buffer, opts: { as?: Principal; type?: string; key?: string } = {}) =>
  request('PUT', caseId, { as: principals.clinic, bytes, ...opts });
const get = (caseId: string, as: Principal) => request('GET', caseId, { as });

/** The photos the store holds for a case, read straight from its table. */
const storedPhotos = (caseId: string) =>
  api.records.database.db.selectFrom('case_photos').selectAll().where('case_id', '=', caseId).execute();

const step = async (caseId: string, action: string, as: Principal, body: object) => {
  const res = await api.call('POST', `/v1/cases/${caseId}/${action}`, { as, key: api.key(), body });
  expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
};

let withPhoto: string;
let uploaded: PhotoAnswer;

beforeAll(async () => {
  await api.start();
  withPhoto = await api.file(principals.clinic);
  uploaded = await put(withPhoto, aJpegWithMetadata());
}, 120_000);

afterAll(() => api.stop());

describe('PUT /v1/cases/{caseId}/photo', () => {
  it("stores the photo and points the case's record at it, with who changed it and when", () => {
    expect(uploaded.status).toBe(200);
    expect(uploaded.body.report.person.photoRef).toBe(`photo:sha256:${sha256(clean)}`);
    expect(uploaded.body.corrections.at(-1)).toMatchObject({
      field: 'person',
      person: { photoRef: `photo:sha256:${sha256(clean)}` },
      by: { id: principals.clinic.sub, role: 'clinic' },
    });
  });

  it('answers a retry with the same key and bytes as the first, and records the change once', async () => {
    const caseId = await api.file(principals.clinic);
    const key = api.key();
    const first = await put(caseId, aJpegWithMetadata(), { key });
    const retry = await put(caseId, aJpegWithMetadata(), { key });

    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.body.corrections).toHaveLength(1);
    expect(await storedPhotos(caseId)).toHaveLength(1);
  });

  it('refuses the same key with other bytes: 422, as for any reused key', async () => {
    const caseId = await api.file(principals.clinic);
    const key = api.key();
    await put(caseId, aJpegWithMetadata(), { key });
    const other = await put(caseId, aPngWithMetadata(), { key, type: 'image/png' });

    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual([expect.objectContaining({ path: 'header.idempotency-key' })]);
  });

  it('replaces the photo: the case shows the new one, and the one it replaced is erased', async () => {
    const caseId = await api.file(principals.clinic);
    await put(caseId, aJpegWithMetadata());
    const png = await put(caseId, aPngWithMetadata(), { type: 'image/png' });

    expect(png.status).toBe(200);
    const shown = await get(caseId, principals.police);
    expect(shown.type).toBe('image/png');
    expect(png.body.report.person.photoRef).toBe(`photo:sha256:${sha256(shown.bytes)}`);
    expect((await storedPhotos(caseId)).map((p) => p.sha256)).toEqual([sha256(shown.bytes)]);
  });

  it('refuses a photo over the size limit with 413 saying the limit, and stores nothing', async () => {
    const caseId = await api.file(principals.clinic);
    const huge = Buffer.concat([aJpegWithMetadata(), Buffer.alloc(DEFAULT_PHOTO_MAX_BYTES)]);

    const res = await put(caseId, huge);

    expect(res.status).toBe(413);
    expect(res.type).toContain('application/problem+json');
    expect(res.body.detail).toContain(String(DEFAULT_PHOTO_MAX_BYTES));
    expect(res.body.limitBytes).toBe(DEFAULT_PHOTO_MAX_BYTES);
    expect(await storedPhotos(caseId)).toEqual([]);
  });

  it('refuses any type but JPEG and PNG with 415 naming the type sent', async () => {
    const gif = await put(withPhoto, Buffer.from('GIF89a'), { type: 'image/gif' });
    const json = await put(withPhoto, Buffer.from('{"photo":"x"}'), { type: 'application/json' });

    expect(gif.status).toBe(415);
    expect(gif.type).toContain('application/problem+json');
    expect(gif.body.detail).toContain('image/gif');
    expect(json.status).toBe(415);
    expect(json.body.detail).toContain('application/json');
  });

  it('refuses with 422 naming the photo a PNG sent as a JPEG, and a JPEG cut short', async () => {
    const caseId = await api.file(principals.clinic);
    const mislabelled = await put(caseId, aPngWithMetadata(), { type: 'image/jpeg' });
    const cut = await put(caseId, aJpegWithMetadata().subarray(0, 300));

    expect(mislabelled.status).toBe(422);
    expect(mislabelled.body.errors).toEqual([
      { path: 'photo', message: 'is a PNG, not the declared image/jpeg' },
    ]);
    expect(cut.status).toBe(422);
    expect(cut.body.errors).toEqual([{ path: 'photo', message: expect.stringMatching(/runs past the end/) }]);
    expect(await storedPhotos(caseId)).toEqual([]);
  });

  it("lets only the filing clinic put it: 404 outside the case's tenant, 403 for police", async () => {
    const statuses = {
      otherClinic: (
        await put(withPhoto, aPngWithMetadata(), { as: principals.otherClinic, type: 'image/png' })
      ).status,
      otherPolice: (
        await put(withPhoto, aPngWithMetadata(), { as: principals.otherPolice, type: 'image/png' })
      ).status,
      police: (await put(withPhoto, aPngWithMetadata(), { as: principals.police, type: 'image/png' })).status,
      supervisor: (await put(withPhoto, aPngWithMetadata(), { as: principals.supervisor, type: 'image/png' }))
        .status,
    };

    expect(statuses).toEqual({ otherClinic: 404, otherPolice: 404, police: 403, supervisor: 403 });
    expect((await storedPhotos(withPhoto)).map((p) => p.sha256)).toEqual([sha256(clean)]);
  });

  it('refuses a photo for a closed case with 409, and keeps nothing of it', async () => {
    const caseId = await api.file(principals.clinic);
    await step(caseId, 'withdraw', principals.clinic, exampleBody('case.withdraw'));

    const res = await put(caseId, aJpegWithMetadata());

    expect(res.status).toBe(409);
    expect(await storedPhotos(caseId)).toEqual([]);
  });
});

describe('GET /v1/cases/{caseId}/photo', () => {
  it('serves the photo without its metadata to police and the filing clinic, never to be cached', async () => {
    for (const as of [principals.police, principals.supervisor, principals.clinic]) {
      const res = await get(withPhoto, as);
      expect(res.status, as.role).toBe(200);
      expect(res.type).toBe('image/jpeg');
      expect(res.cacheControl).toBe('no-store');
      expect(res.bytes.equals(clean)).toBe(true);
      expect(metadataIn(res.bytes)).toEqual([]);
    }
  });

  it('serves a PNG without its eXIf and text chunks', async () => {
    const caseId = await api.file(principals.clinic);
    await put(caseId, aPngWithMetadata(), { type: 'image/png' });

    const res = await get(caseId, principals.police);

    expect(res.type).toBe('image/png');
    expect(metadataIn(res.bytes)).toEqual([]);
    expect(res.bytes.includes(pngParts.idat)).toBe(true);
  });

  it('serves it to an ambulance crew once it has a transport task on the case, and before that to no crew', async () => {
    const caseId = await api.file(principals.clinic);
    await put(caseId, aJpegWithMetadata());
    expect((await get(caseId, principals.ambulance)).status).toBe(404);

    await step(caseId, 'acknowledge', principals.police, exampleBody('police.acknowledge'));
    await step(caseId, 'located', principals.police, exampleBody('case.record_located'));
    await step(caseId, 'transport', principals.police, {
      mode: 'ambulance',
      pickup: 'Station Assen',
      destination: 'De Linde, GGZ Noord',
    });
    const res = await get(caseId, principals.ambulance);

    expect(res.status).toBe(200);
    expect(res.bytes.equals(clean)).toBe(true);
  });

  it('refuses the crisis service with 403, even on a case it has a task on', async () => {
    // A missing person whose title lapsed before filing: once police record the find, the crisis service
    // assesses them.
    const caseId = await api.file(principals.clinic, {
      kind: { unauthorisedAbsence: false, missing: true },
      legalTitle: { kind: 'zorgmachtiging', startsOn: '2026-01-01', endsOn: '2026-02-01' },
    });
    await put(caseId, aJpegWithMetadata());
    await step(caseId, 'located', principals.police, exampleBody('case.record_located'));
    expect((await api.call('GET', `/v1/cases/${caseId}`, { as: principals.crisisService })).status).toBe(200);

    const res = await get(caseId, principals.crisisService);

    expect(res.status).toBe(403);
    expect(res.bytes.includes(jpegParts.dqt)).toBe(false);
  });

  it("is 404 outside the case's tenant, and for a case without a photo", async () => {
    const without = await api.file(principals.clinic);

    expect((await get(withPhoto, principals.otherClinic)).status).toBe(404);
    expect((await get(withPhoto, principals.otherPolice)).status).toBe(404);
    expect((await get(without, principals.police)).status).toBe(404);
  });

  it('keeps each read in the access log as a read of the photo, apart from reads of the case', async () => {
    const caseId = await api.file(principals.clinic);
    await put(caseId, aJpegWithMetadata());
    await get(caseId, principals.police);
    await api.call('GET', `/v1/cases/${caseId}`, { as: principals.police });

    const log = await api.call('GET', `/v1/access-records?caseId=${caseId}`, { as: principals.supervisor });

    expect(
      log.body.items.map((r: { resource: string; by: { id: string }; view: string }) => [
        r.resource,
        r.by.id,
        r.view,
      ]),
    ).toEqual([
      ['photo', principals.police.sub, 'police_desk'],
      ['case', principals.police.sub, 'police_desk'],
    ]);
  });
});

describe('the photo in the API description', () => {
  it('documents both methods with binary image bodies', async () => {
    const { body } = await api.call('GET', '/openapi.json');
    const path = body.paths['/v1/cases/{caseId}/photo'];

    expect(Object.keys(path.put.requestBody.content)).toEqual(['image/jpeg', 'image/png']);
    expect(path.put.requestBody.content['image/png'].schema).toEqual({ type: 'string', format: 'binary' });
    expect(Object.keys(path.put.responses)).toEqual(
      expect.arrayContaining(['200', '403', '404', '409', '413', '415', '422']),
    );
    expect(Object.keys(path.get.responses['200'].content)).toEqual(['image/jpeg', 'image/png']);
  });

  it('answers 405 naming PUT and GET to another method', async () => {
    const res = await fetch(`${api.base}/v1/cases/${withPhoto}/photo`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await api.token(principals.clinic)}` },
    });

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('PUT, GET, HEAD');
  });
});

describe('what the records store keeps of a photo', () => {
  it('seals it: the raw column holds neither the image nor its metadata, and opens to the stripped image', async () => {
    const [row] = await storedPhotos(withPhoto);

    expect(row).toMatchObject({
      sha256: sha256(clean),
      content_type: 'image/jpeg',
      byte_size: clean.length,
      uploaded_by_role: 'clinic',
    });
    const sealed = Buffer.from(row!.sealed);
    expect(sealed.includes(clean)).toBe(false);
    expect(sealed.includes(jpegParts.dqt)).toBe(false);
    expect(sealed.includes(jpegParts.scan)).toBe(false);
    expect(metadataIn(sealed)).toEqual([]);
    const opened = await api.records.photos.get(withPhoto, sha256(clean));
    expect(opened?.bytes.equals(clean)).toBe(true);
  });
});
