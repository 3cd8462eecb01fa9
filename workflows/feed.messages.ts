import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FeedEntry } from '../machines/notification.schema';

/** Adds an entry to a role's feed; an entry whose id is there already is ignored. */
export const feedAppendSignal = defineSignal<[FeedEntry]>('feedAppend');

/** The feed's entries, newest last. */
export const feedEntriesQuery = defineQuery<FeedEntry[]>('feedEntries');

/** One feed per role and tenant (institution for the clinic, region for the others). */
export function feedWorkflowId(party: FeedEntry['party'], tenant: string): string {
  return `feed-${party}-${tenant}`;
}
