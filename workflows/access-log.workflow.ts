import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { AccessLogInput, AccessRecord } from '../machines/access-record.schema';

/** Appends one access record to the day's log. */
export const accessRecordedSignal = defineSignal<[AccessRecord]>('accessRecorded');
/** The day's records so far, oldest first. */
export const accessRecordsQuery = defineQuery<AccessRecord[]>('accessRecords');

/** Reads arriving just after midnight (clock skew, slow requests) still land in their own day's log. */
const GRACE_MS = 60 * 60 * 1000;

/** The workflow id of one region's access log for one day: reads are found by day without a search. */
export function accessLogId(region: string, day: string): string {
  return `access-${region}-${day}`;
}

/**
 * One region's access log for one day. Temporal keeps it durably (its history holds every record,
 * encrypted like every payload) and it closes itself after the day, returning the records.
 */
export async function accessLogWorkflow(input: AccessLogInput): Promise<AccessRecord[]> {
  const records: AccessRecord[] = [];
  setHandler(accessRecordedSignal, (record) => void records.push(record));
  setHandler(accessRecordsQuery, () => records);
  const closesAt = Date.parse(`${input.day}T00:00:00.000Z`) + 24 * 60 * 60 * 1000 + GRACE_MS;
  await sleep(Math.max(0, closesAt - Date.now()));
  await condition(allHandlersFinished);
  return records;
}
