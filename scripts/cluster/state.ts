import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const ProcessSchema = z.object({
  name: z.string(),
  /** The process and the leader of its process group; null while it is being restarted. */
  pid: z.number().int().nullable(),
  /** When that process started (ticks since boot): a pid reused by another process is not it. */
  started: z.string().nullable(),
  /** What asks it to stop cleanly (SIGINT for PostgreSQL's fast shutdown). */
  stopSignal: z.enum(['SIGTERM', 'SIGINT']),
  log: z.string(),
});

const AddressSchema = z.string().regex(/^[^\s:]+:\d+$/);

/**
 * What a running cluster writes to `<data>/cluster.json`: enough for `--stop` to stop every process group,
 * and for tests and benchmarks to reach every part and sign tokens. Rewritten whenever a pid changes.
 */
export const ClusterStateSchema = z.object({
  status: z.enum(['starting', 'ready', 'stopping']),
  supervisorPid: z.number().int(),
  supervisorStarted: z.string().nullable(),
  dataDir: z.string(),
  /** A throwaway cluster deletes its data dir when it stops. */
  throwaway: z.boolean(),
  /** The one address clients use: the proxy in front of every API instance. */
  base: z.url(),
  apis: z.array(z.object({ name: z.string(), base: z.url(), metrics: AddressSchema })),
  workers: z.array(z.object({ name: z.string(), metrics: AddressSchema })),
  identity: z.object({
    jwksUrl: z.url(),
    issuer: z.string(),
    audience: z.string(),
    /** The private ES256 JWK that signs tokens (mode 0600). */
    signingKey: z.string(),
  }),
  temporal: z.object({
    address: AddressSchema,
    namespace: z.string(),
    metrics: AddressSchema,
    taskQueue: z.string(),
  }),
  postgres: z.object({ port: z.number().int(), dataDir: z.string() }),
  /** The records store, with its password: the state file is readable by its owner only. */
  recordsUrl: z.string(),
  logs: z.string(),
  processes: z.array(ProcessSchema),
  startedAt: z.iso.datetime(),
  /** From the launch to every health check passing. */
  healthyAfterMs: z.number().optional(),
});
export type ClusterState = z.infer<typeof ClusterStateSchema>;

export const stateFile = (dataDir: string): string => path.join(dataDir, 'cluster.json');

export function readState(dataDir: string): ClusterState {
  return ClusterStateSchema.parse(JSON.parse(readFileSync(stateFile(dataDir), 'utf8')));
}

/** Writes the state atomically, so a reader never sees half of it. */
export function writeState(state: ClusterState): void {
  const file = stateFile(state.dataDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
