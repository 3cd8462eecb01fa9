import { createAccessLog } from './access-log';
import { createCasePhotos, createProfilePhotos } from './sealed-photos';
import { createCaseRecords } from './case-records';
import { createFeedEntries } from './feed-entries';
import { createIdempotencyKeys } from './idempotency-keys';
import { createPatientKeys, derivedPatientKeySecret } from './patient-keys';
import { createProfileErasures } from './profile-erasures';
import { createProfileTasks } from './profile-tasks';
import { createProfiles } from './profiles';
import { createRateWindows } from './rate-windows';
import { openRecordsDatabase, type RecordsDatabase } from './records.database';
import { createSealer } from './sealer';

/** What the store needs beside its payload keys. */
export type RecordsOptions = {
  /**
   * The secret patient keys are made under (`VERMIST_PATIENT_KEY_SECRET`, 32 bytes). Without it, one is
   * derived from the oldest payload key: enough for tests and tools, not for a deployment (bin/wiring.ts).
   */
  patientKeySecret?: Buffer | undefined;
};

/**
 * The records store: what must outlast Temporal's retention. The workflow writes each case version, the
 * delivery activity writes feed entries, the API keeps case photos and patient profiles with theirs, serves every read
 * from here and logs every disclosure here, and nothing here ever decides a transition.
 */
export function createRecordsStore(database: RecordsDatabase, keys: Buffer[], options: RecordsOptions = {}) {
  const sealer = createSealer(keys);
  const patientKeys = createPatientKeys(options.patientKeySecret ?? derivedPatientKeySecret(keys));
  return {
    database,
    cases: createCaseRecords({ db: database.db, sealer }),
    accessLog: createAccessLog({ db: database.db }),
    feed: createFeedEntries({ database, sealer }),
    idempotency: createIdempotencyKeys({ db: database.db, sealer }),
    photos: createCasePhotos({ db: database.db, sealer }),
    profilePhotos: createProfilePhotos({ db: database.db, sealer }),
    rateWindows: createRateWindows({ db: database.db, keys }),
    profiles: createProfiles({ db: database.db, sealer, patientKeys }),
    profileTasks: createProfileTasks({ db: database.db }),
    profileErasures: createProfileErasures({ db: database.db }),
  };
}

export type RecordsStore = ReturnType<typeof createRecordsStore>;

/** Opens (and migrates) the store at `location`: a `postgres://` URL, a PGlite directory, or `memory://`. */
export async function openRecordsStore(
  location: string,
  keys: Buffer[],
  options: RecordsOptions = {},
): Promise<RecordsStore> {
  return createRecordsStore(await openRecordsDatabase(location), keys, options);
}
