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
  crisis_service: { sub: 'crisis.noord', role: 'crisis_service', region: 'noord-nl' },
};
const outside: Record<Role, Principal> = {
  clinic: { sub: 'clinician.oost', role: 'clinic', institutionId: 'ggz-oost' },
  police_desk: { sub: 'desk.zuid', role: 'police_desk', region: 'zuid-nl' },
  police_supervisor: { sub: 'chief.zuid', role: 'police_supervisor', region: 'zuid-nl' },
  ambulance: { sub: 'rav.zuid', role: 'ambulance', region: 'zuid-nl' },
  crisis_service: { sub: 'crisis.zuid', role: 'crisis_service', region: 'zuid-nl' },
};
const roles = Object.keys(own) as Role[];
const police: Role[] = ['police_desk', 'police_supervisor'];
const anyone = roles;

/** The case states the matrix visits, each reached by the same steps every time. */
const states = ['reported', 'searching', 'located', 'inTransport', 'closed'] as const;
type State = (typeof states)[number];
const open: State[] = ['reported', 'searching', 'located', 'inTransport'];

/**
 * The specification: for each case endpoint, the roles that may use it at all, and in which states it
 * succeeds for whom. Everyone outside the tenant gets 404 (as does a crew without a task on the case);
 * a role that may never use it gets 403; an allowed role gets 200 where `ok` says so, and 409 elsewhere.
 */
type Endpoint = {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  command?: CommandType;
  body?: object;
  roles: Role[];
  ok: Partial<Record<State, Role[]>>;
};
const everywhere = (who: Role[], where: readonly State[] = states) =>
  Object.fromEntries(where.map((state) => [state, who]));

