import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { databaseUrl, DB_USER, ensureDatabase, RECORDS_DB, type PostgresPlan } from './postgres';

/** What a backup holds: Temporal's two databases and the records store, all on the cluster's one server. */
export const BACKUP_DATABASES = ['temporal', 'temporal_visibility', RECORDS_DB] as const;

const MANIFEST = 'manifest.json';

/** `<backup>/manifest.json`: what was dumped, from which versions, and which keys its data needs. */
export const BackupManifestSchema = z.object({
  format: z.literal(1),
  takenAt: z.iso.datetime(),
  /** How long writers waited while the three snapshots were taken at one instant. */
  cutMs: z.number(),
  databases: z.array(
    z.object({
      name: z.enum(BACKUP_DATABASES),
      /** A `pg_dump -Fc` archive, beside the manifest. */
      file: z.string(),
      bytes: z.number().int(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
  versions: z.object({
    postgres: z.string(),
    pgDump: z.string(),
    temporalServer: z.string(),
    /** `schema_version.curr_version` of each Temporal database. */
    temporalSchema: z.string(),
    visibilitySchema: z.string(),
    /** The newest records-store migration applied. */
    recordsMigration: z.string(),
  }),
  /** Fixed when Temporal's database was made: a restored one runs only with the same number. */
  historyShards: z.number().int(),
  /**
   * Fingerprints of the payload keys in use when the backup was taken (the key ids that payloads and
   * sealed rows carry in clear), never the keys: without those keys the backup cannot be read.
   */
  payloadKeyIds: z.array(z.string()).min(1),
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

/** Where the databases are and what to dump them with. */
export type BackupSource = {
  pgBin: string;
  port: number;
  password: string;
  /** VERMIST_PAYLOAD_KEYS as the cluster runs with it: only its fingerprints go into the manifest. */
  payloadKeys: string;
  /** The Temporal server binary, asked for its version. */
  temporalServer: string;
};

/**
 * The fingerprint a key is named by in every payload (`temporal/encryption.codec.ts`) and every sealed row
 * (`records/sealer.ts`): the first 8 bytes of its SHA-256, in hex.
 */
export function payloadKeyIds(payloadKeys: string): string[] {
  return payloadKeys
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean)
    .map((key) => createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 16));
}

/**
 * Dumps the three databases with `pg_dump -Fc` into `dir` (new or empty) and writes the manifest last, so
 * a directory with a manifest is a whole backup. The dumps are of one instant across the three (see
 * consistentCut), so a restore is the state a crash of the database server at that instant would leave.
 */
export async function backupDatabases(source: BackupSource, dir: string): Promise<BackupManifest> {
  if (existsSync(path.join(dir, MANIFEST))) throw new Error(`${dir} already holds a backup`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const url = (database: string) => databaseUrl(source, database);
  const cut = await consistentCut(url);
  try {
    await Promise.all(
      BACKUP_DATABASES.map((name) =>
        pgTool(source, 'pg_dump', [
          '--format=custom',
          `--snapshot=${cut.snapshots[name]}`,
          `--file=${path.join(dir, `${name}.dump`)}`,
          // The servers' heartbeats, not data: a restored server would take the dead ones for peers and
          // route to them ("Not enough hosts to serve the request") until they expire.
          ...(name === 'temporal' ? ['--exclude-table-data=cluster_membership'] : []),
          name,
        ]),
      ),
    );
  } finally {
    await cut.release();
  }
  const versions = await readVersions(source, url);
  const manifest: BackupManifest = {
    format: 1,
    takenAt: cut.takenAt,
    cutMs: cut.cutMs,
    databases: await Promise.all(
      BACKUP_DATABASES.map(async (name) => {
        const file = `${name}.dump`;
        // pg_dump leaves the umask's mode: the dumps hold ids, regions and states in clear.
        chmodSync(path.join(dir, file), 0o600);
        return {
          name,
          file,
          bytes: statSync(path.join(dir, file)).size,
          sha256: await sha256(path.join(dir, file)),
        };
      }),
    ),
    versions: versions.versions,
    historyShards: versions.historyShards,
    payloadKeyIds: payloadKeyIds(source.payloadKeys),
  };
  writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/**
 * Checks, before anything starts, that a cluster may be restored from `dir` into `dataDir`: a whole backup,
 * a data dir whose PostgreSQL was never initialised, and the backup's payload keys already in
 * `<data>/secrets/payload-keys` (the cluster would otherwise make a new key and start with every case
 * unreadable). Throws saying what to do.
 */
export function checkRestore(dir: string, dataDir: string): BackupManifest {
  const manifestFile = path.join(dir, MANIFEST);
  if (!existsSync(manifestFile))
    throw new Error(`--restore ${dir}: no ${MANIFEST} there, so no whole backup`);
  const manifest = BackupManifestSchema.parse(JSON.parse(readFileSync(manifestFile, 'utf8')));
  for (const { file } of manifest.databases) {
    if (!existsSync(path.join(dir, file))) throw new Error(`--restore ${dir}: ${file} is missing`);
  }
  if (existsSync(path.join(dataDir, 'postgres/data/PG_VERSION'))) {
    throw new Error(
      `--restore needs a new data dir: ${dataDir}/postgres already holds databases (remove it, or pick another --data)`,
    );
  }
  const keysFile = path.join(dataDir, 'secrets/payload-keys');
  if (!existsSync(keysFile)) {
    throw new Error(
      `--restore: ${keysFile} is missing. Put the payload keys the backup was taken with there (mode 0600) ` +
        `before restoring: without them no case in the backup can be read (key ids ${manifest.payloadKeyIds.join(', ')})`,
    );
  }
  const have = new Set(payloadKeyIds(readFileSync(keysFile, 'utf8')));
  const lacking = manifest.payloadKeyIds.filter((id) => !have.has(id));
  if (lacking.length > 0) {
    throw new Error(
      `--restore: ${keysFile} lacks the payload key(s) ${lacking.join(', ')} the backup was taken with: ` +
        'add them (after the newest, comma-separated), or no case sealed under them can be read',
    );
  }
  return manifest;
}

/**
 * Restores every database of the backup into the cluster's new, empty server, each in one transaction,
 * before the Temporal schema tool, the server and the Vermist processes start. Checks each archive's
 * checksum first. Objects come to belong to whoever restores them (`--no-owner`).
 */
export async function restoreDatabases(
  plan: PostgresPlan,
  dir: string,
  manifest: BackupManifest,
): Promise<void> {
  for (const { file, sha256: expected } of manifest.databases) {
    if ((await sha256(path.join(dir, file))) !== expected) {
      throw new Error(`--restore: ${file} does not match its checksum in the manifest`);
    }
  }
  for (const { name, file } of manifest.databases) {
    await ensureDatabase(plan, name);
    await pgTool(plan, 'pg_restore', [
      ...['--exit-on-error', '--single-transaction', '--no-owner', '--no-privileges'],
      ...['--dbname', name, path.join(dir, file)],
    ]);
  }
}

type Cut = {
  /** An exported snapshot per database, for `pg_dump --snapshot`. */
  snapshots: Record<(typeof BACKUP_DATABASES)[number], string>;
  takenAt: string;
  cutMs: number;
  /** Ends the snapshot transactions: after every dump has started. */
  release(): Promise<void>;
};

/**
 * One instant across the three databases. A snapshot cannot cross databases, so writes are held for a
 * moment instead: a lock on every table of each database (EXCLUSIVE: reads go on, writes wait), a snapshot
 * exported in each while no write can commit anywhere, then the locks go. A writer that needs a table this
 * has locked while holding one it wants is a deadlock: this side's short deadlock_timeout makes it the side
 * that gives up, and the cut is tried again.
 */
async function consistentCut(url: (database: string) => string): Promise<Cut> {
  for (let attempt = 1; ; attempt++) {
    const lockers = BACKUP_DATABASES.map((name) => new pg.Client({ connectionString: url(name) }));
    const holders = BACKUP_DATABASES.map((name) => new pg.Client({ connectionString: url(name) }));
    const all = [...lockers, ...holders];
    try {
      await Promise.all(all.map((client) => client.connect()));
      const began = Date.now();
      await Promise.all(
        lockers.map(async (client) => {
          const { rows } = await client.query<{ name: string }>(
            `select format('%I.%I', schemaname, tablename) as name from pg_tables
             where schemaname not in ('pg_catalog', 'information_schema')`,
          );
          await client.query('begin');
          await client.query(`set local lock_timeout = '10s'`);
          await client.query(`set local deadlock_timeout = '50ms'`);
          if (rows.length > 0)
            await client.query(`lock table ${rows.map((r) => r.name).join(', ')} in exclusive mode`);
        }),
      );
      const exported = await Promise.all(
        holders.map(async (client) => {
          await client.query('begin isolation level repeatable read read only');
          const { rows } = await client.query<{ id: string }>('select pg_export_snapshot() as id');
          return rows[0]!.id;
        }),
      );
      const takenAt = new Date().toISOString();
      await Promise.all(lockers.map((client) => client.query('commit')));
      const cutMs = Date.now() - began;
      await Promise.all(lockers.map((client) => client.end()));
      return {
        snapshots: Object.fromEntries(
          BACKUP_DATABASES.map((name, i) => [name, exported[i]!]),
        ) as Cut['snapshots'],
        takenAt,
        cutMs,
        release: async () => {
          await Promise.all(holders.map((client) => client.end()));
        },
      };
    } catch (error) {
      await Promise.all(all.map((client) => client.end().catch(() => undefined)));
      const code = (error as { code?: string }).code;
      // 40P01 deadlock_detected, 55P03 lock_not_available: writers were busy; try again shortly.
      if (attempt >= 5 || (code !== '40P01' && code !== '55P03')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

async function readVersions(source: BackupSource, url: (database: string) => string) {
  const query = async (database: string, text: string) => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return String(Object.values((await client.query<Record<string, unknown>>(text)).rows[0] ?? {})[0]);
    } finally {
      await client.end();
    }
  };
  const output = async (command: string, args: string[]) =>
    (await promisify(execFile)(command, args, { timeout: 30_000 })).stdout.trim();
  return {
    versions: {
      postgres: await query('postgres', 'show server_version'),
      pgDump: await output(path.join(source.pgBin, 'pg_dump'), ['--version']),
      temporalServer: await output(source.temporalServer, ['--version']),
      temporalSchema: await query('temporal', 'select curr_version from schema_version'),
      visibilitySchema: await query('temporal_visibility', 'select curr_version from schema_version'),
      recordsMigration: await query(RECORDS_DB, 'select max(name) from kysely_migration'),
    },
    historyShards: Number(await query('temporal', 'select count(*) from shards')),
  };
}

/** Runs pg_dump or pg_restore against the cluster's server, the password in the environment (not in ps). */
async function pgTool(db: { pgBin: string; port: number; password: string }, tool: string, args: string[]) {
  try {
    await promisify(execFile)(
      path.join(db.pgBin, tool),
      [...['--host=127.0.0.1', `--port=${db.port}`, `--username=${DB_USER}`, '--no-password'], ...args],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PGPASSWORD: db.password },
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${tool} ${args.at(-1)} failed:\n${stderr?.trim() || String(error)}`, { cause: error });
  }
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
