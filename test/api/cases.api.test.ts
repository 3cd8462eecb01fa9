import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from 'jose';
import { ApiHarness, type CallOptions } from '../support/api-harness';
import { aReportNow } from '../support/fixtures';
import { principals } from '../support/tokens';

const TASK_QUEUE = 'cases-api-test';
const facts = { knownFacts: 'left through the garden at 07:40', source: 'ward nurse' };

describe('cases API over HTTP', () => {
  const stack = new ApiHarness(TASK_QUEUE);
  let idp: ApiHarness['idp'];
  let seq = 0;

  beforeAll(async () => {
    ({ idp } = await stack.start());
  });

  afterAll(() => stack.stop());

  /** The harness's call, naming the caller by the test principals' names. */
  const call = (
    method: string,
    path: string,
    { as, ...opts }: Omit<CallOptions, 'as'> & { as?: keyof typeof principals } = {},
  ) => stack.call(method, path, as ? { ...opts, as: principals[as] } : opts);

  const fileCase = async (overrides: Parameters<typeof aReportNow>[0] = {}) => {
    const res = await call('POST', '/v1/cases', {
      as: 'clinic',
      body: aReportNow({ reportId: `api-${++seq}`, ...overrides }),
    });
    expect(res.status).toBe(201);
    return res.body as { caseId: string };
  };

  describe('filing a report', () => {
    it('refuses a last-seen time in the future, naming lastSeen.at, and files nothing', async () => {
      const inAMonth = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
      const report = aReportNow({ reportId: 'api-future-1' });
      const res = await call('POST', '/v1/cases', {
        as: 'clinic',
        body: { ...report, lastSeen: { ...report.lastSeen, at: inAMonth } },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'body.lastSeen.at', message: 'lies in the future' }]);
      expect((await call('GET', '/v1/cases/case-ggz-noord~api-future-1', { as: 'clinic' })).status).toBe(404);
    });

    it('accepts a last-seen time a minute ahead, within the clock tolerance', async () => {
      const report = aReportNow({ reportId: 'api-future-2' });
      const soon = new Date(Date.now() + 60_000).toISOString();
      const res = await call('POST', '/v1/cases', {
        as: 'clinic',
        body: { ...report, lastSeen: { ...report.lastSeen, at: soon } },
      });
      expect(res.status).toBe(201);
    });

    it('refuses a sighting seen in the future, naming seenAt', async () => {
      const filed = await call('POST', '/v1/cases', {
        as: 'clinic',
        body: aReportNow({ reportId: 'api-future-3' }),
      });
      const res = await call('POST', `/v1/cases/${filed.body.caseId}/sightings`, {
        as: 'clinic',
        key: 'future-sighting-1',
        body: {
          seenAt: new Date(Date.now() + 3600_000).toISOString(),
          place: 'Station Zwolle',
          source: 'public',
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'body.seenAt', message: 'lies in the future' }]);
    });

    it('gives two institutions’ reports distinct cases even when their ids run together', async () => {
      const ggz = { sub: 'clinician.ggz', role: 'clinic' as const, institutionId: 'ggz' };
      const ggzNoord = { sub: 'clinician.ggz-noord', role: 'clinic' as const, institutionId: 'ggz-noord' };
      const first = await stack.call('POST', '/v1/cases', {
        as: ggz,
        body: aReportNow({ institutionId: 'ggz', reportId: 'noord-1' }),
      });
      const second = await stack.call('POST', '/v1/cases', {
        as: ggzNoord,
        body: aReportNow({ institutionId: 'ggz-noord', reportId: '1' }),
      });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(first.body.caseId).not.toBe(second.body.caseId);
    });

    it('opens a case and answers 201 with the clinic view', async () => {
      const res = await call('POST', '/v1/cases', {
        as: 'clinic',
        body: aReportNow({ reportId: 'api-file-1' }),
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ caseId: 'case-ggz-noord~api-file-1', status: 'reported' });
      expect(res.body.report.clinical.diagnosis).toBe('paranoid schizophrenia');
    });

    it('returns the same case with 200 when the same report is filed again', async () => {
      const report = aReportNow({ reportId: 'api-file-2' });
      const first = await call('POST', '/v1/cases', { as: 'clinic', body: report });
      const again = await call('POST', '/v1/cases', { as: 'clinic', body: report });
      expect(again.status).toBe(200);
      expect(again.body.caseId).toBe(first.body.caseId);
      expect(again.body.reportedAt).toBe(first.body.reportedAt);
    });

    it('answers 409 when a report id is reused for a different report', async () => {
      await call('POST', '/v1/cases', { as: 'clinic', body: aReportNow({ reportId: 'api-file-3' }) });
      const res = await call('POST', '/v1/cases', {
        as: 'clinic',
        body: aReportNow({ reportId: 'api-file-3', urgent: true }),
      });
      expect(res.status).toBe(409);
    });

    it('answers 400 naming each wrong field, and opens nothing', async () => {
      const res = await call('POST', '/v1/cases', {
        as: 'clinic',
        body: { ...aReportNow({ reportId: 'api-bad-1' }), urgent: 'yes', person: { name: '' } },
      });
      expect(res.status).toBe(400);
      expect(res.type).toContain('application/problem+json');
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining(['body.urgent', 'body.person.name', 'body.person.dateOfBirth']),
      );
      expect((await call('GET', '/v1/cases/case-ggz-noord~api-bad-1', { as: 'clinic' })).status).toBe(404);
    });

    it('refuses a forensic (TBS) patient with a message that says why', async () => {
      const res = await call('POST', '/v1/cases', {
        as: 'clinic',
        body: { ...aReportNow({ reportId: 'api-tbs' }), forensic: true },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'body.forensic', message: expect.stringContaining('TBS') }]);
    });

    it('refuses an unauthorised absence without a title in force, naming legalTitle, and opens nothing', async () => {
      for (const [reportId, legalTitle] of [
        ['api-no-title', { kind: 'none' }],
        ['api-lapsed-title', { kind: 'crisismaatregel', startsAt: '2026-01-05T14:00:00+01:00' }],
      ] as const) {
        const res = await call('POST', '/v1/cases', {
          as: 'clinic',
          body: aReportNow({ reportId, legalTitle }),
        });
        expect(res.status, reportId).toBe(400);
        expect(res.body.errors).toEqual([
          { path: 'body.legalTitle', message: expect.stringContaining('file it as a missing person') },
        ]);
        expect((await call('GET', `/v1/cases/case-ggz-noord~${reportId}`, { as: 'clinic' })).status).toBe(
          404,
        );
      }
      // The same person as a missing person: taken, without the power to bring them back.
      const missing = await call('POST', '/v1/cases', {
        as: 'clinic',
        body: aReportNow({
          reportId: 'api-missing-no-title',
          kind: { unauthorisedAbsence: false, missing: true },
          legalTitle: { kind: 'none' },
        }),
      });
      expect(missing.status).toBe(201);
      expect(missing.body.legal).toMatchObject({ status: 'no_title', title: 'none', endsAt: null });
    });

    it('refuses a title the law does not allow, saying which rule', async () => {
      const res = await call('POST', '/v1/cases', {
        as: 'clinic',
        body: aReportNow({
          reportId: 'api-long-title',
          legalTitle: {
            kind: 'machtiging_voortzetting_crisismaatregel',
            startsOn: '2026-11-20',
            endsOn: '2027-01-20',
          },
        }),
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        {
          path: 'body.legalTitle.endsOn',
          message: expect.stringContaining('runs three weeks after its date'),
        },
      ]);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await call('POST', '/v1/cases', { as: 'clinic', body: '{"reportId": ' });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('body');
    });

    it('lets a clinic file only for its own institution', async () => {
      const res = await call('POST', '/v1/cases', {
        as: 'otherClinic',
        body: aReportNow({ reportId: 'api-file-4' }),
      });
      expect(res.status).toBe(403);
    });
  });

  describe('authentication', () => {
    it('answers 401 without a token', async () => {
      expect((await call('GET', '/v1/cases/anything')).status).toBe(401);
    });

    it('answers 401 for a token signed by another key', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await idp.sign(principals.police, { key: privateKey });
      expect((await call('GET', '/v1/cases/anything', { token: forged })).status).toBe(401);
    });

    it('answers 401 for a token meant for another audience', async () => {
      const token = await idp.sign(principals.police, { audience: 'another-api' });
      expect((await call('GET', '/v1/cases/anything', { token })).status).toBe(401);
    });
  });

  describe('reading a case', () => {
    it('never shows police the clinical fields', async () => {
      const { caseId } = await fileCase();
      const res = await call('GET', `/v1/cases/${caseId}`, { as: 'police' });
      expect(res.status).toBe(200);
      expect(res.body.report).not.toHaveProperty('clinical');
      expect(JSON.stringify(res.body)).not.toContain('schizophrenia');
    });

    it("answers 404 for a case outside the caller's tenant", async () => {
      const { caseId } = await fileCase();
      expect((await call('GET', `/v1/cases/${caseId}`, { as: 'otherClinic' })).status).toBe(404);
      expect((await call('GET', `/v1/cases/${caseId}`, { as: 'otherPolice' })).status).toBe(404);
    });
  });

  describe('police actions', () => {
    it('acknowledges a case and answers a retry with the same result', async () => {
      const { caseId } = await fileCase();
      const first = await call('POST', `/v1/cases/${caseId}/acknowledge`, {
        as: 'police',
        key: 'ack-key-0001',
        body: { risk: 'high', urgent: true, ...facts },
      });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'search_active', risk: 'high' });
      const retry = await call('POST', `/v1/cases/${caseId}/acknowledge`, {
        as: 'police',
        key: 'ack-key-0001',
        body: { risk: 'high', urgent: true, ...facts },
      });
      expect(retry.status).toBe(200);
      expect(retry.body.acknowledgedAt).toBe(first.body.acknowledgedAt);
    });

    it('answers 409 with the current status when the action does not fit the state', async () => {
      const { caseId } = await fileCase();
      const res = await call('POST', `/v1/cases/${caseId}/confirm-return`, {
        as: 'clinic',
        key: 'return-early-1',
        body: {},
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ status: 409, caseStatus: 'reported' });
    });

    it('answers 400 naming the header when the Idempotency-Key is missing', async () => {
      const { caseId } = await fileCase();
      const res = await call('POST', `/v1/cases/${caseId}/acknowledge`, {
        as: 'police',
        body: { risk: 'low', urgent: false, ...facts },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('header.idempotency-key');
    });

    it('answers 400 naming the field for a bad action body', async () => {
      const { caseId } = await fileCase();
      const res = await call('POST', `/v1/cases/${caseId}/acknowledge`, {
        as: 'police',
        key: 'ack-bad-001',
        body: { risk: 'extreme' },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
        'body.risk',
        'body.urgent',
        'body.knownFacts',
        'body.source',
      ]);
    });

    it('answers 403 when a clinic tries a police action', async () => {
      const { caseId } = await fileCase();
      const res = await call('POST', `/v1/cases/${caseId}/acknowledge`, {
        as: 'clinic',
        key: 'ack-clinic-1',
        body: { risk: 'low', urgent: false, ...facts },
      });
      expect(res.status).toBe(403);
    });

    it('closes a case with an outcome and the workflow completes', async () => {
      const { caseId } = await fileCase();
      await call('POST', `/v1/cases/${caseId}/acknowledge`, {
        as: 'police',
        key: 'ack-close-01',
        body: { risk: 'low', urgent: false, ...facts },
      });
      const res = await call('POST', `/v1/cases/${caseId}/close`, {
        as: 'police',
        key: 'close-key-01',
        body: { outcome: 'found_by_family' },
      });
      expect(res.body).toMatchObject({ status: 'closed', outcome: 'found_by_family' });
      const result = await stack.client.workflow.getHandle(caseId).result();
      expect(result).toEqual({ caseId, status: 'closed', version: expect.any(Number) });
      const retry = await call('POST', `/v1/cases/${caseId}/close`, {
        as: 'police',
        key: 'close-key-01',
        body: { outcome: 'found_by_family' },
      });
      expect(retry.status).toBe(200);
      const other = await call('POST', `/v1/cases/${caseId}/close`, {
        as: 'police',
        key: 'close-key-02',
        body: { outcome: 'arrested' },
      });
      expect(other.status).toBe(409);
    });
  });

  it('lets the clinic withdraw its report', async () => {
    const { caseId } = await fileCase();
    const res = await call('POST', `/v1/cases/${caseId}/withdraw`, {
      as: 'clinic',
      key: 'withdraw-01',
      body: { reason: 'found on the ward' },
    });
    expect(res.body).toMatchObject({ status: 'closed', outcome: 'withdrawn' });
  });

  it('publishes cases to Temporal visibility by region and state, without personal data', async () => {
    const { caseId } = await fileCase({ region: 'visibility-nl' });
    await expect
      .poll(
        async () => {
          const ids: string[] = [];
          for await (const wf of stack.client.workflow.list({
            query: `VermistRegion = "visibility-nl" AND VermistState = "reported"`,
          })) {
            ids.push(wf.workflowId);
          }
          return ids;
        },
        { timeout: 10_000 },
      )
      .toEqual([caseId]);
  });

  it('serves an OpenAPI 3.1 document generated from the schemas', async () => {
    const res = await call('GET', '/openapi.json');
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/v1/cases', '/v1/cases/{caseId}', '/v1/cases/{caseId}/acknowledge']),
    );
    expect(
      res.body.paths['/v1/cases'].post.requestBody.content['application/json'].schema.required,
    ).toContain('person');
  });

  it('answers /healthz without a token', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
  });
});
