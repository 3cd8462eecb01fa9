import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { registerCaseGauges } from '../../api/case-gauges.metrics';
import type { RecordsStore } from '../../records/records.store';
import { openTestRecords } from '../support/records';
import { createCaseClient, type CaseClient } from '../../api/case-client';
import { createApiMetrics, createMetricsApp } from '../../api/metrics';
import { createLogger } from '../../config/log';
import { PolicyDocumentSchema } from '../../machines/policy.schema';
import { CaseReportSchema, type CaseReportInput } from '../../machines/report.schema';
import { installTemporalRuntime } from '../../temporal/runtime';
import { testCaseWorker } from '../support/case-worker';
import { scrape } from '../support/exposition';
import { aReport, clinician, police } from '../support/fixtures';
import { aKeptProfile, aPatientNumber, theFacts } from '../support/profiles';
import { opsTools, type OpsTools } from '../support/ops-tools';
import { freePort } from '../support/ports';
import { PrometheusServer, type PromSample } from '../support/prometheus';
import { bundleCaseWorkflows, startDevServer } from '../support/temporal';
import { principals, testIdentityProvider } from '../support/tokens';
import { WebhookReceiver } from '../support/webhook-receiver';

const TASK_QUEUE = 'dashboards-test';
const DASHBOARDS_DIR = path.join(__dirname, '../../ops/grafana/dashboards');

/** Grafana's range variables, as the dashboard would fill them for a short window around the load. */
const GRAFANA_VARIABLES: Record<string, string> = {
  $__rate_interval: '1m',
  $__range: '10m',
  $__interval: '15s',
};

type Panel = { title: string; type: string; targets?: { expr: string }[] };
const dashboards = readdirSync(DASHBOARDS_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    file,
    panels: (JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as { panels: Panel[] }).panels,
  }));
const panels = dashboards.flatMap(({ file, panels }) =>
  panels.filter((p) => p.type !== 'row').map((panel) => ({ file, panel })),
);

const expand = (expr: string) =>
  Object.entries(GRAFANA_VARIABLES).reduce((text, [name, value]) => text.split(name).join(value), expr);
