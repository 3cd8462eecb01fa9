import { Router } from 'express';
import { z } from 'zod';
import { AnnouncementKindSchema } from '../machines/case.events';
import { FeedEntrySchema, type FeedEntry } from '../machines/notification.schema';
import type { FeedParty } from '../machines/party.schema';
import { principalOf, requireRole, type Principal } from './auth';
import { Problem } from './problems';
import { parseInput } from './validate';

/** Reads a role's in-app feed in one tenant. */
export type FeedReader = { list(party: FeedParty, tenant: string): Promise<FeedEntry[]> };

export const FeedQuerySchema = z
  .object({
    event: AnnouncementKindSchema.optional().describe('only entries of this event'),
    since: z.iso.datetime({ offset: true }).optional().describe('only entries after this instant'),
  })
  .strict();

/** What `GET /v1/feed` answers: the entries, oldest first. */
export const FeedPageSchema = z.object({ entries: z.array(FeedEntrySchema) });

/** What `GET /v1/deliveries/failed` answers: each failure, with a link to its case. */
export const FailedDeliveriesSchema = z.object({
  failures: z.array(
    z.object({ caseId: z.string(), at: z.string(), reason: z.string().nullable(), link: z.string() }),
  ),
});

/**
 * The in-app feed: what the caller's role was told, in the caller's tenant, and the failed deliveries a
 * supervisor must follow up. Each entry links to its case; the case itself answers with the caller's view.
 */
export function feedRouter(deps: { feeds?: FeedReader | undefined }): Router {
  const router = Router();

  const feedOf = async (principal: Principal): Promise<FeedEntry[]> => {
    if (!deps.feeds) throw new Problem(503, 'Unavailable', 'notification feeds are not configured here');
    const tenant = principal.role === 'clinic' ? principal.institutionId : principal.region;
    return deps.feeds.list(principal.role, tenant);
  };

  router.get('/feed', async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(FeedQuerySchema, req.query, 'query');
    const entries = (await feedOf(principal)).filter(
      (e) =>
        (query.event === undefined || e.event === query.event) &&
        (query.since === undefined || Date.parse(e.at) > Date.parse(query.since)),
    );
    res.json({ entries } satisfies z.infer<typeof FeedPageSchema>);
  });

  router.get('/deliveries/failed', async (_req, res) => {
    const principal = principalOf(res);
    requireRole(principal, ['police_supervisor'], 'list failed deliveries');
    const failures = (await feedOf(principal))
      .filter((e) => e.event === 'delivery.failed')
      .map((e) => ({
        caseId: e.caseId,
        at: e.at,
        reason: typeof e.facts.reason === 'string' ? e.facts.reason : null,
        link: e.link,
      }));
    res.json({ failures } satisfies z.infer<typeof FailedDeliveriesSchema>);
  });

  return router;
}
