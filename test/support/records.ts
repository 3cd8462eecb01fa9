import { openRecordsStore, type RecordsStore } from '../../records/records.store';
import { TEST_PAYLOAD_KEY } from './temporal';

/**
 * A records store for one test file: PGlite in memory by default, or the PostgreSQL server at `location`.
 * Sealed with the test payload key, so a test can open what it finds.
 */
export function openTestRecords(location = 'memory://'): Promise<RecordsStore> {
  return openRecordsStore(location, [TEST_PAYLOAD_KEY]);
}
