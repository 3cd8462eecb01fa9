import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import type { CommandType, Role } from '../../machines/case.events';
import { ApiHarness, caseIdsOf, type Answer } from '../support/api-harness';
import { exampleBody } from '../support/action-examples';

/** One user of each role inside the case's tenant (ggz-noord, noord-nl), and one outside it. */
const own: Record<Role, Principal> = {
  clinic: { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' },
  police_desk: { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' },
  police_supervisor: { sub: 'chief.noord', role: 'police_supervisor', region: 'noord-nl' },
  ambulance: { sub: 'rav.noord', role: 'ambulance', region: 'noord-nl' },
};
const outside: Record<Role, Principal> = {
  clinic: { sub: 'clinician.oost', role: 'clinic', institutionId: 'ggz-oost' },
  police_desk: { sub: 'desk.zuid', role: 'police_desk', region: 'zuid-nl' },
  police_supervisor: { sub: 'chief.zuid', role: 'police_supervisor', region: 'zuid-nl' },
  ambulance: { sub: 'rav.zuid', role: 'ambulance', region: 'zuid-nl' },
};
const roles = Object.keys(own) as Role[];
const police: Role[] = ['police_desk', 'police_supervisor'];
const anyone = roles;

/**
 * The specification: which roles may use each case endpoint. Everyone else in the tenant gets 403;
 * everyone outside it gets 404, whatever their role.
 */
const endpoints: {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  command?: CommandType;
  body?: object;
  roles: Role[];
}[] = [
  { name: 'read the case', method: 'GET', path: '', roles: anyone },
  { name: 'read the timeline', method: 'GET', path: '/timeline', roles: ['clinic', ...police] },
  {
    name: 'internal-search-done',
    method: 'POST',
    path: '/internal-search-done',
    command: 'clinic.internal_search_done',
    roles: ['clinic'],
  },
  { name: 'acknowledge', method: 'POST', path: '/acknowledge', command: 'police.acknowledge', roles: police },
  { name: 'reject', method: 'POST', path: '/reject', command: 'police.reject', roles: police },
  { name: 'review-risk', method: 'POST', path: '/review-risk', command: 'police.review_risk', roles: police },
  {
    name: 'information',
    method: 'POST',
    path: '/information',
    command: 'case.add_information',
    roles: ['clinic', ...police],
  },
  {
    name: 'sightings',
    method: 'POST',
    path: '/sightings',
    command: 'case.record_sighting',
    roles: ['clinic', ...police],
  },
  {
    name: 'last-seen',
    method: 'POST',
    path: '/last-seen',
    command: 'clinic.update_last_seen',
    roles: ['clinic'],
  },
  {
    name: 'located',
    method: 'POST',
    path: '/located',
    command: 'case.record_located',
    roles: ['clinic', ...police],
  },
  {
    name: 'transport',
    method: 'POST',
    path: '/transport',
    command: 'transport.arrange',
    roles: ['ambulance', 'clinic', ...police],
  },
  {
    name: 'confirm-return',
    method: 'POST',
    path: '/confirm-return',
    command: 'clinic.confirm_return',
    roles: ['clinic'],
  },
  {
    name: 'debrief',
    method: 'POST',
    path: '/debrief',
    command: 'clinic.complete_debrief',
    roles: ['clinic'],
  },
  {
    name: 'legal-title',
    method: 'POST',
    path: '/legal-title',
    command: 'clinic.update_title',
    roles: ['clinic'],
  },
  {
    name: 'decide-after-expiry',
    method: 'POST',
    path: '/decide-after-expiry',
    command: 'police.decide_after_expiry',
    roles: police,
  },
  {
    name: 'public-appeal',
    method: 'POST',
    path: '/public-appeal',
    command: 'case.public_appeal',
    roles: police,
  },
  {
    name: 'complete-task',
    method: 'POST',
    path: '/complete-task',
    body: { task: 'transport_patient' },
    roles: ['ambulance', ...police],
  },
  { name: 'transfer', method: 'POST', path: '/transfer', command: 'police.transfer', roles: police },
  { name: 'close', method: 'POST', path: '/close', command: 'case.close', roles: ['clinic', ...police] },
  { name: 'withdraw', method: 'POST', path: '/withdraw', command: 'case.withdraw', roles: ['clinic'] },
  { name: 'claim a task', method: 'POST', path: '/tasks/transport_patient/claim', body: {}, roles: anyone },
  {
    name: 'release a task',
    method: 'POST',
    path: '/tasks/transport_patient/release',
    body: {},
    roles: anyone,
  },
  {
    name: "complete the crew's task",
    method: 'POST',
    path: '/tasks/transport_patient/complete',
    body: {},
    roles: ['ambulance', ...police],
  },
  {
    name: 'complete the arrival task',
    method: 'POST',
    path: '/tasks/confirm_arrival/complete',
    body: {},
    roles: ['clinic'],
  },
];

const api = new ApiHarness('authz-matrix-test');

/** A case of ggz-noord in noord-nl, in transport by ambulance: every role has a reason to see it. */
async function caseInTransport(): Promise<string> {
  const caseId = await api.file(own.clinic);
  for (const [path, body] of [
    ['acknowledge', exampleBody('police.acknowledge')],
    ['located', exampleBody('case.record_located')],
    ['transport', { mode: 'ambulance' }],
  ] as const) {
    const res = await api.call('POST', `/v1/cases/${caseId}/${path}`, {
      as: own.police_desk,
      key: api.key(),
      body,
    });
    expect(res.status, path).toBe(200);
  }
  return caseId;
}

const send = (endpoint: (typeof endpoints)[number], caseId: string, as: Principal): Promise<Answer> =>
  api.call(endpoint.method, `/v1/cases/${caseId}${endpoint.path}`, {
    as,
    ...(endpoint.method === 'POST' && {
      key: api.key(),
      body: endpoint.body ?? exampleBody(endpoint.command!),
    }),
  });

beforeAll(() => api.start());
afterAll(() => api.stop());

describe('authorisation: role × endpoint × tenant', () => {
  it.each(endpoints.map((e) => [e.name, e] as const))(
    '%s: 404 outside the tenant, 403 for other roles, the workflow decides for the allowed ones',
    async (_name, endpoint) => {
      const caseId = await caseInTransport();
      const seen: Record<string, number> = {};
      for (const role of roles)
        seen[`outside ${role}`] = (await send(endpoint, caseId, outside[role])).status;
      const forbidden = roles.filter((role) => !endpoint.roles.includes(role));
      for (const role of forbidden) seen[role] = (await send(endpoint, caseId, own[role])).status;
      // Allowed roles go last, the crew first among them: their actions may move the case on.
      const allowed = [...endpoint.roles].sort((a) => (a === 'ambulance' ? -1 : 0));
      for (const role of allowed) {
        const res = await send(endpoint, caseId, own[role]);
        seen[role] = res.status;
        if (res.status === 409)
          expect(res.body.caseStatus, `${role}: a refusal by the machine`).toEqual(expect.any(String));
      }
      const expected = Object.fromEntries([
        ...roles.map((role) => [`outside ${role}`, 404]),
        ...forbidden.map((role) => [role, 403]),
        ...allowed.map((role) => [role, seen[role] === 409 ? 409 : 200]),
      ]);
      expect(seen).toEqual(expected);
    },
  );

  it('hides a case from an ambulance crew of its own region until the crew has a task on it', async () => {
    const caseId = await api.file(own.clinic);
    expect((await api.call('GET', `/v1/cases/${caseId}`, { as: own.ambulance })).status).toBe(404);
    const res = await api.call('POST', `/v1/cases/${caseId}/transport`, {
      as: own.ambulance,
      key: api.key(),
      body: { mode: 'ambulance' },
    });
    expect(res.status).toBe(404);
  });

  it('moves a transferred case to its new region: the old desk loses it, the new one gets it', async () => {
    const caseId = await api.file(own.clinic);
    await api.call('POST', `/v1/cases/${caseId}/acknowledge`, {
      as: own.police_desk,
      key: api.key(),
      body: exampleBody('police.acknowledge'),
    });
    const moved = await api.call('POST', `/v1/cases/${caseId}/transfer`, {
      as: own.police_desk,
      key: api.key(),
      body: { toRegion: 'zuid-nl' },
    });
    expect(moved.status).toBe(200);
    expect((await api.call('GET', `/v1/cases/${caseId}`, { as: own.police_desk })).status).toBe(404);
    expect((await api.call('GET', `/v1/cases/${caseId}`, { as: outside.police_desk })).status).toBe(200);
    expect((await api.call('GET', `/v1/cases/${caseId}`, { as: own.clinic })).status).toBe(200);
  });

  it('lets only a clinic file, and only for its own institution', async () => {
    const report = (await import('../support/fixtures')).aReport({ reportId: 'matrix-file-1' });
    const statuses = Object.fromEntries(
      await Promise.all(
        [...roles.map((r) => [r, own[r]] as const), ['outside clinic', outside.clinic] as const].map(
          async ([name, as]) => [name, (await api.call('POST', '/v1/cases', { as, body: report })).status],
        ),
      ),
    );
    expect(statuses).toEqual({
      clinic: 201,
      police_desk: 403,
      police_supervisor: 403,
      ambulance: 403,
      'outside clinic': 403,
    });
  });

  it("lists in each inbox only the tasks of the caller's tenant", async () => {
    const caseId = await caseInTransport();
    for (const role of roles) {
      await expect
        .poll(async () => caseIdsOf(await api.call('GET', '/v1/tasks?limit=200', { as: own[role] })), {
          timeout: 15_000,
          interval: 200,
        })
        .toContain(caseId);
      const theirs = await api.call('GET', '/v1/tasks?limit=200', { as: outside[role] });
      expect(theirs.status).toBe(200);
      expect(caseIdsOf(theirs), `outside ${role}`).not.toContain(caseId);
    }
  });

  it('gives access records to supervisors only, each their own region', async () => {
    const statuses = await Promise.all(
      roles.map(async (role) => (await api.call('GET', '/v1/access-records', { as: own[role] })).status),
    );
    expect(statuses).toEqual([403, 403, 200, 403]);
  });
});

describe('per-party views', () => {
  it('never sends police a clinical field, on any endpoint that answers a case', async () => {
    const caseId = await caseInTransport();
    const reported = await api.file(own.clinic);
    const answers = [
      await api.call('GET', `/v1/cases/${caseId}`, { as: own.police_desk }),
      await api.call('GET', `/v1/cases/${caseId}`, { as: own.police_supervisor }),
      await api.call('POST', `/v1/cases/${reported}/tasks/acknowledge_report/claim`, {
        as: own.police_desk,
        key: api.key(),
        body: {},
      }),
      await api.call('GET', `/v1/cases/${caseId}/timeline`, { as: own.police_desk }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      const text = JSON.stringify(answer.body);
      expect(text).not.toContain('"clinical"');
      expect(text).not.toContain('schizophrenia');
      expect(text).not.toContain('clozapine');
    }
  });

  it('gives the ambulance crew only what transport needs', async () => {
    const caseId = await caseInTransport();
    const res = await api.call('GET', `/v1/cases/${caseId}`, { as: own.ambulance });
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'caseId',
        'clinicContact',
        'deliveries',
        'institutionId',
        'legal',
        'locatedAt',
        'person',
        'region',
        'risk',
        'riskFactors',
        'status',
        'tasks',
        'transportMode',
        'urgent',
      ].sort(),
    );
    expect(res.body.person).not.toHaveProperty('phone');
  });
});
