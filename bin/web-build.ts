import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');
export const WEB_DIST = path.join(root, 'web', 'dist');
// Outside web/dist, which `npm run build` empties: a build by hand then counts as current.
const STAMP = path.join(root, 'node_modules', '.cache', 'vermist-web-sources');
// What the bundle is made of: the app, and the schemas and action routes it shares with the API.
const SOURCES = ['web', 'machines', 'api'];

/**
 * Builds the web app when its sources changed since the last build, so `npm start` always serves the
 * current app without a second server. Production serves what `npm run build` made.
 */
export async function ensureWebBuild(log: (line: string) => void): Promise<void> {
  if (!existsSync(path.join(root, 'web', 'vite.config.ts'))) return;
  const digest = sourcesDigest();
  const built = existsSync(path.join(WEB_DIST, 'index.html'));
  if (built && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === digest) return;
  log('building the web app (its sources changed)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
  mkdirSync(path.dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, digest);
}

function sourcesDigest(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (full === WEB_DIST || name === 'node_modules') continue;
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(path.relative(root, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  for (const dir of SOURCES) walk(path.join(root, dir));
  return hash.digest('hex');
}
