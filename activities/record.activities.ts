import type { CaseView } from '../machines/case.view';
import type { CaseRecords } from '../records/case-records';

/** One version of a case as its workflow hands it to the records store. */
export type CaseRecordVersion = {
  version: number;
  view: CaseView;
  /** Ids of the commands this version applied. */
  commands: string[];
};

export type RecordDeps = { records: { cases: CaseRecords } };

/** Builds the activities that keep the records store current, from injected dependencies. */
export function createRecordActivities(deps: RecordDeps) {
  return {
    /**
     * Writes one version of a case. Idempotent: the store keeps the newest version, so a retried, replayed
     * or late write of an older one changes nothing.
     */
    async saveCaseRecord(input: CaseRecordVersion): Promise<void> {
      await deps.records.cases.save(input.version, input.view, input.commands);
    },
  };
}

export type RecordActivities = ReturnType<typeof createRecordActivities>;
