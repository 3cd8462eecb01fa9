import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createLocalJWKSet, createRemoteJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createActivities } from '../activities/case.activities';
import type { AuthConfig, Principal } from '../api/auth';
import { createCaseClient } from '../api/case-client';
import { createProfileWorkflows } from '../api/profile-workflow';
import type { Env } from '../config/env.schema';
import { loadContacts, loadPolicy } from '../config/files';
import { openRecordsStore, type RecordsStore } from '../records/records.store';
import type { Logger } from '../config/log';
import { createDataConverter } from '../temporal/data-converter';
import { ensureRetentionSchedule, setNamespaceRetention } from '../temporal/retention';
import { activityLogFields, installTemporalRuntime } from '../temporal/runtime';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { CASE_TASK_QUEUE, createCaseWorker } from '../temporal/worker';

/** Secrets the embedded default keeps under its data dir, so cases, tokens and patient keys survive a restart. */
type LocalSecrets = {
  payloadKeys: string[];
  jwtPrivateJwk: JWK;
  jwtPublicJwk: JWK;
  /** Base64, 32 bytes; absent from a data dir made before profiles, and then added. */
  patientKeySecret?: string;
};

/** Reads the local secrets file, making it (mode 0600) on first start. */
export async function localSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  const save = (secrets: LocalSecrets) => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  };
  const patientKeySecret = () => randomBytes(32).toString('base64');
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
    return kept.patientKeySecret ? kept : save({ ...kept, patientKeySecret: patientKeySecret() });
  }
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return save({
    payloadKeys: [randomBytes(32).toString('base64')],
    jwtPrivateJwk: { ...(await exportJWK(privateKey)), kid: 'vermist-dev', alg: 'ES256' },
    jwtPublicJwk: { ...(await exportJWK(publicKey)), kid: 'vermist-dev', alg: 'ES256' },
    patientKeySecret: patientKeySecret(),
  });
}

/** Payload keys from the environment, else from the local secrets (embedded default only). */
export function payloadKeys(env: Env, local: LocalSecrets | undefined): Buffer[] {
  const keys = env.VERMIST_PAYLOAD_KEYS ?? local?.payloadKeys;
  if (!keys) throw new Error('set VERMIST_PAYLOAD_KEYS (base64 32-byte AES keys, comma-separated)');
  return keys.map((key) => Buffer.from(key, 'base64'));
}

/**
 * The secret patient keys are made under: the environment's, else the local one (embedded default). Unset
 * otherwise, the records store derives one from the oldest payload key, and notices if profiles it keyed
 * so are later asked for under a secret set after all (records/profiles.ts).
 */
export function patientKeySecret(env: Env, local: LocalSecrets | undefined): Buffer | undefined {
  const secret = env.VERMIST_PATIENT_KEY_SECRET ?? local?.patientKeySecret;
  return secret === undefined ? undefined : Buffer.from(secret, 'base64');
}

/** Token verification: the configured JWKS URL (an OIDC provider), else the local development key. */
export function authConfig(env: Env, local: LocalSecrets | undefined): AuthConfig {
  const keys = env.VERMIST_JWKS_URL
    ? createRemoteJWKSet(new URL(env.VERMIST_JWKS_URL))
    : local
      ? createLocalJWKSet({ keys: [local.jwtPublicJwk] })
      : undefined;
  if (!keys) throw new Error('set VERMIST_JWKS_URL to your identity provider’s JWKS endpoint');
  return { issuer: env.VERMIST_JWT_ISSUER, audience: env.VERMIST_JWT_AUDIENCE, keys };
}

/** Signs a development token for a principal with the local key. */
export async function devToken(
  env: Env,
  local: LocalSecrets,
  principal: Principal,
  ttl = '12h',
): Promise<string> {
  const { sub, ...claims } = principal;
  const { importJWK } = await import('jose');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'vermist-dev', typ: 'at+jwt' })
    .setSubject(sub)
    .setIssuer(env.VERMIST_JWT_ISSUER)
    .setAudience(env.VERMIST_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(await importJWK(local.jwtPrivateJwk, 'ES256'));
}

/**
 * Opens the records store: the configured PostgreSQL, or in the embedded default a PGlite directory under
 * the data dir. A process that runs only the worker or only the API must share a server with the others.
 */