const endpoints: Endpoint[] = [
  { name: 'read the case', method: 'GET', path: '', roles: anyone, ok: everywhere(anyone) },
  {
    name: 'read the timeline',
    method: 'GET',
    path: '/timeline',
    roles: ['clinic', ...police],
    ok: everywhere(['clinic', ...police]),
  },
  {
    name: 'internal-search-done',
    method: 'POST',
    path: '/internal-search-done',
    command: 'clinic.internal_search_done',
    roles: ['clinic'],
    ok: {},
  },
  {
    name: 'acknowledge',
    method: 'POST',
    path: '/acknowledge',
    command: 'police.acknowledge',
    roles: police,
    ok: { reported: police },
  },
  {
    name: 'reject',
    method: 'POST',
    path: '/reject',
    command: 'police.reject',
    roles: police,
    ok: { reported: police },
  },
  {
    name: 'route-after-rejection',
    method: 'POST',
    path: '/route-after-rejection',
    command: 'clinic.route_after_rejection',
    roles: ['clinic'],
    ok: {},
  },
  {
    name: 'dispute-rejection',
    method: 'POST',
    path: '/dispute-rejection',
    command: 'clinic.dispute_rejection',
    roles: ['clinic'],
    ok: {},
  },
  {
    name: 'review-rejection',
    method: 'POST',
    path: '/review-rejection',
    command: 'police.review_rejection',
    roles: ['police_supervisor'],
    ok: {},
  },
  {
    name: 'review-risk',
    method: 'POST',
    path: '/review-risk',
    command: 'police.review_risk',
    roles: police,
    ok: { searching: police },
  },
  {
    name: 'information',
    method: 'POST',
    path: '/information',
    command: 'case.add_information',
    roles: ['clinic', ...police],
    ok: { searching: ['clinic', ...police] },
  },
  {
    name: 'sightings',
    method: 'POST',
    path: '/sightings',
    command: 'case.record_sighting',
    roles: ['clinic', ...police],
    ok: { searching: ['clinic', ...police] },
  },
  {
    name: 'last-seen',
    method: 'POST',
    path: '/last-seen',
    command: 'clinic.update_last_seen',
    roles: ['clinic'],
    ok: everywhere(['clinic'], open),
  },
  {
    name: 'alert',
    method: 'POST',
    path: '/alert',
    command: 'police.place_alert',
    roles: police,
    ok: { searching: police },
  },
  {
    name: 'located',
    method: 'POST',
    path: '/located',
    command: 'case.record_located',
    roles: ['clinic', ...police],
    ok: { searching: ['clinic', ...police] },
  },
  {
    name: 'transport',
    method: 'POST',
    path: '/transport',
    command: 'transport.arrange',
    roles: ['ambulance', 'clinic', ...police],
    ok: { located: ['clinic', ...police] },
  },
  {
    name: 'confirm-return',
    method: 'POST',
    path: '/confirm-return',
    command: 'clinic.confirm_return',
    roles: ['clinic'],
    ok: { located: ['clinic'], inTransport: ['clinic'] },
  },
  {
    name: 'debrief',
    method: 'POST',
    path: '/debrief',
    command: 'clinic.complete_debrief',
    roles: ['clinic'],
    ok: {},
  },
  {
    name: 'follow-up',
    method: 'POST',
    path: '/follow-up',
    command: 'clinic.complete_follow_up',
    roles: ['clinic'],
    ok: {},
  },
  {
    name: 'legal-title',
    method: 'POST',
    path: '/legal-title',
    command: 'clinic.update_title',
    roles: ['clinic'],
    ok: everywhere(['clinic'], open),
  },
  {
    name: 'decide-after-expiry',
    method: 'POST',
    path: '/decide-after-expiry',
    command: 'police.decide_after_expiry',
    roles: police,
    ok: {},
  },
  {
    name: 'crisis-assessment',
    method: 'POST',
    path: '/crisis-assessment',
    command: 'crisis.record_assessment',
    roles: ['crisis_service'],
    ok: {},
  },
  {
    name: 'public-appeal',
    method: 'POST',
    path: '/public-appeal',
    command: 'case.public_appeal',
    roles: police,
    ok: everywhere(police, open),
  },
  {
    name: 'complete-task',
    method: 'POST',
    path: '/complete-task',
    body: { task: 'transport_patient' },
    roles: ['ambulance', ...police],
    ok: { inTransport: ['ambulance', ...police] },
  },
  {
    name: 'transfer',
    method: 'POST',
    path: '/transfer',
    command: 'police.transfer',
    roles: police,
    ok: { searching: police },
  },
  {
    name: 'close',
    method: 'POST',
    path: '/close',
    command: 'case.close',
    roles: ['clinic', ...police],
    ok: everywhere(['clinic', ...police], open),
  },
  {
    name: 'withdraw',
    method: 'POST',
    path: '/withdraw',
    command: 'case.withdraw',
    roles: ['clinic'],
    ok: everywhere(['clinic'], open),
  },
  {
    name: "claim the crew's task",
    method: 'POST',
    path: '/tasks/transport_patient/claim',
    body: {},
    roles: anyone,
    ok: { inTransport: ['ambulance'] },
  },
  {
    name: 'release a task nobody holds',
    method: 'POST',
    path: '/tasks/transport_patient/release',
    body: {},
    roles: anyone,
    ok: {},
  },
  {
    name: 'reassign the transport task',
    method: 'POST',
    path: '/tasks/arrange_transport/reassign',
    body: { to: { id: 'desk.noord.2', role: 'police_desk' } },
    roles: ['police_supervisor'],
    ok: { located: ['police_supervisor'] },
  },
  {
    name: "complete the crew's task",
    method: 'POST',
    path: '/tasks/transport_patient/complete',
    body: {},
    roles: ['ambulance', ...police],
    ok: { inTransport: ['ambulance', ...police] },
  },
  {
    name: 'complete the arrival task',
    method: 'POST',
    path: '/tasks/confirm_arrival/complete',
    body: {},
    roles: ['clinic'],
    ok: { inTransport: ['clinic'] },
  },
];

