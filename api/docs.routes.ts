import path from 'node:path';
import express, { Router } from 'express';

// Swagger UI's files come from the npm package and are served from here: no CDN at run time.
const assets = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Vermist API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="docs"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;
// Tokens stay in the page: persisted, any script on the origin could read them from localStorage.
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', persistAuthorization: false });\n`;

/** A browsable page for /openapi.json (Swagger UI), served locally. */
export function docsRouter(): Router {
  const router = Router();
  router.get('/', (_req, res) => void res.type('html').send(page));
  router.get('/init.js', (_req, res) => void res.type('js').send(init));
  router.use('/assets', express.static(assets, { index: false, fallthrough: false }));
  return router;
}
