import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContactsSchema } from '../../activities/contacts.schema';
import { FILE_SECRETS, parseEnv } from '../../config/env.schema';
import { loadPolicy } from '../../config/files';
import { readRoles } from '../../machines/case.access';
import { WORKER_HEAP_MIB } from '../../scripts/cluster/supervisor';
import { DB_USER, postgresService, RECORDS_DB } from '../../scripts/cluster/postgres';
import {
  ensureNamespace,
  setupTemporalSchemas,
  temporalEnv,
  temporalService,
} from '../../scripts/cluster/temporal';
import { opsTools, type OpsTools } from '../support/ops-tools';
import { SmtpReceiver } from '../support/smtp-receiver';
import { readClusterVermistPlan } from './cluster-source';

const ROOT = path.join(__dirname, '../..');
const EXAMPLE = path.join(ROOT, '.env.example');
/** Where the temporalio/admin-tools image keeps the server's schema directory (schema/postgresql/v12). */
const ADMIN_TOOLS_SCHEMA_DIR = '/etc/temporal/schema/postgresql/v12';
/** The mount point of ops/file-env.sh in the services whose image reads a secret only from its environment. */
const FILE_ENV = '/opt/vermist/file-env.sh';
/** Environment names that hold a secret: each must be a `*_FILE` naming a compose secret instead. */
const SECRET_NAME = /PASSWORD|PWD|SECRET|PAYLOAD_KEYS|RECORDS_URL|SMTP_URL|PRIVATE_KEY|API_KEY/;

type Service = {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: { published: number; target: number }[];
  volumes?: string[];
  secrets?: { source: string }[];
  networks?: Record<string, unknown>;
  healthcheck?: unknown;
  restart?: string;
  stop_signal?: string;
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
};
type Compose = {
  services: Record<string, Service>;
  secrets: Record<string, { file?: string }>;
  networks: Record<string, { internal?: boolean } | null>;
};

