// A worker process for a real Temporal cluster: `TEMPORAL_ADDRESS=… npm run worker`.
import { Connection } from '@temporalio/client';
import { parseEnv } from '../config/env.schema';
import { createLogger } from '../config/log';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { applyRetention, installWorkerRuntime, openRecords, payloadKeys, startWorker } from './wiring';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  if (!env.TEMPORAL_ADDRESS)
    throw new Error('set TEMPORAL_ADDRESS (or use `npm start` for the embedded default)');
  const log = createLogger(env.LOG_LEVEL, { service: 'vermist-worker' });
  installWorkerRuntime(env, log);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  await ensureSearchAttributes(connection, env.TEMPORAL_NAMESPACE);
  await connection.close();
  await applyRetention(env, env.TEMPORAL_ADDRESS);
  const keys = payloadKeys(env, undefined);
  const records = await openRecords(env, keys, false);
  const { worker, connection: workerConnection } = await startWorker(
    env,
    env.TEMPORAL_ADDRESS,
    keys,
    log,
    records,
  );
  process.once('SIGINT', () => worker.shutdown());
  process.once('SIGTERM', () => worker.shutdown());
  log.info('worker running', { taskQueue: 'vermist-cases' });
  await worker.run();
  // Shut down: close what the worker held, so the process ends on SIGTERM without a SIGKILL.
  await workerConnection.close();
  await records.database.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
