import { Router, type Response } from 'express';
import { z } from 'zod';
import { AnnouncementKindSchema } from '../machines/case.events';
import { FeedEntrySchema } from '../machines/notification.schema';
import type { FeedParty } from '../machines/party.schema';
import type { StoredFeedEntry } from '../records/feed-entries';
import type { RecordsStore } from '../records/records.store';
import { readRoles } from '../machines/case.access';
import { principalOf, requireRole, type Principal } from './auth';
import { parseInput, parseHeader } from './validate';

/** A place in the feeds' order: an entry's `seq`, the cursor to read after it. */
export const FeedSeqSchema = z
  .string()
  .regex(/^\d{1,18}$/, 'a feed position: digits only')
  .describe("an entry's seq");

export const FeedQuerySchema = z
  .object({
    event: AnnouncementKindSchema.optional().describe('only entries of this event'),
    since: z.iso.datetime({ offset: true }).optional().describe('only entries after this instant'),
    after: FeedSeqSchema.optional().describe(
      'nextCursor of the previous page, or the seq of the last entry read',
    ),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const FeedStreamQuerySchema = z
  .object({
    after: FeedSeqSchema.optional().describe('replay the entries after this seq first; Last-Event-ID wins'),
  })
  .strict();

/** One entry of a feed, with its place in it. */
export const FeedItemSchema = FeedEntrySchema.extend({ seq: FeedSeqSchema });

/** What `GET /v1/feed` answers: the entries, oldest first. */
export const FeedPageSchema = z.object({
  entries: z.array(FeedItemSchema),
  /** Pass as `after` for the next page; null on the last page (then poll with the last entry's seq). */
  nextCursor: FeedSeqSchema.nullable(),
});

/** What `GET /v1/deliveries/failed` answers: each failure, with a link to its case. */
export const FailedDeliveriesSchema = z.object({
  failures: z.array(
    z.object({ caseId: z.string(), at: z.string(), reason: z.string().nullable(), link: z.string() }),
  ),
});

/** Comment lines that keep proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** A client this far behind gets its stream closed; it reconnects with Last-Event-ID and catches up. */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * The in-app feed: what the caller's role was told, in the caller's tenant, as pages or as a live stream
 * (Server-Sent Events), and the failed deliveries a supervisor must follow up. Each entry links to its
 * case; the case itself answers with the caller's view.
 */
export function feedRouter(deps: { records: Pick<RecordsStore, 'feed'> }): Router {
  const router = Router();
  const { feed } = deps.records;

  router.get('/feed', async (req, res) => {
    const { party, tenant } = feedOf(principalOf(res));
    const query = parseInput(FeedQuerySchema, req.query, 'query');
    const listed = await feed.list(party, tenant, {
      event: query.event,
      since: query.since === undefined ? undefined : new Date(query.since),
      afterSeq: query.after,
      limit: query.limit + 1,
    });
    const entries = listed.slice(0, query.limit);
    const nextCursor = listed.length > query.limit ? (entries.at(-1)?.seq ?? null) : null;
    res.json({ entries, nextCursor } satisfies z.infer<typeof FeedPageSchema>);
  });

  router.get('/feed/stream', async (req, res) => {
    const { party, tenant } = feedOf(principalOf(res));
    const query = parseInput(FeedStreamQuerySchema, req.query, 'query');
    // A reconnecting EventSource sends Last-Event-ID and the original URL: the header is the newer position.
    const lastEventId = parseHeader(FeedSeqSchema.optional(), req, 'last-event-id');
    let gone = false;
    res.once('close', () => (gone = true));

    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    const stop = await feed.subscribe(party, tenant, (entry) => send(res, entry), {
      afterSeq: lastEventId ?? query.after,
      // Ending the stream is the recovery: the client reconnects with Last-Event-ID and misses nothing.
      onError: () => res.end(),
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const end = () => {
      clearInterval(heartbeat);
      void stop();
      if (!res.writableEnded) res.end();
    };
    if (gone) {
      end();
      return;
    }
    res.once('close', end);
    res.flushHeaders();
  });

  router.get('/deliveries/failed', async (_req, res) => {
    const principal = principalOf(res);
    requireRole(principal, readRoles.failedDeliveries, 'list failed deliveries');
    const { party, tenant } = feedOf(principal);
    const failures = (await feed.list(party, tenant, { event: 'delivery.failed' })).map((e) => ({
      caseId: e.caseId,
      at: e.at,
      reason: typeof e.facts.reason === 'string' ? e.facts.reason : null,
      link: e.link,
    }));
    res.json({ failures } satisfies z.infer<typeof FailedDeliveriesSchema>);
  });

  return router;
}

/** The caller's own feed: their role's, in their institution (clinic) or region (everyone else). */
function feedOf(principal: Principal): { party: FeedParty; tenant: string } {
  return {
    party: principal.role,
    tenant: principal.role === 'clinic' ? principal.institutionId : principal.region,
  };
}

function send(res: Response, entry: StoredFeedEntry): void {
  if (res.writableEnded) return;
  res.write(`id: ${entry.seq}\nevent: ${entry.event}\ndata: ${JSON.stringify(entry)}\n\n`);
  if (res.writableLength > MAX_BUFFERED_BYTES) res.end();
}
