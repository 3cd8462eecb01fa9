import type { CaseState, HistoryAdded } from '../machines/case.view';
import type { CaseRecords } from '../records/case-records';

/** One version of a case as its workflow hands it to the records store: its state, and what it adds. */
export type CaseRecordVersion = {
  version: number;
  state: CaseState;
  added: HistoryAdded;
  /** Ids of the commands this version applied. */
  commands: string[];
};

export type RecordDeps = { records: { cases: CaseRecords } };

/** Builds the activities that keep the records store current, from injected dependencies. */
export function createRecordActivities(deps: RecordDeps) {
  return {
    /**
     * Writes one version of a case: its state, and its history grown by what the version adds.
     * Idempotent: the store keeps the newest version, so a retried, replayed or late write of an older one
     * changes nothing and appends nothing twice.
     */
    async saveCaseRecord(input: CaseRecordVersion): Promise<void> {
      await deps.records.cases.append(input.version, input.state, input.added, input.commands);
    },
  };
}

export type RecordActivities = ReturnType<typeof createRecordActivities>;
