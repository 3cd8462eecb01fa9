import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '../..');

/** Runs `npm start`'s entry point with an environment, as a user would, and says how it ended. */
function start(env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/dev.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stderr: run.stderr };
}

describe('the embedded launcher (npm start)', () => {
  it('refuses to run with NODE_ENV=production', () => {
    const { code, stderr } = start({ NODE_ENV: 'production', VERMIST_DATA_DIR: '/nonexistent/never-made' });
    expect(code).toBe(1);
    expect(stderr).toContain('embedded development default');
  });

  it('refuses a Temporal cluster that is not on this machine', () => {
    const { code, stderr } = start({
      TEMPORAL_ADDRESS: 'temporal.example.org:7233',
      VERMIST_DATA_DIR: '/nonexistent/never-made',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('is not loopback');
  });
});
