import { Router } from 'express';
import { z } from 'zod';
import { AnnouncementKindSchema } from '../machines/case.events';
import type { FeedEntry } from '../machines/notification.schema';
import type { FeedParty } from '../machines/party.schema';
import { principalOf, requireRole, type Principal } from './auth';
import { Problem } from './problems';
import { parseInput } from './validate';

/** Reads a role's in-app feed in one tenant. */
export type FeedReader = { list(party: FeedParty, tenant: string): Promise<FeedEntry[]> };

const FeedQuerySchema = z
  .object({
    event: AnnouncementKindSchema.optional(),
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

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
    res.json({ entries });
  });

  router.get('/deliveries/failed', async (_req, res) => {
    const principal = principalOf(res);
    requireRole(principal, ['police_supervisor'], 'list failed deliveries');
    const failures = (await feedOf(principal))
      .filter((e) => e.event === 'delivery.failed')
      .map((e) => ({ caseId: e.caseId, at: e.at, reason: e.facts.reason ?? null, link: e.link }));
    res.json({ failures });
  });

  return router;
}
