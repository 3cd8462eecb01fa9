import { readFileSync } from 'node:fs';
import { z } from 'zod';

const base64Key = z
  .string()
  .refine((text) => Buffer.from(text, 'base64').length === 32, 'must be a base64-encoded 32-byte key');

/** `host:port` for a metrics endpoint, or `off`. */
const MetricsAddressSchema = z.union([
  z.literal('off'),
  z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port or off'),
]);

/** The whole environment Vermist reads, parsed once at start-up. Nothing else reads process.env. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Set to use an existing Temporal cluster; unset, `npm start` runs the embedded dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65_535).default(8233),
  /** The port of the embedded dev server's frontend (`npm start` only); tests run one per stack. */
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65_535).default(7233),
  VERMIST_DATA_DIR: z.string().min(1).default('data'),
  /**
   * The records store: a `postgres://` URL (production: several workers and API instances share it), or a
   * PGlite directory that one process embeds. Unset, `npm start` keeps it under `<data dir>/records`.
   */
  VERMIST_RECORDS_URL: z.string().min(1).optional(),
  /** Comma-separated base64 AES-256 keys; the first encrypts. The dev launcher makes one under the data dir. */
  VERMIST_PAYLOAD_KEYS: z
    .string()
    .transform((text) => text.split(',').map((key) => key.trim()))
    .pipe(z.array(base64Key).min(1))
    .optional(),
  /**
   * A base64 32-byte secret under which patient numbers become pseudonymous patient keys (an HMAC). Its own,
   * never a payload key: payload keys rotate, a patient's key must not. Keep it apart from the database and
   * never change it: profiles keyed under another secret are no longer found by patient number. The dev
   * launcher makes one under the data dir.
   */
  VERMIST_PATIENT_KEY_SECRET: base64Key.optional(),
  VERMIST_POLICY_FILE: z.string().min(1).default('config/policy.json'),
  /** Bearer tokens are verified against this issuer, audience and JWKS (an OIDC provider's jwks_uri). */
  VERMIST_JWT_ISSUER: z.string().min(1).default('vermist-dev'),
  VERMIST_JWT_AUDIENCE: z.string().min(1).default('vermist-api'),
  VERMIST_JWKS_URL: z
    .url({ protocol: /^https?$/ })
    .refine(
      (url) => url.startsWith('https:') || /^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])[:/]/.test(url),
      'must be https (plain http only on loopback): tokens are checked against what it serves',
    )
    .optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /**
   * Which proxies in front of the API to believe about the client's address (Express's `trust proxy`):
   * `false` for none (the API faces clients itself), a number of hops (`1` behind one proxy, as compose and
   * the cluster run it), or comma-separated addresses and subnets (`loopback`, `10.0.0.0/8`). Rate limits
   * per address count by it; trusting too much lets a client pick its own address.
   */
  VERMIST_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((text): boolean | number | string => {
      if (text === 'false') return false;
      return /^\d+$/.test(text) ? Number(text) : text;
    }),
  /**
   * Where the worker serves its Prometheus metrics (SDK and case metrics), as `host:port`; `off` for none.
   * Loopback by default: in a container, set `0.0.0.0:9464` so Prometheus can reach it.
   */
  VERMIST_WORKER_METRICS_ADDRESS: MetricsAddressSchema.default('127.0.0.1:9464'),
  /**
   * Case workflows a worker keeps in memory between their workflow tasks (Temporal's sticky cache). A cached
   * case holds about 2.6 MB of the workflow thread's heap, more than the 1.7 MB the SDK assumes when it sizes
   * the cache from the heap limit (at 768 MiB it chose 332, and the thread ran out of memory at 10,000
   * cases), and V8 keeps about twice what is live: 150 cases held a worker at 1.1 GB. 100 fits the 512 MiB
   * that compose and the cluster give a worker (docs/operations.md, "Worker memory"). A case that falls out
   * of the cache is replayed from its history at its next task. `0` turns sticky execution off.
   */
  VERMIST_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(100),
  /** Where the API serves its metrics (HTTP, open-case gauges), never on its public port; `off` for none. */
  VERMIST_API_METRICS_ADDRESS: MetricsAddressSchema.default('127.0.0.1:9465'),
  /** JSON list of party contacts: webhook URL and secret, e-mail addresses (activities/contacts.schema.ts). */
  VERMIST_CONTACTS_FILE: z.string().min(1).optional(),
  /**
   * SMTP server for e-mail notifications, e.g. `smtps://user:pass@host` or `smtp://user:pass@host:587?requireTLS=true`
   * (nodemailer reads its options from the query: STARTTLS or no mail).
   */
  VERMIST_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  VERMIST_MAIL_FROM: z.string().min(3).default('noreply@vermist.invalid'),
  /** The largest photo of a missing person the API takes, in bytes: 5 MiB unless set. */
  VERMIST_PHOTO_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  /**
   * The web app's OIDC client (authorization code with PKCE, a public client) at VERMIST_JWT_ISSUER. Set,
   * the app signs people in there; `npm start` signs in its demo identities instead.
   */
  VERMIST_OIDC_CLIENT_ID: z.string().min(1).optional(),
  VERMIST_OIDC_SCOPE: z.string().min(1).default('openid profile offline_access'),
  /** Links the supervisor's screens show: the Grafana dashboards and the Temporal Web UI. */
  VERMIST_GRAFANA_URL: z.url({ protocol: /^https?$/ }).optional(),
  VERMIST_TEMPORAL_UI_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Browser origins that may call the codec endpoint `/codec` (the Temporal Web UI's), comma-separated.
   * Unset, no browser may; `npm start` allows its own Web UI, `http://localhost:<TEMPORAL_UI_PORT>`.
   */
  VERMIST_CODEC_ORIGINS: z
    .string()
    .transform((text) => text.split(',').map((origin) => origin.trim()))
    .pipe(
      z.array(
        z
          .url({ protocol: /^https?$/ })
          .refine((url) => new URL(url).origin === url, 'must be an origin: scheme://host[:port], no path'),
      ),
    )
    .optional(),
  /** Where people open a case: notifications link to `<this>/v1/cases/<id>`. */
  VERMIST_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
});
export type Env = z.infer<typeof EnvSchema>;

/**
 * Secrets that may come from a file instead (compose secrets under /run/secrets): `<NAME>_FILE` names a file
 * whose content, less surrounding whitespace, is the value of `<NAME>`.
 */
export const FILE_SECRETS = [
  'VERMIST_PAYLOAD_KEYS',
  'VERMIST_PATIENT_KEY_SECRET',
  'VERMIST_RECORDS_URL',
  'VERMIST_SMTP_URL',
] as const;

/** Parses the environment or stops with one line per wrong variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const { values, problems } = readFileSecrets(source);
  const result = EnvSchema.safeParse(values);
  if (result.success && problems.length === 0) return result.data;
  const lines = [
    ...problems,
    ...(result.error?.issues ?? []).map((issue) => `  ${issue.path.join('.')}: ${issue.message}`),
  ];
  throw new Error(`invalid environment:\n${lines.join('\n')}`);
}

/** Puts each `<NAME>_FILE`'s content in `<NAME>`; a problem names the variable, never the content. */
function readFileSecrets(source: Record<string, string | undefined>) {
  const values = { ...source };
  const problems: string[] = [];
  for (const name of FILE_SECRETS) {
    const file = source[`${name}_FILE`];
    if (file === undefined) continue;
    if (source[name] !== undefined) {
      problems.push(`  ${name}_FILE: set ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      values[name] = readFileSync(file, 'utf8').trim();
    } catch (error) {
      problems.push(
        `  ${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  return { values, problems };
}
