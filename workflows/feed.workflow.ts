import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { FeedEntry } from '../machines/notification.schema';
import { feedAppendSignal, feedEntriesQuery } from './feed.messages';

/** The feed's arguments: the entries a previous run carried over. */
export type FeedWorkflowInput = { entries?: FeedEntry[] };

/** Entries a feed keeps; older ones remain on their cases' delivery records. */
const KEPT = 500;
const HISTORY_LIMIT = 2_000;

/**
 * The in-app feed of one role in one tenant, kept durably by Temporal itself: no database server. Entries
 * arrive as signals (signal-with-start from the delivery activity) and are read with a query.
 */
export async function feedWorkflow(input: FeedWorkflowInput): Promise<void> {
  const entries: FeedEntry[] = input.entries ?? [];
  const ids = new Set(entries.map((e) => e.id));
  setHandler(feedAppendSignal, (entry) => {
    if (ids.has(entry.id)) return;
    ids.add(entry.id);
    entries.push(entry);
    if (entries.length > KEPT)
      for (const gone of entries.splice(0, entries.length - KEPT)) ids.delete(gone.id);
  });
  setHandler(feedEntriesQuery, () => entries);
  await condition(
    () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT,
  );
  await condition(allHandlersFinished);
  await continueAsNew<typeof feedWorkflow>({ entries });
}
