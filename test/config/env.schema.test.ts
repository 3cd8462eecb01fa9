import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILE_SECRETS, parseEnv } from '../../config/env.schema';

const KEY = Buffer.alloc(32, 7).toString('base64');
const RECORDS = 'postgres://temporal:s3cret-pw@postgresql:5432/vermist_records';
const SMTP = 'smtp://mailer:s3cret-pw@mail.example.org:587?requireTLS=true';

/** Writes each content to a file of its own, as compose mounts a secret, and answers their paths. */
function secretFiles(contents: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vermist-env-'));
  return Object.fromEntries(
    Object.entries(contents).map(([name, content]) => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      return [name, file];
    }),
  );
}

const failure = (source: Record<string, string | undefined>) => {
  try {
    parseEnv(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('parseEnv accepted the environment');
};

describe('parseEnv with secrets in files (<NAME>_FILE)', () => {
  it('reads every file secret from the file its _FILE variable names, without the trailing newline', () => {
    const files = secretFiles({ keys: `${KEY}\n`, records: `${RECORDS}\n`, smtp: `${SMTP}\n` });
    const env = parseEnv({
      VERMIST_PAYLOAD_KEYS_FILE: files.keys,
      VERMIST_RECORDS_URL_FILE: files.records,
      VERMIST_SMTP_URL_FILE: files.smtp,
    });
    expect(env.VERMIST_PAYLOAD_KEYS).toEqual([KEY]);
    expect(env.VERMIST_RECORDS_URL).toBe(RECORDS);
    expect(env.VERMIST_SMTP_URL).toBe(SMTP);
    expect(FILE_SECRETS).toEqual([
      'VERMIST_PAYLOAD_KEYS',
      'VERMIST_PATIENT_KEY_SECRET',
      'VERMIST_RECORDS_URL',
      'VERMIST_SMTP_URL',
    ]);
  });

  it('parses a file’s content as it parses the variable: several payload keys, the first encrypting', () => {
    const second = Buffer.alloc(32, 9).toString('base64');
    const files = secretFiles({ keys: `${KEY},${second}\n` });
    expect(parseEnv({ VERMIST_PAYLOAD_KEYS_FILE: files.keys }).VERMIST_PAYLOAD_KEYS).toEqual([KEY, second]);
  });

  it('still takes the value itself when no _FILE is set', () => {
    expect(parseEnv({ VERMIST_RECORDS_URL: RECORDS }).VERMIST_RECORDS_URL).toBe(RECORDS);
  });

  it('refuses a secret set both ways, naming the variable', () => {
    const files = secretFiles({ records: RECORDS });
    expect(failure({ VERMIST_RECORDS_URL: RECORDS, VERMIST_RECORDS_URL_FILE: files.records })).toContain(
      'VERMIST_RECORDS_URL_FILE: set VERMIST_RECORDS_URL or VERMIST_RECORDS_URL_FILE, not both',
    );
  });

  it('refuses a file it cannot read, naming the variable and the path', () => {
    const missing = path.join(tmpdir(), 'vermist-no-such-secret');
    expect(failure({ VERMIST_SMTP_URL_FILE: missing })).toContain(
      `VERMIST_SMTP_URL_FILE: cannot read ${missing} (ENOENT)`,
    );
  });

  it('checks a file’s content as it checks the variable, and never repeats the content', () => {
    const files = secretFiles({ smtp: 'mailer:s3cret-pw@mail.example.org', keys: 's3cret-pw' });
    const message = failure({ VERMIST_SMTP_URL_FILE: files.smtp, VERMIST_PAYLOAD_KEYS_FILE: files.keys });
    expect(message).toMatch(/VERMIST_SMTP_URL: /);
    expect(message).toMatch(/VERMIST_PAYLOAD_KEYS\.0: must be a base64-encoded 32-byte key/);
    expect(message).not.toContain('s3cret-pw');
  });

  it('leaves other variables that end in _FILE alone: the contacts file is a path, read by the worker', () => {
    const env = parseEnv({ VERMIST_CONTACTS_FILE: '/run/secrets/vermist-contacts' });
    expect(env.VERMIST_CONTACTS_FILE).toBe('/run/secrets/vermist-contacts');
  });
});
