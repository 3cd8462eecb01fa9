import { Router } from 'express';
import { z } from 'zod';
import type { Principal } from './auth';
import { notFound } from './problems';
import { parseInput } from './validate';

/** A person the embedded default lets anyone sign in as: demo data only, never real cases. */
export type DemoIdentity = { id: string; label: string; principal: Principal };

const SignInSchema = z.object({ identity: z.string().min(1).max(64) }).strict();

/**
 * The embedded default's sign-in: the demo identities, and a token for the one picked. Mounted only by
 * `npm start` (bin/dev.ts), which refuses to run in production or against a shared cluster.
 */
export function devSignInRouter(deps: {
  identities: readonly DemoIdentity[];
  sign: (principal: Principal) => Promise<{ accessToken: string; expiresIn: number }>;
}): Router {
  const router = Router();
  router.get('/identities', (_req, res) => void res.json(deps.identities));
  router.post('/sign-in', async (req, res) => {
    const { identity } = parseInput(SignInSchema, req.body, 'body');
    const found = deps.identities.find((i) => i.id === identity);
    if (!found) throw notFound(`no demo identity ${identity}`);
    res
      .set('Cache-Control', 'no-store')
      .json({ ...(await deps.sign(found.principal)), principal: found.principal });
  });
  return router;
}
