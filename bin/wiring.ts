import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createLocalJWKSet, createRemoteJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createActivities } from '../activities/case.activities';
import type { AuthConfig, Principal } from '../api/auth';
import { createCaseClient } from '../api/case-client';
import type { Env } from '../config/env.schema';
import { loadContacts, loadPolicy } from '../config/files';
import type { Logger } from '../config/log';
import { createDataConverter } from '../temporal/data-converter';
import { createFeedStore } from '../temporal/feed.store';
import { activityLogFields, installTemporalRuntime } from '../temporal/runtime';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { CASE_TASK_QUEUE, createCaseWorker } from '../temporal/worker';

/** Secrets the embedded default keeps under its data dir, so cases and tokens survive a restart. */
type LocalSecrets = { payloadKeys: string[]; jwtPrivateJwk: JWK; jwtPublicJwk: JWK };

/** Reads the local secrets file, making it (mode 0600) on first start. */
export async function localSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const secrets: LocalSecrets = {
    payloadKeys: [randomBytes(32).toString('base64')],
    jwtPrivateJwk: { ...(await exportJWK(privateKey)), kid: 'vermist-dev', alg: 'ES256' },
    jwtPublicJwk: { ...(await exportJWK(publicKey)), kid: 'vermist-dev', alg: 'ES256' },
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Payload keys from the environment, else from the local secrets (embedded default only). */
export function payloadKeys(env: Env, local: LocalSecrets | undefined): Buffer[] {
  const keys = env.VERMIST_PAYLOAD_KEYS ?? local?.payloadKeys;
  if (!keys) throw new Error('set VERMIST_PAYLOAD_KEYS (base64 32-byte AES keys, comma-separated)');
  return keys.map((key) => Buffer.from(key, 'base64'));
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
    .setProtectedHeader({ alg: 'ES256', kid: 'vermist-dev' })
    .setSubject(sub)
    .setIssuer(env.VERMIST_JWT_ISSUER)
    .setAudience(env.VERMIST_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(await importJWK(local.jwtPrivateJwk, 'ES256'));
}

/** Connects the client the API uses, and the case client over it. */
export async function connectCases(env: Env, address: string, keys: Buffer[]) {
  const connection = await Connection.connect({ address });
  await ensureSearchAttributes(connection, env.TEMPORAL_NAMESPACE);
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keys),
  });
  const cases = createCaseClient({
    client,
    taskQueue: CASE_TASK_QUEUE,
    policy: loadPolicy(env.VERMIST_POLICY_FILE),
  });
  return { connection, client, cases, feeds: createFeedStore({ client, taskQueue: CASE_TASK_QUEUE }) };
}

/** The worker's Temporal runtime: metrics endpoint and JSON logs. Before the process's first connection. */
export function installWorkerRuntime(env: Env, log: Logger): void {
  const address = env.VERMIST_WORKER_METRICS_ADDRESS;
  installTemporalRuntime({ metricsBindAddress: address === 'off' ? undefined : address, log });
}

/** Starts a worker for case workflows and their activities. */
export async function startWorker(env: Env, address: string, keys: Buffer[], log: Logger): Promise<Worker> {
  const connection = await NativeConnection.connect({ address });
  const contacts = loadContacts(env.VERMIST_CONTACTS_FILE);
  if (!env.VERMIST_SMTP_URL && contacts.some((c) => c.email)) {
    throw new Error('set VERMIST_SMTP_URL: VERMIST_CONTACTS_FILE names e-mail addresses');
  }
  // The delivery activity appends to in-app feeds, which are workflows: it needs a client of its own.
  const feedClient = new Client({
    connection: await Connection.connect({ address }),
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keys),
  });
  return createCaseWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keys),
    activities: createActivities({
      contacts,
      mailer: {
        // Without SMTP no contact has an address (checked above): the JSON transport is never used to send.
        transport: env.VERMIST_SMTP_URL
          ? nodemailer.createTransport(env.VERMIST_SMTP_URL)
          : nodemailer.createTransport({ jsonTransport: true }),
        from: env.VERMIST_MAIL_FROM,
      },
      feed: createFeedStore({ client: feedClient, taskQueue: CASE_TASK_QUEUE }),
      publicBaseUrl: env.VERMIST_PUBLIC_URL,
      now: () => new Date(),
      webhookTimeoutMs: 10_000,
      log: (entry) => log.info('activity', { ...entry, ...activityLogFields() }),
    }),
  });
}
