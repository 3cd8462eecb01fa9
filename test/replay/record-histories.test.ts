import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { CaseHarness } from '../support/case-harness';
import { HISTORIES_DIR, historyAsJson, historyFile } from './histories';
import { scenarios } from './scenarios';

// `npm run record-histories` sets this. Recording replaces the histories every later change must replay,
// so it is a deliberate act, never part of an ordinary test run.
const recording = process.env.VERMIST_RECORD_HISTORIES === '1';

describe.runIf(recording)('recording case histories for replay', () => {
  beforeAll(() => {
    mkdirSync(HISTORIES_DIR, { recursive: true });
    for (const file of readdirSync(HISTORIES_DIR)) rmSync(path.join(HISTORIES_DIR, file));
  });

  it.each(scenarios)(
    'records $name',
    async (scenario) => {
      const h = await new CaseHarness(`record-${scenario.name}`, { server: scenario.server }).start();
      try {
        const caseId = await scenario.drive(h);
        await h.env.client.workflow.getHandle(caseId).result();
        // Walk back from the last run: each continued run's first event names the run it continues.
        const runs = [];
        let runId: string | undefined = (await h.env.client.workflow.getHandle(caseId).describe()).runId;
        while (runId) {
          const history = await h.env.client.workflow.getHandle(caseId, runId).fetchHistory();
          runs.unshift(history);
          runId =
            history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ||
            undefined;
        }
        runs.forEach((history, i) =>
          writeFileSync(historyFile(scenario.name, i + 1), historyAsJson(history)),
        );
      } finally {
        await h.stop();
      }
    },
    300_000,
  );
});
