// `npm start`: the whole system on one machine. Without TEMPORAL_ADDRESS it runs the Temporal CLI dev
// server (SQLite under the data dir, Web UI included), then the worker and the API in this process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { createApp } from '../api/app';
import { registerCaseGauges } from '../api/case-gauges.metrics';
import { createApiMetrics, createMetricsApp } from '../api/metrics';
import { parseEnv } from '../config/env.schema';
import { loadPolicy } from '../config/files';
import { createLogger } from '../config/log';
import { EncryptionCodec } from '../temporal/encryption.codec';
import { devServerSearchAttributeFlags } from '../workflows/case.search-attributes';
import {
  applyRetention,
  authConfig,
  connectCases,
  devToken,
  installWorkerRuntime,
  listenForMetrics,
  localSecrets,
  openRecords,
  payloadKeys,
  startWorker,
} from './wiring';
import { demoIdentities } from './demo-identities';
import { WEB_DIST, ensureWebBuild } from './web-build';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  refuseOutsideDevelopment(env);
  const log = createLogger(env.LOG_LEVEL, { service: 'vermist' });
  installWorkerRuntime(env, log);
  mkdirSync(env.VERMIST_DATA_DIR, { recursive: true });
  const local = await localSecrets(env.VERMIST_DATA_DIR);

  let server: ChildProcess | undefined;
  let address = env.TEMPORAL_ADDRESS;
  if (!address) {
    address = `127.0.0.1:${env.TEMPORAL_DEV_PORT}`;
    server = startDevServer(env, env.TEMPORAL_DEV_PORT);
    await waitForPort(env.TEMPORAL_DEV_PORT, 60_000, server);
  }
  await ensureWebBuild((line) => log.info(line));

  const keys = payloadKeys(env, local);
  // One process embeds the store: the worker writes it and the API reads it through the same PGlite.
  const records = await openRecords(env, keys, true, local);
  const { connection, cases, profileWorkflows } = await connectCases(env, address, keys, records);
  const { worker, connection: workerConnection } = await startWorker(env, address, keys, log, records);
  await applyRetention(env, address);
  const running = worker.run();
  const metrics = createApiMetrics();
  registerCaseGauges(metrics.registry, (now, within) => records.cases.openCaseCounts(now, within), {
    onError: (e) => log.warn('case gauges', { error: String(e) }),
  });
  const policy = loadPolicy(env.VERMIST_POLICY_FILE);
  const app = createApp({
    cases,
    profileWorkflows,
    records,
    auth: authConfig(env, local),
    metrics,
    log,
    futureToleranceMs: policy.inputs.futureTolerance,
    profilePolicy: policy.profiles,
    photoMaxBytes: env.VERMIST_PHOTO_MAX_BYTES,
    // The Web UI decodes payloads here for a supervisor (docs/operations.md); plain http on loopback.
    codec: {
      codec: new EncryptionCodec(keys),
      origins: env.VERMIST_CODEC_ORIGINS ?? [`http://localhost:${env.TEMPORAL_UI_PORT}`],
      secureCookie: false,
    },
    web: {
      distDir: WEB_DIST,
      config: {
        signIn: 'local',
        ...(env.VERMIST_GRAFANA_URL && { grafanaUrl: env.VERMIST_GRAFANA_URL }),
        temporalUiUrl:
          env.VERMIST_TEMPORAL_UI_URL ?? (server ? `http://localhost:${env.TEMPORAL_UI_PORT}` : undefined),
      },
    },
    // With a JWKS configured, tokens come from a real issuer: no demo sign-in then.
    ...(!env.VERMIST_JWKS_URL && {
      devSignIn: {
        identities: demoIdentities.map(({ id, label, principal }) => ({ id, label, principal })),
        sign: async (principal) => ({
          accessToken: await devToken(env, local, principal, '12h'),
          expiresIn: 12 * 3_600,
        }),
      },
    }),
  });
  // Loopback only: the embedded default holds demo keys, and nobody else should reach it.
  const http = app.listen(env.PORT, '127.0.0.1');
  const metricsServer = listenForMetrics(createMetricsApp(metrics), env.VERMIST_API_METRICS_ADDRESS);
  await new Promise<void>((resolve) => http.once('listening', resolve));

  await printWelcome(env, local, address, server !== undefined);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    http.close();
    metricsServer?.close();
    worker.shutdown();
    await running.catch(() => undefined);
    await workerConnection.close();
    await connection.close();
    await records.database.close();
    server?.kill('SIGTERM');
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await running;
}