export function openRecords(
  env: Env,
  keys: Buffer[],
  embedded: boolean,
  local?: LocalSecrets,
): Promise<RecordsStore> {
  const location =
    env.VERMIST_RECORDS_URL ?? (embedded ? path.join(env.VERMIST_DATA_DIR, 'records') : undefined);
  if (!location) {
    throw new Error(
      'set VERMIST_RECORDS_URL to the records database (postgres://…): workers and API share it',
    );
  }
  return openRecordsStore(location, keys, { patientKeySecret: patientKeySecret(env, local) });
}

/** Connects the client the API uses, and the case client over it. */
export async function connectCases(env: Env, address: string, keys: Buffer[], records: RecordsStore) {
  const connection = await Connection.connect({ address });
  await ensureSearchAttributes(connection, env.TEMPORAL_NAMESPACE);
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keys),
  });
  const policy = loadPolicy(env.VERMIST_POLICY_FILE);
  const cases = createCaseClient({ client, taskQueue: CASE_TASK_QUEUE, policy, records });
  // Profiles' workflows run on the cases' task queue, under the policy's `profiles` section.
  const profileWorkflows = createProfileWorkflows({
    client,
    taskQueue: CASE_TASK_QUEUE,
    policy: policy.profiles,
  });
  return { connection, client, cases, profileWorkflows };
}

/** Serves the API's metrics on their own address (`host:port`), or nowhere when it is `off`. */
export function listenForMetrics(app: Express, address: string): Server | undefined {
  if (address === 'off') return undefined;
  const at = address.lastIndexOf(':');
  return app.listen(Number(address.slice(at + 1)), address.slice(0, at));
}

/** The worker's Temporal runtime: metrics endpoint and JSON logs. Before the process's first connection. */
export function installWorkerRuntime(env: Env, log: Logger): void {
  const address = env.VERMIST_WORKER_METRICS_ADDRESS;
  installTemporalRuntime({ metricsBindAddress: address === 'off' ? undefined : address, log });
}

/**
 * Retention on purpose: Temporal keeps closed workflows only as long as the policy says (for debugging
 * and replay), and a daily Schedule erases records past their periods. Both idempotent, run at start-up.
 */
export async function applyRetention(env: Env, address: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const { retention } = loadPolicy(env.VERMIST_POLICY_FILE);
    await setNamespaceRetention(connection, env.TEMPORAL_NAMESPACE, retention.temporalNamespace);
    await ensureRetentionSchedule(new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }), {
      taskQueue: CASE_TASK_QUEUE,
    });
  } finally {
    await connection.close();
  }
}

/** Starts a worker for case workflows and their activities. */
export async function startWorker(
  env: Env,
  address: string,
  keys: Buffer[],
  log: Logger,
  records: RecordsStore,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address });
  const contacts = loadContacts(env.VERMIST_CONTACTS_FILE);
  if (!env.VERMIST_SMTP_URL && contacts.some((c) => c.email)) {
    throw new Error('set VERMIST_SMTP_URL: VERMIST_CONTACTS_FILE names e-mail addresses');
  }
  const policy = loadPolicy(env.VERMIST_POLICY_FILE);
  const worker = await createCaseWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keys),
    maxCachedWorkflows: env.VERMIST_WORKER_MAX_CACHED_WORKFLOWS,
    // A worker killed outright (OOM, SIGKILL) holds its cached cases' next tasks this long; then the others
    // take them. With the SDK's 10 s, a timer that fell due meanwhile fired up to 10 s late.
    stickyQueueScheduleToStartTimeout: '1 second',
    activities: createActivities({
      contacts,
      mailer: {
        // Without SMTP no contact has an address (checked above): the JSON transport is never used to send.
        transport: env.VERMIST_SMTP_URL
          ? nodemailer.createTransport(env.VERMIST_SMTP_URL)
          : nodemailer.createTransport({ jsonTransport: true }),
        from: env.VERMIST_MAIL_FROM,
      },
      feed: records.feed,
      records,
      retention: policy.retention,
      profilePolicy: policy.profiles,
      publicBaseUrl: env.VERMIST_PUBLIC_URL,
      now: () => new Date(),
      webhookTimeoutMs: 10_000,
      log: (entry) => log.info('activity', { ...entry, ...activityLogFields() }),
    }),
  });
  return { worker, connection };
}
