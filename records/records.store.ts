import { createAccessLog } from './access-log';
import { createCasePhotos } from './case-photos';
import { createCaseRecords } from './case-records';
import { createFeedEntries } from './feed-entries';
import { createIdempotencyKeys } from './idempotency-keys';
import { createRateWindows } from './rate-windows';
import { openRecordsDatabase, type RecordsDatabase } from './records.database';
import { createSealer } from './sealer';

/**
 * The records store: what must outlast Temporal's retention. The workflow writes each case version, the
 * delivery activity writes feed entries, the API keeps case photos, serves every read from here and logs
 * every disclosure here, and nothing here ever decides a transition.
 */
export function createRecordsStore(database: RecordsDatabase, keys: Buffer[]) {
  const sealer = createSealer(keys);
  return {
    database,
    cases: createCaseRecords({ db: database.db, sealer }),
    accessLog: createAccessLog({ db: database.db }),
    feed: createFeedEntries({ database, sealer }),
    idempotency: createIdempotencyKeys({ db: database.db, sealer }),
    photos: createCasePhotos({ db: database.db, sealer }),
    rateWindows: createRateWindows({ db: database.db, keys }),
  };
}

export type RecordsStore = ReturnType<typeof createRecordsStore>;

/** Opens (and migrates) the store at `location`: a `postgres://` URL, a PGlite directory, or `memory://`. */
export async function openRecordsStore(location: string, keys: Buffer[]): Promise<RecordsStore> {
  return createRecordsStore(await openRecordsDatabase(location), keys);
}