/** The metric names a query selects: our own, the SDK's, the server's, and Prometheus's `up`. */
const metricsOf = (expr: string) =>
  [...expr.matchAll(/\b(up|(?:vermist|temporal|service|persistence)_[a-z0-9_]+)\b(?=\s*[{[)])/g)].map(
    (m) => m[1]!,
  );

describe('Grafana dashboards against a real Prometheus scraping a loaded system', () => {
  let tools: OpsTools;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let server: Server;
  let cases: CaseClient;
  let records: RecordsStore;
  let prometheus: PrometheusServer;
  let apiUrl: string;
  let metricsServer: Server;
  let apiMetricsUrl: string;
  let workerMetricsUrl: string;
  /** A patient profile the clinic files from: its absences feed the repeat-absence panels. */
  let fromProfile: { profileId: string; version: number };
  const receiver = new WebhookReceiver();

  // Short deadlines, so escalations happen within the test.
  const policy = PolicyDocumentSchema.parse({
    version: 'dashboards-test',
    defaults: {
      ...JSON.parse(readFileSync(path.join(__dirname, '../../config/policy.json'), 'utf8')).defaults,
      acknowledge: { urgent: '1s', ordinary: '2s' },
    },
  });

  beforeAll(async () => {
    tools = opsTools();
    const [workerPort, serverPort] = [await freePort(), await freePort()];
    installTemporalRuntime({ metricsBindAddress: `127.0.0.1:${workerPort}`, log: createLogger('error') });
    workerMetricsUrl = `http://127.0.0.1:${workerPort}/metrics`;
    const [devEnv, bundle, hooks, store] = await Promise.all([
      startDevServer(['--metrics-port', String(serverPort)]),
      bundleCaseWorkflows(),
      receiver.start(),
      openTestRecords(),
    ]);
    env = devEnv;
    records = store;
    const kept = await records.profiles.create({
      institutionId: 'ggz-noord',
      patientNumber: aPatientNumber(),
      profile: aKeptProfile('2026-10-01'),
      by: clinician,
    });
    if (!kept.created) throw new Error('a new patient has no profile yet');
    fromProfile = { profileId: kept.view.profileId, version: kept.view.version };
    worker = await testCaseWorker({
      env,
      bundle,
      taskQueue: TASK_QUEUE,
      webhook: { url: hooks, secret: receiver.secret },
      records,
    });
    running = worker.run();
    cases = createCaseClient({ client: env.client, taskQueue: TASK_QUEUE, policy, records });
    const metrics = createApiMetrics();
    registerCaseGauges(metrics.registry, (now, within) => records.cases.openCaseCounts(now, within));
    const idp = await testIdentityProvider();
    const app = createApp({ cases, records, auth: idp.auth, metrics, log: createLogger('error') });
    metricsServer = createMetricsApp(metrics).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => metricsServer.once('listening', resolve));
    apiMetricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`;
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    prometheus = new PrometheusServer(tools.prometheus, {
      'vermist-api': new URL(apiMetricsUrl).host,
      'vermist-worker': `127.0.0.1:${workerPort}`,
      temporal: `127.0.0.1:${serverPort}`,
    });
    await prometheus.start();

    // Two waves with scrapes between them: counters and histograms then move within Prometheus's window,
    // so rates, increases and quantiles have something to show.
    const clinicToken = await idp.sign(principals.clinic);
    // One delivery retried after a 503 (the activity-failure panel) and one refused for good with a 410 (the
    // notification-failure panel, and an escalation by delivery_failed).
    receiver.script.push(503, 410);
    for (const wave of [1, 2]) {
      await scriptedLoad(wave, clinicToken);
      await prometheus.scrapedTwice();
    }
  }, 240_000);

  afterAll(async () => {
    await prometheus?.stop();
    server?.close();
    metricsServer?.close();
    worker?.shutdown();
    await running;
    await env?.teardown();
    await receiver.stop();
    await records?.database.close();
  });

  let seq = 0;
  /** Files over HTTP as a clinic does; the rest goes through the case client the routes use. */
  async function file(token: string, overrides: Partial<CaseReportInput>) {
    const report = CaseReportSchema.parse(aReport({ reportId: `dash-${++seq}`, ...overrides }));
    const response = await fetch(`${apiUrl}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { caseId: string }).caseId;
  }
  /** Files a report from the profile, as the clinic's "report missing" on its page does. */
  async function fileFromProfile(token: string, overrides: Parameters<typeof theFacts>[0] = {}) {
    const response = await fetch(`${apiUrl}/v1/profiles/${fromProfile.profileId}/reports`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `dashboards-${++seq}`,
      },
      body: JSON.stringify(theFacts(overrides)),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { caseId: string }).caseId;
  }
  const act = (caseId: string, type: Parameters<CaseClient['command']>[1], body: object) =>
    cases.command(caseId, type, { commandId: `${type}-${caseId}`, ...body } as never);

  async function scriptedLoad(wave: number, token: string): Promise<void> {
    const facts = { knownFacts: 'seen near the station', source: 'ward nurse' };
    // Found and brought back by ambulance: every time-to-X.
    const returned = await file(token, { previousAbsences: 1 });
    await act(returned, 'police.acknowledge', { by: police, risk: 'high', urgent: true, ...facts });
    await act(returned, 'case.record_located', { by: police, foundBy: 'police', place: 'station' });
    await act(returned, 'transport.arrange', {
      by: police,
      mode: 'ambulance',
      pickup: 'Station Assen',
      destination: 'De Linde, GGZ Noord',
    });
    await act(returned, 'clinic.confirm_return', { by: clinician });
    await act(returned, 'clinic.complete_debrief', {
      by: clinician,
      safeAndWell: true,
      whatHappened: 'took the train to see his sister',
    });
    // Nobody acknowledges: the deadline passes and the task goes to the supervisor; the case stays open.
    await file(token, { kind: { unauthorisedAbsence: true, missing: true }, urgent: wave === 1 });
    // A missing person whose title had already ended: police decide not to search on.
    const expired = await file(token, {
      kind: { unauthorisedAbsence: false, missing: true },
      legalTitle: { kind: 'crisismaatregel', startsOn: '2026-01-01', endsOn: '2026-01-03' },
    });
    await act(expired, 'police.decide_after_expiry', { by: police, continueSearch: false });
    // Found by family, closed directly. Filed from a profile, as the rejected one below: each wave adds two
    // absences of one patient, so the profile's repeat counter moves in both.
    const family = await fileFromProfile(token, { kind: { unauthorisedAbsence: false, missing: true } });
    await act(family, 'police.acknowledge', { by: police, risk: 'medium', urgent: false, ...facts });
    await act(family, 'case.close', { by: police, outcome: 'found_by_family' });
    // Rejected, with grounds: the clinic closes it.
    const rejected = await fileFromProfile(token);
    await act(rejected, 'police.reject', {
      by: police,
      grounds: 'no_danger',
      reason: 'calm, has leave today',
    });
    await act(rejected, 'clinic.route_after_rejection', { by: clinician, route: 'close' });
    // Arrested, held, released to the way back.
    const held = await file(token, {});
    await act(held, 'police.acknowledge', { by: police, risk: 'low', urgent: false, ...facts });
    await act(held, 'police.record_custody', {
      by: police,
      place: 'Politiebureau Assen',
      expectedReleaseAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await act(held, 'police.release_from_custody', { by: police });
    // Long enough for the unacknowledged reports' deadlines to pass.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
  }

  it.for(panels.map(({ file, panel }) => [`${file}: ${panel.title}`, panel] as const))(
    'shows data for %s',
    async ([, panel]) => {
      const targets = panel.targets ?? [];
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        const samples: PromSample[] = await prometheus.query(expand(target.expr));
        expect(samples, target.expr).not.toHaveLength(0);
        expect(
          samples.some((s) => Number.isFinite(Number(s.value[1]))),
          `${target.expr} has only NaN`,
        ).toBe(true);
      }
    },
  );

  it('selects only metrics the system exports', async () => {
    const exported = new Set(await prometheus.metricNames());
    const used = new Set(
      panels.flatMap(({ panel }) => (panel.targets ?? []).flatMap((t) => metricsOf(t.expr))),
    );
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((name) => !exported.has(name));
    expect(missing).toEqual([]);
  });

  /**
   * promtool's lint over our own series only: prom-client's default Node metrics and the SDK's metrics keep
   * their upstream names, which dashboards elsewhere expect. The worker attaches `taskQueue` and
   * `workflowType` to every workflow metric; those SDK tags are taken out before the lint, nothing else.
   */
  const lintOurs = (text: string) => {
    const ours = text
      .split('\n')
      .filter((line) => /^(# (HELP|TYPE) )?vermist_/.test(line))
      .map((line) => line.replace(/,?(taskQueue|workflowType)="[^"]*"/g, '').replace('{,', '{'))
      .join('\n');
    execFileSync(tools.promtool, ['check', 'metrics'], { input: `${ours}\n` });
    return ours;
  };

  it("exports the API's metrics in a form promtool accepts, Prometheus naming included", async () => {
    const ours = lintOurs(await scrape(apiMetricsUrl));
    expect(ours).toContain('vermist_open_cases{');
    expect(ours).toContain('vermist_http_requests_total{');
  });

  it("exports the workers' case metrics in a form promtool accepts, Prometheus naming included", async () => {
    const ours = lintOurs(await scrape(workerMetricsUrl));
    expect(ours).toContain('vermist_cases_opened_total{');
    expect(ours).toContain('vermist_time_to_returned_seconds_bucket{');
    expect(ours).toContain('vermist_profile_repeat_absences_total{');
  });

  it("labels the workers' profile metrics with institution and ward, never a profile, patient or case", async () => {
    const lines = (await scrape(workerMetricsUrl))
      .split('\n')
      .filter((line) => line.startsWith('vermist_profile_'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain(fromProfile.profileId);
      expect(line).not.toMatch(/case-|Karel/);
      expect(line).toMatch(/institution="ggz-noord"/);
      expect(line).toMatch(/ward="De Linde"/);
    }
  });
});
