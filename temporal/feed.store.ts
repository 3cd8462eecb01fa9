import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FeedEntry } from '../machines/notification.schema';
import type { FeedParty } from '../machines/party.schema';
import { feedAppendSignal, feedEntriesQuery, feedWorkflowId } from '../workflows/feed.messages';
import type { feedWorkflow } from '../workflows/feed.workflow';

/** The in-app feeds, each a long-running workflow: activities append, the API reads. */
export function createFeedStore(deps: { client: Client; taskQueue: string }) {
  return {
    async append(entry: FeedEntry): Promise<void> {
      await deps.client.workflow.signalWithStart<typeof feedWorkflow, [FeedEntry]>('feedWorkflow', {
        workflowId: feedWorkflowId(entry.party, entry.tenant),
        taskQueue: deps.taskQueue,
        args: [{}],
        signal: feedAppendSignal,
        signalArgs: [entry],
      });
    },

    /** A role's feed in its tenant; empty when nothing was ever sent to it. */
    async list(party: FeedParty, tenant: string): Promise<FeedEntry[]> {
      try {
        return await deps.client.workflow.getHandle(feedWorkflowId(party, tenant)).query(feedEntriesQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return [];
        throw error;
      }
    },
  };
}

export type FeedStore = ReturnType<typeof createFeedStore>;
