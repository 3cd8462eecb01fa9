// The API process for a real Temporal cluster: `TEMPORAL_ADDRESS=… npm run api`.
import { createApp } from '../api/app';
import { registerCaseGauges } from '../api/case-gauges.metrics';
import { createApiMetrics, createMetricsApp } from '../api/metrics';
import { parseEnv } from '../config/env.schema';
import { loadPolicy } from '../config/files';
import { createLogger } from '../config/log';
import { authConfig, connectCases, listenForMetrics, openRecords, payloadKeys } from './wiring';
import { WEB_DIST } from './web-build';
import { EncryptionCodec } from '../temporal/encryption.codec';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  if (!env.TEMPORAL_ADDRESS)
    throw new Error('set TEMPORAL_ADDRESS (or use `npm start` for the embedded default)');
  const log = createLogger(env.LOG_LEVEL, { service: 'vermist-api' });
  const keys = payloadKeys(env, undefined);
  const records = await openRecords(env, keys, false);
  if (!env.VERMIST_PATIENT_KEY_SECRET) {
    // Profiles still work, keyed under a secret derived from the oldest payload key; setting the secret
    // later makes the store refuse those profiles' patient numbers rather than key a patient twice.
    log.warn('VERMIST_PATIENT_KEY_SECRET is unset: set it before the first patient profile is kept');
  }
  const { connection, cases, profileWorkflows } = await connectCases(
    env,
    env.TEMPORAL_ADDRESS,
    keys,
    records,
  );
  const metrics = createApiMetrics();
  registerCaseGauges(metrics.registry, (now, within) => records.cases.openCaseCounts(now, within), {
    onError: (e) => log.warn('case gauges', { error: String(e) }),
  });
  const policy = loadPolicy(env.VERMIST_POLICY_FILE);
  const app = createApp({
    cases,
    profileWorkflows,
    records,
    auth: authConfig(env, undefined),
    metrics,
    log,
    futureToleranceMs: policy.inputs.futureTolerance,
    profilePolicy: policy.profiles,
    photoMaxBytes: env.VERMIST_PHOTO_MAX_BYTES,
    trustProxy: env.VERMIST_TRUST_PROXY,
    // The Temporal UI decodes payloads here for a supervisor, over https (docs/operations.md).
    codec: {
      codec: new EncryptionCodec(keys),
      origins: env.VERMIST_CODEC_ORIGINS ?? [],
      secureCookie: true,
    },
    // The build `npm run build` made; people sign in at the issuer the API trusts.
    web: {
      distDir: WEB_DIST,
      config: {
        signIn: 'oidc',
        ...(env.VERMIST_OIDC_CLIENT_ID && {
          oidc: {
            issuer: env.VERMIST_JWT_ISSUER,
            clientId: env.VERMIST_OIDC_CLIENT_ID,
            scope: env.VERMIST_OIDC_SCOPE,
            audience: env.VERMIST_JWT_AUDIENCE,
          },
        }),
        ...(env.VERMIST_GRAFANA_URL && { grafanaUrl: env.VERMIST_GRAFANA_URL }),
        ...(env.VERMIST_TEMPORAL_UI_URL && { temporalUiUrl: env.VERMIST_TEMPORAL_UI_URL }),
      },
    },
  });
  const server = app.listen(env.PORT, () => log.info('api listening', { port: env.PORT }));
  const metricsServer = listenForMetrics(createMetricsApp(metrics), env.VERMIST_API_METRICS_ADDRESS);
  const stop = () => {
    metricsServer?.close();
    server.close(() => void Promise.all([connection.close(), records.database.close()]));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
