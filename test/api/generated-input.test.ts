import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { caseActions } from '../../api/case-actions';
import { TaskKindSchema } from '../../machines/case.events';
import { ApiHarness } from '../support/api-harness';
import { exampleBody } from '../support/action-examples';
import { aReportNow } from '../support/fixtures';
import { aKeptProfile, aPatientNumber, theFacts } from '../support/profiles';

const api = new ApiHarness('generated-input-test');
const people: Principal[] = [
  { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' },
  { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' },
  { sub: 'chief.noord', role: 'police_supervisor', region: 'noord-nl' },
  { sub: 'rav.noord', role: 'ambulance', region: 'noord-nl' },
];
let caseId = '';
/** A profile of the clinic, and one that generated erasure requests may erase. */
let profileId = '';
let erasableId = '';

/** Anything a JSON body can be, and a valid example with one field replaced, added or dropped. */
function bodyFor(example: Record<string, unknown>) {
  const keys = Object.keys(example);
  const mutated = fc
    .tuple(
      keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 12 })) : fc.string(),
      fc.option(fc.jsonValue({ maxDepth: 3 })),
    )
    .map(([key, value]) => {
      const copy: Record<string, unknown> = { ...example };
      if (value === null) delete copy[key];
      else copy[key] = value;
      return copy;
    });
  return fc.oneof(
    { arbitrary: fc.constant(example), weight: 3 },
    { arbitrary: mutated, weight: 4 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
    { arbitrary: fc.string({ maxLength: 60 }).map((raw) => ({ raw })), weight: 1 },
  );
}

// Mostly well-formed callers, keys and case ids, so that most requests get past the edge to the workflow.
/** Printable ASCII (what HTTP headers carry) or nothing. */
const headerValue = fc.oneof(
  { arbitrary: fc.uuid(), weight: 4 },
  { arbitrary: fc.option(fc.stringMatching(/^[\x20-\x7e]{0,140}$/), { nil: undefined }), weight: 1 },
);
const caller = fc.oneof(
  { arbitrary: fc.constantFrom(...people).map((as) => ({ as })), weight: 8 },
  { arbitrary: fc.constant({ token: 'not.a.jwt' }), weight: 1 },
  { arbitrary: fc.constant({}), weight: 1 },
);
const segment = fc.oneof(
  { arbitrary: fc.constant(() => caseId), weight: 4 },
  { arbitrary: fc.string({ minLength: 1, maxLength: 210 }).map((s) => () => s), weight: 1 },
);
const query = fc
  .array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 })), { maxLength: 6 })
  .map((pairs) => new URLSearchParams(pairs).toString());
const sendBody = (body: unknown) =>
  typeof body === 'object' && body !== null && 'raw' in body ? String((body as { raw: string }).raw) : body;

/** Asserts the answer is no 5xx and, for an error, a problem document. */
async function expectNo5xx(method: string, path: string, opts: Parameters<ApiHarness['call']>[2]) {
  const res = await api.call(method, path, opts);
  expect(res.status, `${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`).toBeLessThan(500);
  if (res.status >= 400) expect(res.type).toContain('application/problem+json');
}

const RUNS = 25;

beforeAll(async () => {
  await api.start();
  caseId = await api.file(people[0]!);
  [profileId, erasableId] = [await keptProfile(), await keptProfile()];
});

