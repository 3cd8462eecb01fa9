import { createCaseRecords } from './case-records';
import type { RecordsDatabase } from './records.database';
import { createSealer } from './sealer';

/**
 * The records store: what must outlast Temporal's retention. The workflow writes each case version, the
 * API serves every read from here, and nothing here ever decides a transition.
 */
export function createRecordsStore(database: RecordsDatabase, keys: Buffer[]) {
  const sealer = createSealer(keys);
  return {
    database,
    cases: createCaseRecords({ db: database.db, sealer }),
  };
}

export type RecordsStore = ReturnType<typeof createRecordsStore>;