describe('docker-compose.yml (validated by Debian’s docker-compose, no Docker engine needed)', () => {
  let tools: OpsTools;
  let compose: Compose;

  // A clean environment: nothing from this shell or a local .env may fill a value in.
  const run = (envFile: string, ...args: string[]) =>
    spawnSync(tools.dockerCompose, ['--env-file', envFile, '-f', 'docker-compose.yml', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
  const rendered = () => {
    const result = run(EXAMPLE, 'config');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result.stdout;
  };
  const service = (name: string): Service => {
    const found = compose.services[name];
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };
  const env = (name: string) => service(name).environment ?? {};
  /** Bind mounts of a service: host file or directory, and where it appears in the container. */
  const mounts = (name: string) =>
    (service(name).volumes ?? [])
      .map((volume) => volume.split(':'))
      .filter(([source]) => source!.startsWith('/'))
      .map(([source, target]) => ({ source: source!, target: target! }));
  const mountedAt = (name: string, target: string) => mounts(name).find((m) => m.target === target)?.source;
  const secretFile = (name: string) => compose.secrets[name]!.file!;

  beforeAll(() => {
    tools = opsTools();
    // Read by the YAML library docker-compose itself uses (PyYAML, a dependency of Debian's package).
    const python = /^#!(\S+)/.exec(readFileSync(tools.dockerCompose, 'utf8'))?.[1] ?? 'python3';
    const parsed = spawnSync(
      python,
      ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      { input: rendered(), encoding: 'utf8' },
    );
    expect(parsed.status, parsed.stderr).toBe(0);
    compose = JSON.parse(parsed.stdout) as Compose;
  });

  it('renders with the env file example and runs every part of the production shape', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'postgresql',
        'temporal-schema',
        'temporal',
        'temporal-namespace',
        'temporal-ui',
        'worker',
        'api',
        'prometheus',
        'grafana',
        'caddy',
      ].sort(),
    );
  });

  it('refuses to render without a required setting, naming it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vermist-compose-'));
    const withoutSecrets = path.join(dir, 'no-secrets.env');
    writeFileSync(
      withoutSecrets,
      readFileSync(EXAMPLE, 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith('VERMIST_SECRETS_DIR='))
        .join('\n'),
    );
    const result = run(withoutSecrets, 'config');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set VERMIST_SECRETS_DIR in .env');
  });

  it('pins every image to an explicit version, Temporal’s to the one the cluster builds', () => {
    const images = Object.values(compose.services).flatMap((s) => (s.image ? [s.image] : []));
    expect(images.length).toBeGreaterThanOrEqual(9);
    for (const image of images) expect(image, image).toMatch(/^[^:]+:v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)*$/);
    const toolchain = readFileSync(path.join(ROOT, 'scripts/toolchain.sh'), 'utf8');
    const server = /^readonly SERVER_VERSION=(\S+)$/m.exec(toolchain)![1]!;
    const cli = /^readonly CLI_VERSION=(\d+\.\d+)\.\d+$/m.exec(toolchain)![1]!;
    expect(service('temporal').image).toBe(`temporalio/server:${server}`);
    for (const job of ['temporal-schema', 'temporal-namespace'])
      expect(service(job).image).toMatch(
        new RegExp(`^temporalio/admin-tools:${server}-.*-cli-${cli}\\.\\d+$`),
      );
  });

  it('gives every long-running service a health check, and runs the one-shot jobs once, in order', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.restart === 'no') expect(s.healthcheck, name).toBeUndefined();
      else expect(s.healthcheck, name).toBeDefined();
    }
    expect(service('temporal').depends_on?.['temporal-schema']?.condition).toBe(
      'service_completed_successfully',
    );
    expect(service('temporal-namespace').depends_on?.temporal?.condition).toBe('service_healthy');
    for (const name of ['worker', 'api'])
      expect(service(name).depends_on?.['temporal-namespace']?.condition, name).toBe(
        'service_completed_successfully',
      );
  });

  it('mounts configuration that exists in the repository', () => {
    const sources = Object.keys(compose.services).flatMap((name) => mounts(name).map((m) => m.source));
    expect(sources.length).toBeGreaterThanOrEqual(8);
    for (const source of sources) expect(existsSync(source), source).toBe(true);
  });

  describe('what is exposed', () => {
    const sites = () => caddySites(readFileSync(path.join(ROOT, 'ops/caddy/Caddyfile'), 'utf8'));

    it('publishes ports on the proxy only: 443, and 80 to redirect', () => {
      for (const [name, s] of Object.entries(compose.services))
        if (name !== 'caddy') expect(s.ports, name).toBeUndefined();
      expect(
        service('caddy')
          .ports?.map((p) => `${p.published}:${p.target}`)
          .sort(),
      ).toEqual(['443:443', '80:80']);
      expect(mountedAt('caddy', '/etc/caddy/Caddyfile')).toBe(path.join(ROOT, 'ops/caddy/Caddyfile'));
    });

    it('keeps PostgreSQL, Temporal and Prometheus on a network with no way in or out', () => {
      expect(compose.networks.internal?.internal).toBe(true);
      for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'prometheus'])
        expect(Object.keys(service(name).networks ?? {}), name).toEqual(['internal']);
      expect(Object.keys(service('caddy').networks ?? {})).toEqual(['edge']);
    });

    it('serves every name over TLS only, each on the service and port that answers it', () => {
      const caddyEnv = env('caddy');
      const site = sites();
      expect(Object.keys(site).sort()).toEqual(['GRAFANA_HOST', 'TEMPORAL_UI_HOST', 'VERMIST_HOST']);
      for (const [name, body] of Object.entries(site)) {
        expect(caddyEnv[name], name).toMatch(/^[a-z0-9.-]+\.[a-z]+$/);
        expect(body, name).toMatch(/^\s*import tls$/m);
        expect(body, name).not.toMatch(/http:\/\//);
      }
      expect(caddyEnv.VERMIST_TLS).toBeTruthy();
      expect(readFileSync(path.join(ROOT, 'ops/caddy/Caddyfile'), 'utf8')).not.toMatch(/^\s*auto_https/m);
      // The app and API over every replica of `api`, on the port it listens on.
      expect(site.VERMIST_HOST).toMatch(/dynamic a \{\s+name api\s+port (\d+)/);
      expect(/port (\d+)/.exec(site.VERMIST_HOST!)![1]).toBe(env('api').PORT);
      // The UI server and Grafana listen on their images' default ports: nothing here moves them.
      expect(env('temporal-ui').TEMPORAL_UI_PORT).toBeUndefined();
      expect(site.TEMPORAL_UI_HOST).toMatch(/^\s*reverse_proxy temporal-ui:8080$/m);
      expect(env('grafana').GF_SERVER_HTTP_PORT).toBeUndefined();
      expect(site.GRAFANA_HOST).toMatch(/^\s*reverse_proxy grafana:3000$/m);
      expect(env('grafana').GF_SERVER_ROOT_URL).toBe(`https://${caddyEnv.GRAFANA_HOST}/`);
    });

    it('has the API check a police supervisor’s token before any Temporal UI data request goes through', () => {
      const ui = sites().TEMPORAL_UI_HOST!;
      expect(ui).toMatch(/@data \{\s+path \/api\/v1\/\*\s+not path \/api\/v1\/settings\s+\}/);
      const [, port, uri] = /forward_auth @data api:(\d+) \{\s+uri (\S+)\s+\}/.exec(ui) ?? [];
      expect(port).toBe(env('api').PORT);
      // The access records answer only those who may read decoded payloads: the UI's users.
      expect(new URL(uri!, 'https://x').pathname).toBe('/v1/access-records');
      expect(readRoles.accessRecords).toEqual(readRoles.decodedPayloads);
    });

    it('puts the Temporal UI behind sign-in at the API’s identity provider, with every write action off', () => {
      const ui = env('temporal-ui');
      expect(ui.TEMPORAL_AUTH_ENABLED).toBe('true');
      expect(ui.TEMPORAL_AUTH_PROVIDER_URL).toBe(env('api').VERMIST_JWT_ISSUER);
      expect(ui.TEMPORAL_AUTH_CLIENT_ID).toBeTruthy();
      expect(ui.TEMPORAL_AUTH_CLIENT_SECRET_FILE).toBe('/run/secrets/temporal-ui-client-secret');
      expect(ui.TEMPORAL_AUTH_CALLBACK_URL).toBe(
        `https://${env('caddy').TEMPORAL_UI_HOST}/auth/sso/callback`,
      );
      for (const name of [
        'TEMPORAL_DISABLE_WRITE_ACTIONS',
        'TEMPORAL_BATCH_ACTIONS_DISABLED',
        'TEMPORAL_START_WORKFLOW_DISABLED',
        'TEMPORAL_WORKFLOW_TERMINATE_DISABLED',
        'TEMPORAL_WORKFLOW_CANCEL_DISABLED',
        'TEMPORAL_WORKFLOW_SIGNAL_DISABLED',
        'TEMPORAL_WORKFLOW_RESET_DISABLED',
      ])
        expect(ui[name], name).toBe('true');
    });

    it('points the UI’s codec at the API’s public address with the user’s token, and the API takes the UI’s origin', () => {
      const ui = env('temporal-ui');
      const { VERMIST_HOST, TEMPORAL_UI_HOST } = env('caddy');
      expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`https://${VERMIST_HOST}/codec`);
      expect(ui.TEMPORAL_CODEC_PASS_ACCESS_TOKEN).toBe('true');
      expect(env('api').VERMIST_CODEC_ORIGINS?.split(',')).toContain(`https://${TEMPORAL_UI_HOST}`);
      expect(env('worker').VERMIST_PUBLIC_URL).toBe(`https://${VERMIST_HOST}`);
    });
  });

  describe('secrets', () => {
    it('holds no secret in any service’s environment: each is a *_FILE naming a compose secret file', () => {
      for (const [name, s] of Object.entries(compose.services)) {
        const own = new Set((s.secrets ?? []).map((x) => x.source));
        for (const [key, value] of Object.entries(s.environment ?? {})) {
          expect(value, `${name} ${key}`).not.toMatch(/:\/\/[^/@\s]*:[^/@\s]*@/);
          const secret = /^\/run\/secrets\/(.+)$/.exec(value)?.[1];
          if (SECRET_NAME.test(key)) {
            expect(key, name).toMatch(/_FILE$/);
            expect(secret, `${name} ${key}`).toBeDefined();
          }
          if (secret) expect(own.has(secret), `${name} ${key}: secret ${secret}`).toBe(true);
        }
      }
      for (const [name, secret] of Object.entries(compose.secrets))
        expect(secret.file && existsSync(secret.file), name).toBe(true);
    });

    it('has each *_FILE read by the image itself, or by ops/file-env.sh before the image’s command', () => {
      const readsItself: Record<string, (key: string) => boolean> = {
        vermist: (key) =>
          FILE_SECRETS.some((name) => `${name}_FILE` === key) ||
          key === 'VERMIST_CONTACTS_FILE' ||
          key === 'VERMIST_POLICY_FILE',
        postgres: (key) => key === 'POSTGRES_PASSWORD_FILE',
        'grafana/grafana': (key) => key.endsWith('__FILE'),
      };
      for (const [name, s] of Object.entries(compose.services)) {
        const image = s.image!.split(':')[0]!;
        const shimmed = Object.keys(s.environment ?? {}).filter(
          (key) => key.endsWith('_FILE') && !readsItself[image]?.(key),
        );
        if (shimmed.length === 0) continue;
        expect(mountedAt(name, FILE_ENV), name).toBe(path.join(ROOT, 'ops/file-env.sh'));
        // The entrypoint is file-env.sh, or a mounted script that ends by running it.
        const [program, script] = s.entrypoint ?? [];
        expect(program, name).toBe('/bin/sh');
        const reaches =
          script === FILE_ENV ||
          readFileSync(mountedAt(name, script!)!, 'utf8').includes(`exec /bin/sh ${FILE_ENV} "$@"`);
        expect(reaches, `${name}: ${shimmed.join(', ')}`).toBe(true);
      }
    });

    it('file-env.sh sets NAME from the file NAME_FILE names and runs the command with it', () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'vermist-file-env-')), 'secret');
      writeFileSync(file, 's3cret\n');
      const result = spawnSync('/bin/sh', [path.join(ROOT, 'ops/file-env.sh'), 'env'], {
        env: { PATH: process.env.PATH, POSTGRES_PWD_FILE: file },
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain('POSTGRES_PWD=s3cret\n');
      expect(result.stdout).not.toContain('POSTGRES_PWD_FILE');
      const missing = spawnSync('/bin/sh', [path.join(ROOT, 'ops/file-env.sh'), 'env'], {
        env: { PATH: process.env.PATH, POSTGRES_PWD_FILE: `${file}.gone` },
        encoding: 'utf8',
      });
      expect(missing.status).not.toBe(0);
      expect(missing.stdout).toBe('');
    });

    it('has example secret files the services accept, the records URL on the stack’s own database', () => {
      const parsed = parseEnv({
        VERMIST_PAYLOAD_KEYS_FILE: secretFile('payload-keys'),
        VERMIST_RECORDS_URL_FILE: secretFile('records-url'),
        VERMIST_SMTP_URL_FILE: secretFile('smtp-url'),
      });
      const records = new URL(parsed.VERMIST_RECORDS_URL!);
      expect(records.hostname).toBe('postgresql');
      expect(records.pathname).toBe(`/${env('postgresql').POSTGRES_DB}`);
      expect(records.username).toBe(env('postgresql').POSTGRES_USER);
      expect(decodeURIComponent(records.password)).toBe(
        readFileSync(secretFile('db-password'), 'utf8').trim(),
      );
      ContactsSchema.parse(JSON.parse(readFileSync(secretFile('vermist-contacts'), 'utf8')));
      expect(env('worker').VERMIST_CONTACTS_FILE).toBe('/run/secrets/vermist-contacts');
      parseEnv({
        VERMIST_MAIL_FROM: env('worker').VERMIST_MAIL_FROM,
        VERMIST_PUBLIC_URL: env('worker').VERMIST_PUBLIC_URL,
      });
    });

    it('sends mail only over TLS: with the SMTP URL as given, nodemailer refuses a relay without STARTTLS', async () => {
      const url = new URL(parseEnv({ VERMIST_SMTP_URL_FILE: secretFile('smtp-url') }).VERMIST_SMTP_URL!);
      expect(url.protocol === 'smtps:' || url.searchParams.get('requireTLS') === 'true', url.search).toBe(
        true,
      );
      // The same URL, pointed at a relay that offers no TLS (and no AUTH, so no credentials).
      const relay = new SmtpReceiver();
      const { host, port } = await relay.start();
      try {
        const local = new URL(url);
        Object.assign(local, { hostname: host, port: String(port), username: '', password: '' });
        const mail = { from: 'a@example.org', to: 'b@example.org', subject: 'x', text: 'x' };
        await expect(nodemailer.createTransport(local.href).sendMail(mail)).rejects.toThrow();
        expect(relay.received).toHaveLength(0);
        // Without TLS required, the same relay takes it: the refusal above is the URL's doing.
        local.protocol = 'smtp:';
        local.searchParams.delete('requireTLS');
        await nodemailer.createTransport(local.href).sendMail(mail);
        expect(relay.received).toHaveLength(1);
      } finally {
        await relay.stop();
      }
    });
  });

  describe('the commands and configuration of `npm run cluster` (scripts/cluster)', () => {
    it('runs the workers and the API with the cluster’s command, environment and stop timeout', () => {
      const plan = readClusterVermistPlan(path.join(ROOT, 'scripts/cluster/supervisor.ts'));
      for (const [name, entry] of [
        ['worker', 'bin/worker.ts'],
        ['api', 'bin/api.ts'],
      ] as const) {
        const cluster = plan.processes[entry];
        expect(cluster, entry).toBeDefined();
        expect(cluster!.command).toBe('process.execPath');
        expect(service(name).command).toEqual(['node', ...cluster!.args]);
        const ours = env(name);
        for (const key of cluster!.env) {
          const fromFile = (FILE_SECRETS as readonly string[]).includes(key) && `${key}_FILE` in ours;
          expect(key in ours || fromFile, `${name} sets ${key}`).toBe(true);
        }
        for (const [key, value] of Object.entries(cluster!.literals)) expect(ours[key], key).toBe(value);
        expect(ours.TEMPORAL_NAMESPACE).toBe(plan.namespace);
        expect(ours.TEMPORAL_ADDRESS).toBe(`temporal:${templateDefault('FRONTEND_GRPC_PORT')}`);
        expect(service(name).stop_grace_period ?? '10s').toBe(`${cluster!.stopTimeoutMs / 1000}s`);
      }
      // The worker's heap limit is set in code on the cluster (an option may raise it): its default is compose's.
      expect(env('worker').NODE_OPTIONS).toBe(`--max-old-space-size=${WORKER_HEAP_MIB}`);
    });

    it('runs the Temporal server with the cluster’s command, configuration files and environment', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'vermist-temporal-'));
      const spec = temporalService(ROOT, dir, '/cache/temporal-server', {}, '/dev/null');
      const temporal = service('temporal');
      const root = temporal.command?.[temporal.command.indexOf('--root') + 1];
      expect(temporal.command).toEqual([
        path.basename(spec.command),
        ...spec.args.map((arg) => (arg === dir ? root : arg)),
      ]);
      // Every file the cluster puts under its root, mounted at the same place under the container's.
      const files = walk(dir);
      expect(files).toContain('config/vermist.yaml');
      for (const file of files) {
        const source = mountedAt('temporal', `${root}/${file}`);
        expect(source, file).toBeDefined();
        expect(readFileSync(source!, 'utf8'), file).toBe(readFileSync(path.join(dir, file), 'utf8'));
      }

      const cluster = temporalEnv(ROOT, { port: 5432, password: 'pw' }, anyPorts, 'info');
      const ours = env('temporal');
      const entrypoint = readFileSync(mountedAt('temporal', temporal.entrypoint![1]!)!, 'utf8');
      for (const key of Object.keys(cluster)) {
        if (key in ours || `${key}_FILE` in ours) continue;
        // Set from the container's own address at start; otherwise a port the template defaults.
        if (key === 'TEMPORAL_BROADCAST_ADDRESS')
          expect(entrypoint).toMatch(/^export TEMPORAL_BROADCAST_ADDRESS$/m);
        else expect(templateDefault(key), `${key}: neither set nor defaulted`).toMatch(/^\d+$/);
      }
      expect(ours.DB).toBe(cluster.DB);
      expect(ours.POSTGRES_USER).toBe(cluster.POSTGRES_USER);
      expect(mountedAt('temporal', ours.DYNAMIC_CONFIG_FILE_PATH!)).toBe(cluster.DYNAMIC_CONFIG_FILE_PATH);
      expect(temporal.stop_signal ?? 'SIGTERM').toBe(spec.stopSignal);
      expect(temporal.stop_grace_period).toBe(`${spec.stopTimeoutMs / 1000}s`);
    });

    it('sets up Temporal’s schemas with the cluster’s temporal-sql-tool steps and settings', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'vermist-sql-tool-'));
      const tool = path.join(dir, 'temporal-sql-tool');
      writeFileSync(
        tool,
        '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$0.calls"\nenv | sed -n \'s/^\\(SQL_[A-Z_]*\\)=.*/\\1/p\' >> "$0.env"\n',
      );
      chmodSync(tool, 0o755);
      await setupTemporalSchemas(tool, ADMIN_TOOLS_SCHEMA_DIR, { port: 5432, password: 'pw' });
      const clusterSteps = readFileSync(`${tool}.calls`, 'utf8').trim().split('\n');

      const job = service('temporal-schema');
      expect(job.command?.slice(0, 2)).toEqual(['/bin/sh', '-ec']);
      const steps = job.command![2]!.trim().split('\n');
      expect(steps.map((step) => step.replace(/^temporal-sql-tool /, ''))).toEqual(clusterSteps);
      expect(steps.every((step) => step.startsWith('temporal-sql-tool '))).toBe(true);

      const clusterEnv = new Set(readFileSync(`${tool}.env`, 'utf8').trim().split('\n'));
      const ours = env('temporal-schema');
      expect(new Set(Object.keys(ours).map((key) => key.replace(/_FILE$/, '')))).toEqual(clusterEnv);
      expect(ours.SQL_PLUGIN).toBe('postgres12');
      expect(ours.SQL_USER).toBe(DB_USER);
      expect(ours.SQL_HOST).toBe('postgresql');
    });

    it('creates the namespace with the cluster’s retention and search attributes', async () => {
      const plan = readClusterVermistPlan(path.join(ROOT, 'scripts/cluster/supervisor.ts'));
      const { retention } = loadPolicy(path.join(ROOT, 'config/policy.json'));
      const changes = async (exists: boolean) => {
        const calls: string[][] = [];
        await ensureNamespace(
          (args) => {
            calls.push(args);
            const missing = args.includes('describe') && !exists;
            return missing ? Promise.reject(new Error('namespace not found')) : Promise.resolve('listed');
          },
          plan.namespace,
          retention.temporalNamespace,
        );
        return calls
          .filter((args) => !args.includes('describe') && !args.includes('list'))
          .map((args) => `temporal ${args.join(' ')}`);
      };
      const cluster = new Set([...(await changes(false)), ...(await changes(true))]);
      expect(cluster.size).toBeGreaterThanOrEqual(4);

      const job = service('temporal-namespace');
      expect(job.entrypoint).toEqual(['/bin/sh', '-ec']);
      const script = job.command!.join('\n');
      const ours = [...script.matchAll(/temporal operator [^\n|;&>]+/g)]
        .map((m) => m[0].trim())
        .filter((command) => !command.includes('search-attribute list'));
      expect(new Set(ours)).toEqual(cluster);
      expect(script).toContain(`search-attribute list --namespace ${plan.namespace}`);
      expect(env('temporal-namespace').TEMPORAL_ADDRESS).toBe(env('worker').TEMPORAL_ADDRESS);
    });

    it('runs PostgreSQL with the cluster’s role, records database and fast shutdown', () => {
      const spec = postgresService(
        {
          pgBin: '/usr/lib/postgresql/bin',
          dir: tmpdir(),
          port: 5432,
          password: 'pw',
          log: '/dev/null',
          throwaway: true,
        },
        {},
      );
      const postgres = service('postgresql');
      expect(postgres.environment?.POSTGRES_USER).toBe(DB_USER);
      expect(postgres.environment?.POSTGRES_DB).toBe(RECORDS_DB);
      expect(postgres.stop_signal).toBe(spec.stopSignal);
      expect(postgres.stop_grace_period).toBe(`${spec.stopTimeoutMs / 1000}s`);
    });
  });

  it('has a Prometheus config promtool accepts, alert rules included, with the job names the dashboards select on', () => {
    const config = path.join(ROOT, 'ops/prometheus/prometheus.yml');
    const check = spawnSync(tools.promtool, ['check', 'config', config], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/);
    // Mounted beside the config, where its relative rule_files entry points.
    expect(mountedAt('prometheus', '/etc/prometheus/alerts.yml')).toBe(
      path.join(ROOT, 'ops/prometheus/alerts.yml'),
    );
    const jobs = [...readFileSync(config, 'utf8').matchAll(/job_name: (\S+)/g)].map((m) => m[1]);
    expect(jobs).toEqual(['vermist-api', 'vermist-worker', 'temporal']);
    const dashboards = ['supervisor.json', 'operator.json']
      .map((file) => readFileSync(path.join(ROOT, 'ops/grafana/dashboards', file), 'utf8'))
      .join('\n');
    const selected = [...dashboards.matchAll(/job=\\"([^"\\]+)\\"/g)].map((m) => m[1]);
    expect(selected.length).toBeGreaterThan(0);
    for (const job of selected) expect(jobs).toContain(job);
  });

  it('gives every dashboard panel the datasource Grafana provisions', () => {
    const provisioned = readFileSync(
      path.join(ROOT, 'ops/grafana/provisioning/datasources/prometheus.yml'),
      'utf8',
    );
    const uid = /uid: (\S+)/.exec(provisioned)![1];
    for (const file of ['supervisor.json', 'operator.json']) {
      const { panels } = JSON.parse(
        readFileSync(path.join(ROOT, 'ops/grafana/dashboards', file), 'utf8'),
      ) as {
        panels: { type: string; datasource?: { uid: string }; targets?: { datasource: { uid: string } }[] }[];
      };
      for (const panel of panels.filter((p) => p.type !== 'row')) {
        expect(panel.datasource?.uid).toBe(uid);
        for (const target of panel.targets ?? []) expect(target.datasource.uid).toBe(uid);
      }
    }
  });
});