/**
 * The embedded default signs demo tokens with a key it keeps on disk and listens for them: never against
 * real cases. It runs only on this machine, against its own dev server or one on loopback.
 */
function refuseOutsideDevelopment(env: ReturnType<typeof parseEnv>): void {
  if (env.NODE_ENV === 'production') {
    throw new Error(
      'npm start is the embedded development default: run bin/worker.ts and bin/api.ts in production',
    );
  }
  const host = env.TEMPORAL_ADDRESS?.replace(/:\d+$/, '');
  if (host !== undefined && !/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(host)) {
    throw new Error(
      `npm start signs demo tokens and must not reach a shared cluster: TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS} is not loopback`,
    );
  }
}

function startDevServer(env: ReturnType<typeof parseEnv>, port: number): ChildProcess {
  const { VERMIST_DATA_DIR: dataDir, TEMPORAL_NAMESPACE: namespace, TEMPORAL_UI_PORT: uiPort } = env;
  const cli = execFileSync('bash', [path.join(__dirname, '../scripts/toolchain.sh'), 'cli'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .replace(/^TEMPORAL_CLI=/, '');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(dataDir, 'temporal.db'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    // localhost, as the UI is opened: the supervisor's codec session cookie is SameSite=Strict.
    '--ui-codec-endpoint',
    `http://localhost:${env.PORT}/codec`,
    '--namespace',
    namespace,
    '--log-level',
    'error',
    ...devServerSearchAttributeFlags(),
  ];
  const child = spawn(cli, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`the Temporal dev server exited with code ${code}`);
  });
  return child;
}

async function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error('the Temporal dev server stopped while starting (see above)');
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.end(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the Temporal dev server did not listen on port ${port} within ${timeoutMs / 1000} s`);
}

async function printWelcome(
  env: ReturnType<typeof parseEnv>,
  local: Awaited<ReturnType<typeof localSecrets>>,
  address: string,
  embedded: boolean,
): Promise<void> {
  const base = `http://localhost:${env.PORT}`;
  const lines = [
    '',
    'Vermist is running.',
    `  Web app        ${base}/   (sign in as one of the demo identities below)`,
    `  API            ${base}   (OpenAPI: ${base}/openapi.json)`,
    ...(env.VERMIST_API_METRICS_ADDRESS === 'off'
      ? []
      : [`  API metrics    http://${env.VERMIST_API_METRICS_ADDRESS}/metrics`]),
    `  Temporal       ${address}${embedded ? `   (dev server, data in ${env.VERMIST_DATA_DIR}/temporal.db)` : ''}`,
    ...(embedded ? [`  Temporal UI    http://localhost:${env.TEMPORAL_UI_PORT}`] : []),
    `  Records        ${env.VERMIST_RECORDS_URL ? 'the configured PostgreSQL' : `${env.VERMIST_DATA_DIR}/records (PGlite)`}`,
    ...(env.VERMIST_WORKER_METRICS_ADDRESS === 'off'
      ? []
      : [
          `  Worker metrics http://${env.VERMIST_WORKER_METRICS_ADDRESS}/metrics   (Temporal SDK and case metrics)`,
        ]),
    '',
  ];
  if (!env.VERMIST_JWKS_URL) {
    const tokensFile = path.join(env.VERMIST_DATA_DIR, 'demo-tokens.env');
    const exports: string[] = [];
    lines.push(`Demo tokens, valid 12 h. Load them in another shell with:  source ${tokensFile}`);
    for (const { tokenVariable, label, principal } of demoIdentities) {
      lines.push(`  ${tokenVariable.padEnd(17)} (${label})`);
      exports.push(`export ${tokenVariable}=${await devToken(env, local, principal)}`);
    }
    writeFileSync(tokensFile, `${exports.join('\n')}\n`, { mode: 0o600 });
    lines.push('');
  }
  lines.push('Ctrl-C stops everything.', '');
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