const api = new ApiHarness('authz-matrix-test');

/** The steps from a filed report to each state the matrix visits. */
const stepsTo: Record<State, [string, object][]> = {
  reported: [],
  searching: [['acknowledge', exampleBody('police.acknowledge')]],
  located: [
    ['acknowledge', exampleBody('police.acknowledge')],
    ['located', exampleBody('case.record_located')],
  ],
  inTransport: [
    ['acknowledge', exampleBody('police.acknowledge')],
    ['located', exampleBody('case.record_located')],
    ['transport', { mode: 'ambulance', pickup: 'Station Assen', destination: 'De Linde, GGZ Noord' }],
  ],
  closed: [['withdraw', { reason: 'back on the ward' }]],
};

/** A case of ggz-noord in noord-nl, brought to `state` by a police desk officer (a clinician closes it). */
async function caseIn(state: State): Promise<string> {
  const caseId = await api.file(own.clinic);
  for (const [path, body] of stepsTo[state]) {
    const as = path === 'withdraw' ? own.clinic : own.police_desk;
    const res = await api.call('POST', `/v1/cases/${caseId}/${path}`, { as, key: api.key(), body });
    expect(res.status, `${state}: ${path}`).toBe(200);
  }
  return caseId;
}

/** A case in transport by ambulance: every role has a reason to see it. */
const caseInTransport = () => caseIn('inTransport');

const send = (endpoint: Endpoint, caseId: string, as: Principal): Promise<Answer> =>
  api.call(endpoint.method, `/v1/cases/${caseId}${endpoint.path}`, {
    as,
    ...(endpoint.method === 'POST' && {
      key: api.key(),
      body: endpoint.body ?? exampleBody(endpoint.command!),
    }),
  });

/**
 * A crew sees a case only while it has a task on it: here, only in transport by ambulance. The crisis
 * service has a task only after a lapsed title, in none of these states (its own spec is crisis.api).
 */
const sees = (role: Role, state: State) =>
  role === 'ambulance' ? state === 'inTransport' : role !== 'crisis_service';

/** What the specification says each caller gets, for one endpoint in one state. */
function expected(endpoint: Endpoint, state: State): Record<string, number> {
  const rows: [string, number][] = roles.map((role) => [`outside ${role}`, 404]);
  for (const role of roles) {
    if (!sees(role, state)) rows.push([role, 404]);
    else if (!endpoint.roles.includes(role)) rows.push([role, 403]);
    else rows.push([role, endpoint.ok[state]?.includes(role) ? 200 : 409]);
  }
  return Object.fromEntries(rows);
}

beforeAll(() => api.start());
afterAll(() => api.stop());