/** Ports for temporalEnv: which ones does not matter, only the names it sets. */
const anyPorts = {
  grpc: 1,
  http: 2,
  metrics: 3,
  membership: { frontend: 4, history: 5, matching: 6, worker: 7 },
  internal: { history: 8, matching: 9, worker: 10 },
};

/** The default ops/temporal/vermist.yaml.tmpl gives a variable (`default "<value>" (env "<NAME>")`). */
function templateDefault(name: string): string | undefined {
  const template = readFileSync(path.join(__dirname, '../../ops/temporal/vermist.yaml.tmpl'), 'utf8');
  return new RegExp(`default "([^"]*)" \\(env "${name}"\\)`).exec(template)?.[1];
}

/** The site blocks of a Caddyfile whose address is an environment placeholder, by variable name. */
function caddySites(text: string): Record<string, string> {
  const sites: Record<string, string> = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const start = /^\{\$([A-Z_]+)\} \{$/.exec(line);
    if (start) current = start[1]!;
    else if (line === '}') current = undefined;
    else if (current && !line.trim().startsWith('#')) sites[current] = `${sites[current] ?? ''}${line}\n`;
  }
  return sites;
}

/** Every file under a directory, as paths relative to it. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix)).flatMap((name) => {
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(path.join(dir, rel)).isDirectory() ? walk(dir, rel) : [rel];
  });
}
