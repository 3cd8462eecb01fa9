import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContactsSchema } from '../../activities/contacts.schema';
import { EnvSchema } from '../../config/env.schema';
import { opsTools, type OpsTools } from '../support/ops-tools';

const ROOT = path.join(__dirname, '../..');

describe('docker-compose.yml (validated by Debian’s docker-compose, no Docker engine needed)', () => {
  let tools: OpsTools;

  // A clean environment: nothing from this shell or a local .env may fill a value in.
  const compose = (envFile: string, ...args: string[]) =>
    spawnSync(tools.dockerCompose, ['--env-file', envFile, '-f', 'docker-compose.yml', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
  const rendered = () => {
    const result = compose(path.join(ROOT, '.env.example'), 'config');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result.stdout;
  };

  beforeAll(() => {
    tools = opsTools();
  });

  it('renders with the env file example and runs every part of the production shape', () => {
    rendered();
    const services = compose(path.join(ROOT, '.env.example'), 'config', '--services').stdout.split('\n');
    expect(services).toEqual(
      expect.arrayContaining([
        'postgresql',
        'temporal',
        'temporal-ui',
        'worker',
        'api',
        'prometheus',
        'grafana',
      ]),
    );
  });

  it('refuses to render without the secrets, naming the missing one', () => {
    const empty = path.join(mkdtempSync(path.join(tmpdir(), 'vermist-compose-')), 'empty.env');
    writeFileSync(empty, '');
    const result = compose(empty, 'config');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/set TEMPORAL_DB_(USER|PASSWORD) in \.env/);
  });

  it('carries no secret value of its own', () => {
    const text = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const name of ['PASSWORD', 'PWD', 'PAYLOAD_KEYS'])
      for (const line of text.split('\n').filter((l) => l.includes(`${name}:`)))
        expect(line, line).toMatch(/\$\{[A-Z_]+:\?/);
  });

  it('pins every image to an explicit version', () => {
    const images = [...rendered().matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThanOrEqual(7);
    for (const image of images) expect(image, image).toMatch(/^[^:]+:v?\d+\.\d+(\.\d+)?(-[a-z0-9]+)?$/);
  });

  it('gives every long-running service a health check', () => {
    // Only the services block: other top-level blocks (secrets, volumes) name things at the same depth.
    const text = /^services:\n([\s\S]*?)(?=^\S)/m.exec(rendered())![1]!;
    const services = text.split(/^ {2}(?=[a-z-]+:$)/m).slice(1);
    expect(services.length).toBeGreaterThanOrEqual(7);
    for (const service of services) expect(service, service.split('\n')[0]).toContain('healthcheck:');
  });

  it('gives the workers a valid contacts file as a secret, and valid mail and link settings', () => {
    const text = rendered();
    const contactsFile = /vermist-contacts:\n\s+file: (\S+)/.exec(text)?.[1];
    expect(contactsFile).toBeDefined();
    ContactsSchema.parse(JSON.parse(readFileSync(contactsFile!, 'utf8')));
    expect(text).toContain('VERMIST_CONTACTS_FILE: /run/secrets/vermist-contacts');
    const example = Object.fromEntries(
      readFileSync(path.join(ROOT, '.env.example'), 'utf8')
        .split('\n')
        .filter((line) => /^VERMIST_(SMTP_URL|MAIL_FROM|PUBLIC_URL)=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(example)).toHaveLength(3);
    EnvSchema.pick({ VERMIST_SMTP_URL: true, VERMIST_MAIL_FROM: true, VERMIST_PUBLIC_URL: true }).parse(
      example,
    );
  });

  it('mounts configuration that exists in the repository', () => {
    const sources = [...rendered().matchAll(/^\s+- (\/[^:]+):[^:]+:ro$/gm)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) expect(existsSync(source), source).toBe(true);
  });

  it('has a Prometheus config promtool accepts, with the job names the dashboards select on', () => {
    const config = path.join(ROOT, 'ops/prometheus/prometheus.yml');
    const check = spawnSync(tools.promtool, ['check', 'config', config], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
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