describe('authorisation: role × endpoint × case state × tenant', () => {
  it.each(endpoints.map((e) => [e.name, e] as const))(
    '%s: the exact status for every caller in every state',
    async (_name, endpoint) => {
      const seen = await Promise.all(
        states.map(async (state) => {
          const spec = expected(endpoint, state);
          // Callers the case refuses go first, on one case; each success then gets a case of its own,
          // because a success may move the case on.
          const caseId = await caseIn(state);
          const got: Record<string, number> = {};
          for (const role of roles)
            got[`outside ${role}`] = (await send(endpoint, caseId, outside[role])).status;
          for (const role of roles.filter((r) => spec[r] !== 200))
            got[role] = (await send(endpoint, caseId, own[role])).status;
          const succeeding = roles.filter((role) => spec[role] === 200);
          for (const [i, role] of succeeding.entries()) {
            const target = i === 0 ? caseId : await caseIn(state);
            got[role] = (await send(endpoint, target, own[role])).status;
          }
          return [state, { got, spec }] as const;
        }),
      );
      const answers = Object.fromEntries(seen.map(([state, { got }]) => [state, got]));
      const specified = Object.fromEntries(seen.map(([state, { spec }]) => [state, spec]));
      expect(answers).toEqual(specified);
    },
  );

  it('answers the feed to every role in its own tenant, and failed deliveries to supervisors only', async () => {
    const statuses = async (path: string) =>
      Object.fromEntries(
        await Promise.all(
          roles.map(async (role) => [role, (await api.call('GET', path, { as: own[role] })).status] as const),
        ),
      );
    expect(await statuses('/v1/feed')).toEqual({
      clinic: 200,
      police_desk: 200,
      police_supervisor: 200,
      ambulance: 200,
      crisis_service: 200,
    });
    expect(await statuses('/v1/deliveries/failed')).toEqual({
      clinic: 403,
      police_desk: 403,
      police_supervisor: 200,
      ambulance: 403,
      crisis_service: 403,
    });
  });

  it('hides a case from an ambulance crew of its own region until the crew has a task on it', async () => {
    const caseId = await api.file(own.clinic);
    expect((await api.call('GET', `/v1/cases/${caseId}`, { as: own.ambulance })).status).toBe(404);
    const res = await api.call('POST', `/v1/cases/${caseId}/transport`, {
      as: own.ambulance,
      key: api.key(),
      body: { mode: 'ambulance', pickup: 'Station Assen', destination: 'De Linde, GGZ Noord' },
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
    const report = (await import('../support/fixtures')).aReportNow({ reportId: 'matrix-file-1' });
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
      crisis_service: 403,
      'outside clinic': 403,
    });
  });

  it("lists in each inbox only the tasks of the caller's tenant", async () => {
    const caseId = await caseInTransport();
    // Every role but the crisis service, which has no task on a case in transport.
    for (const role of roles.filter((r) => r !== 'crisis_service')) {
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

  it("shows a patient profile to its own institution's clinic alone, and lets only clinics keep or list them", async () => {
    const { person, riskFactors, legalTitle, clinicContact, consents } = (
      await import('../support/fixtures')
    ).aReport();
    const profile = { person, riskFactors, legalTitle, clinicContact, consents };
    const keep = (as: Principal) =>
      api.call('POST', '/v1/profiles', {
        as,
        key: api.key(),
        body: { ...profile, patientNumber: `matrix-${api.key()}` },
      });
    const created = await keep(own.clinic);
    expect(created.status).toBe(201);
    const path = `/v1/profiles/${created.body.profileId}`;
    const callers = [
      ...roles.map((role) => [role, own[role]] as const),
      ...roles.map((role) => [`outside ${role}`, outside[role]] as const),
    ];
    const statuses = async (call: (as: Principal) => Promise<Answer>) =>
      Object.fromEntries(
        await Promise.all(callers.map(async ([name, as]) => [name, (await call(as)).status] as const)),
      );
    const onlyOwnClinic = Object.fromEntries(callers.map(([name]) => [name, name === 'clinic' ? 200 : 404]));
    const clinicsOnly = (ok: number) =>
      Object.fromEntries(callers.map(([name, as]) => [name, as.role === 'clinic' ? ok : 403]));

    expect(await statuses((as) => api.call('GET', path, { as }))).toEqual(onlyOwnClinic);
    expect(await statuses((as) => api.call('GET', `${path}/versions`, { as }))).toEqual(onlyOwnClinic);
    expect(await statuses((as) => api.call('GET', '/v1/profiles', { as }))).toEqual(clinicsOnly(200));
    expect(await statuses(keep)).toEqual(clinicsOnly(201));
  });

  it('gives access records to supervisors only, each their own region', async () => {
    const statuses = await Promise.all(
      roles.map(async (role) => (await api.call('GET', '/v1/access-records', { as: own[role] })).status),
    );
    expect(statuses).toEqual([403, 403, 200, 403, 403]);
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
        'timeCriticalNeeds',
        'transport',
        'transportMode',
        'urgent',
      ].sort(),
    );
    expect(res.body.person).not.toHaveProperty('phone');
  });
});
