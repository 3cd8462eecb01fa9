import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { WebConfigSchema, type WebConfig } from './web-config.schema';

/** Paths the API itself answers: never the web app's, so an unknown one stays a JSON 404. */
const API_PATHS = /^\/(v1|openapi\.json|docs|codec|dev|healthz)(\/|$)/;

/**
 * The web app on the API's own origin: its build (`npm run build`, web/dist) at `/`, and for every other
 * GET of a page its index.html, so a deep link opens the right screen. `/config.json` tells the app how
 * to sign in; it holds no secret.
 */
export function webRouter(deps: { distDir: string; config: WebConfig }): Router {
  const router = Router();
  const config = WebConfigSchema.parse(deps.config);
  router.get('/config.json', (_req, res) => void res.set('Cache-Control', 'no-store').json(config));

  const index = path.join(deps.distDir, 'index.html');
  // Hashed assets never change under their name; the page itself is always fetched anew.
  router.use(
    '/assets',
    express.static(path.join(deps.distDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }),
  );
  router.use(express.static(deps.distDir, { index: false, maxAge: 0 }));
  router.get(/.*/, (req, res, next) => {
    if (API_PATHS.test(req.path) || !req.accepts('html')) return next();
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The web app is not built: run `npm run build` (npm start builds it by itself).');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
