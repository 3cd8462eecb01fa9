import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';

const { History } = temporal.api.history.v1;

/** Histories recorded from real runs of real cases (npm run record-histories), one file per run. */
export const HISTORIES_DIR = path.join(__dirname, 'histories');

export const historyFile = (scenario: string, run: number) =>
  path.join(HISTORIES_DIR, `${scenario}.run-${run}.json`);

/** Every recorded history, as `Worker.runReplayHistories` takes them. */
export function recordedHistories() {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: History.fromObject(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as object),
    }));
}

/**
 * A history as readable JSON: protobufjs's own plain form (enums by name, bytes in base64), which
 * `History.fromObject` reads back exactly. (The SDK's historyToJSON trips over its two protobufjs copies.)
 */
export function historyAsJson(history: temporal.api.history.v1.IHistory): string {
  const object = History.toObject(History.fromObject(history), {
    longs: String,
    enums: String,
    bytes: String,
  });
  return `${JSON.stringify(object, null, 1)}\n`;
}