async function keptProfile(): Promise<string> {
  const res = await api.call('POST', '/v1/profiles', {
    as: people[0]!,
    key: api.key(),
    body: aProfileBody(),
  });
  if (res.status !== 201)
    throw new Error(`creating a profile failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.profileId as string;
}

const today = () => new Date().toISOString().slice(0, 10);
const aProfileBody = () => ({ ...aKeptProfile(today()), patientNumber: aPatientNumber() });
afterAll(() => api.stop());

describe('generated input on every endpoint', () => {
  it('never answers 5xx to POST /v1/cases', async () => {
    const example = aReportNow({ reportId: 'gen-report' }) as unknown as Record<string, unknown>;
    await fc.assert(
      fc.asyncProperty(caller, bodyFor(example), async (who, body) => {
        await expectNo5xx('POST', '/v1/cases', { ...who, body: sendBody(body) });
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('never answers 5xx to GET /v1/cases/{caseId} and its timeline', async () => {
    await fc.assert(
      fc.asyncProperty(caller, segment, fc.constantFrom('', '/timeline'), async (who, id, tail) => {
        await expectNo5xx('GET', `/v1/cases/${encodeURIComponent(id())}${tail}`, who);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(Object.entries(caseActions))(
    'never answers 5xx to POST /v1/cases/{caseId}/%s',
    async (segmentName, action) => {
      await fc.assert(
        fc.asyncProperty(
          caller,
          segment,
          headerValue,
          bodyFor(exampleBody(action.type)),
          async (who, id, key, body) => {
            await expectNo5xx('POST', `/v1/cases/${encodeURIComponent(id())}/${segmentName}`, {
              ...who,
              body: sendBody(body),
              ...(key !== undefined && { key }),
            });
          },
        ),
        { numRuns: RUNS },
      );
    },
  );

  it.each(['claim', 'release', 'complete'])(
    'never answers 5xx to POST /v1/cases/{caseId}/tasks/{task}/%s',
    async (verb) => {
      const task = fc.oneof(
        fc.constantFrom(...TaskKindSchema.options),
        fc.string({ minLength: 1, maxLength: 30 }),
      );
      await fc.assert(
        fc.asyncProperty(
          caller,
          segment,
          task,
          headerValue,
          bodyFor({}),
          async (who, id, name, key, body) => {
            await expectNo5xx(
              'POST',
              `/v1/cases/${encodeURIComponent(id())}/tasks/${encodeURIComponent(name)}/${verb}`,
              {
                ...who,
                body: sendBody(body),
                ...(key !== undefined && { key }),
              },
            );
          },
        ),
        { numRuns: RUNS },
      );
    },
  );

  it.each(['/v1/tasks', '/v1/access-records'])(
    'never answers 5xx to GET %s with generated query strings',
    async (path) => {
      const known = fc
        .record(
          {
            role: fc.constantFrom('clinic', 'police_desk', 'x'),
            state: fc.constantFrom('reported', 'closed', ''),
            risk: fc.constantFrom('high', 'extreme'),
            overdue: fc.constantFrom('true', 'no'),
            assigned: fc.constantFrom('me', 'none', 'you'),
            limit: fc.constantFrom('1', '0', '-3', '1e3', 'abc'),
            cursor: fc.string({ maxLength: 40 }),
            day: fc.constantFrom('2026-11-24', '2026-13-40', 'today'),
            caseId: fc.string({ maxLength: 20 }),
          },
          { requiredKeys: [] },
        )
        .map((params) => new URLSearchParams(params as Record<string, string>).toString());
      await fc.assert(
        fc.asyncProperty(caller, fc.oneof(query, known), async (who, qs) => {
          await expectNo5xx('GET', `${path}?${qs}`, who);
        }),
        { numRuns: RUNS * 2 },
      );
    },
  );
});

describe('generated input on every profile endpoint', () => {
  /** Mostly the kept profile, sometimes anything at all. */
  const profile = (id: () => string) =>
    fc.oneof(
      { arbitrary: fc.constant(id), weight: 4 },
      { arbitrary: fc.string({ minLength: 1, maxLength: 210 }).map((s) => () => s), weight: 1 },
    );
  const ifMatch = fc.option(fc.constantFrom('"1"', '1', 'W/"1"', '*', '"99999999999"', 'x'), {
    nil: undefined,
  });
  const posts: [string, () => string, () => Record<string, unknown>][] = [
    ['/reports', () => profileId, () => theFacts()],
    ['/tasks/repeat_review/complete', () => profileId, () => ({})],
    ['/review', () => profileId, () => ({})],
    ['/discharge', () => profileId, () => ({ dischargedOn: today() })],
    ['/readmission', () => profileId, () => ({})],
    ['/erasure', () => erasableId, () => ({ reason: 'consent_withdrawn' })],
  ];

  it('never answers 5xx to POST /v1/profiles', async () => {
    await fc.assert(
      fc.asyncProperty(caller, headerValue, bodyFor(aProfileBody()), async (who, key, body) => {
        await expectNo5xx('POST', '/v1/profiles', {
          ...who,
          body: sendBody(body),
          ...(key !== undefined && { key }),
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('never answers 5xx to PUT /v1/profiles/{profileId}, whatever its If-Match', async () => {
    const { patientNumber: _number, ...example } = aProfileBody();
    await fc.assert(
      fc.asyncProperty(
        caller,
        profile(() => profileId),
        headerValue,
        ifMatch,
        bodyFor(example),
        async (who, id, key, match, body) => {
          await expectNo5xx('PUT', `/v1/profiles/${encodeURIComponent(id())}`, {
            ...who,
            body: sendBody(body),
            ...(key !== undefined && { key }),
            ...(match !== undefined && { headers: { 'if-match': match } }),
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each(posts)('never answers 5xx to POST /v1/profiles/{profileId}%s', async (tail, id, example) => {
    await fc.assert(
      fc.asyncProperty(
        caller,
        profile(id),
        headerValue,
        ifMatch,
        bodyFor(example()),
        async (who, target, key, match, body) => {
          await expectNo5xx('POST', `/v1/profiles/${encodeURIComponent(target())}${tail}`, {
            ...who,
            body: sendBody(body),
            ...(key !== undefined && { key }),
            ...(match !== undefined && { headers: { 'if-match': match } }),
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each(['', '/versions', '/photo', '/absences'])(
    'never answers 5xx to GET /v1/profiles/{profileId}%s with generated query strings',
    async (tail) => {
      const known = fc
        .record({ days: fc.constantFrom('1', '90', '731', '0', '-1', '1.5', 'abc') }, { requiredKeys: [] })
        .map((params) => new URLSearchParams(params as Record<string, string>).toString());
      await fc.assert(
        fc.asyncProperty(
          caller,
          profile(() => profileId),
          fc.oneof(query, known),
          async (who, id, qs) => {
            await expectNo5xx('GET', `/v1/profiles/${encodeURIComponent(id())}${tail}?${qs}`, who);
          },
        ),
        { numRuns: RUNS },
      );
    },
  );

  it.each(['/v1/profiles', '/v1/profile-tasks', '/v1/ward-rates'])(
    'never answers 5xx to GET %s with generated query strings',
    async (path) => {
      const known = fc
        .record(
          {
            ward: fc.string({ maxLength: 30 }),
            patientNumber: fc.string({ maxLength: 40 }),
            profileId: fc.oneof(fc.constant(profileId), fc.string({ maxLength: 40 })),
            months: fc.constantFrom('1', '12', '36', '37', '0', 'x'),
            limit: fc.constantFrom('1', '0', '-3', '1e3', 'abc'),
            cursor: fc.string({ maxLength: 40 }),
          },
          { requiredKeys: [] },
        )
        .map((params) => new URLSearchParams(params as Record<string, string>).toString());
      await fc.assert(
        fc.asyncProperty(caller, fc.oneof(query, known), async (who, qs) => {
          await expectNo5xx('GET', `${path}?${qs}`, who);
        }),
        { numRuns: RUNS },
      );
    },
  );
});
