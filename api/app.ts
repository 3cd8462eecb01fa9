import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from '../config/log';
import { DEFAULT_PROFILE_POLICY, ProfilePolicySchema, type ProfilePolicy } from '../machines/profile.policy';
import type { RecordsStore } from '../records/records.store';
import { authenticate, type AuthConfig } from './auth';
import type { CaseClient } from './case-client';
import { absencesRouter } from './absences.routes';
import { accessRecordsRouter } from './access-records.routes';
import { casesRouter } from './cases.routes';
import { codecRouter, type CodecEndpointConfig } from './codec.routes';
import { docsRouter } from './docs.routes';
import { feedRouter } from './feed.routes';
import type { ApiMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { Problem } from './problems';
import { DEFAULT_PHOTO_MAX_BYTES, photoRouter } from './photo.routes';
import { profilePhotoRouter } from './profile-photo.routes';
import { profileReportsRouter } from './profile-reports.routes';
import { profileRetentionRouter } from './profile-retention.routes';
import { profileTasksRouter } from './profile-tasks.routes';
import type { ProfileWorkflows } from './profile-workflow';
import { profilesRouter } from './profiles.routes';
import { DEFAULT_RATE_LIMITS, limitPerAddress, limitPerUser, type RateLimits } from './rate-limits';
import { tasksRouter } from './tasks.routes';
import { devSignInRouter, type DemoIdentity } from './dev-sign-in.routes';
import { webRouter } from './web.routes';
import type { WebConfig } from './web-config.schema';
import type { Principal } from './auth';
import { DEFAULT_FUTURE_TOLERANCE_MS } from './validate';

export type AppDeps = {
  cases: CaseClient;
  auth: AuthConfig;
  metrics: ApiMetrics;
  log: Logger;
  /** Where every read is served from, and every disclosure logged. */
  records: RecordsStore;
  /** Profiles' workflows, told of every profile write; without them no reminder or repeat review runs. */
  profileWorkflows?: ProfileWorkflows;
  /** The policy's `profiles` section, whose repeat window the absence histories and ward rates use. */
  profilePolicy?: ProfilePolicy;
  /** Requests per minute; `off` only where something else limits (a benchmark of the engine itself). */
  rateLimits?: RateLimits | 'off';
  /** Express's `trust proxy` (`VERMIST_TRUST_PROXY`): which proxies' X-Forwarded-For to believe. */
  trustProxy?: boolean | number | string;
  /** How far ahead of our clock a time that already happened may be (the policy's `inputs`). */
  futureToleranceMs?: number;
  /** The largest photo of a person the API takes, in bytes (`VERMIST_PHOTO_MAX_BYTES`; 5 MiB by default). */
  photoMaxBytes?: number;
  /** The web app's build and how it signs people in; without it the API serves no pages. */
  web?: { distDir: string; config: WebConfig };
  /** Temporal's remote codec endpoint at `/codec`, for supervisors; without it the API serves none. */
  codec?: CodecEndpointConfig;
  /** The embedded default's demo sign-in (`npm start` only). */
  devSignIn?: {
    identities: readonly DemoIdentity[];
    sign: (principal: Principal) => Promise<{ accessToken: string; expiresIn: number }>;
  };
};

/** The HTTP edge. Builds an Express app from its dependencies; the caller decides where it listens. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Behind a proxy every request comes from the proxy: without this, all clients share one address limit.
  app.set('trust proxy', deps.trustProxy ?? false);
  const openapi = openApiDocument();

  app.use(requestContext(deps));
  // Security headers (CSP, HSTS, no sniffing, no framing) on every answer, the docs page included. The web
  // app shows the photo from a blob URL, and signs in against its OIDC issuer.
  const issuer = deps.web?.config.oidc?.issuer;
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:'],
          'connect-src': ["'self'", ...(issuer ? [new URL(issuer).origin] : [])],
        },
      },
    }),
  );
  const limits = deps.rateLimits ?? DEFAULT_RATE_LIMITS;
  if (limits !== 'off') app.use(limitPerAddress(limits, deps.records.rateWindows));

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/openapi.json', (_req, res) => void res.json(openapi));
  app.use('/docs', docsRouter());
  // Before authentication: which methods a path takes is public (the OpenAPI document says so).
  app.use(methodNotAllowed(openapi));
  // Before the API's body parser: the codec authenticates first, then reads payloads up to its own limit.
  if (deps.codec) app.use('/codec', codecRouter({ ...deps, codec: deps.codec, rateLimits: limits }));
  app.use('/v1', authenticate(deps.auth));
  if (limits !== 'off') app.use('/v1', limitPerUser(limits, deps.records.rateWindows));
  // Bodies are read only for a caller we know, and only up to a limit.
  app.use(express.json({ limit: '256kb', type: ['application/json', 'application/*+json'] }));
  const routes = { ...deps, futureToleranceMs: deps.futureToleranceMs ?? DEFAULT_FUTURE_TOLERANCE_MS };
  const photoMaxBytes = deps.photoMaxBytes ?? DEFAULT_PHOTO_MAX_BYTES;
  app.use('/v1/cases', casesRouter(routes));
  app.use('/v1/cases', photoRouter({ ...deps, photoMaxBytes }));
  app.use('/v1/profiles', profilesRouter(routes));
  app.use('/v1/profiles', profilePhotoRouter({ ...routes, photoMaxBytes }));
  app.use('/v1/profiles', profileReportsRouter(routes));
  app.use('/v1/profiles', profileRetentionRouter(routes));
  app.use('/v1', tasksRouter(routes));
  app.use('/v1', profileTasksRouter(routes));
  app.use(
    '/v1',
    absencesRouter({
      ...deps,
      profilePolicy: deps.profilePolicy ?? ProfilePolicySchema.parse(DEFAULT_PROFILE_POLICY),
    }),
  );
  app.use('/v1/access-records', accessRecordsRouter(deps));
  app.use('/v1', feedRouter(deps));
  if (deps.devSignIn) app.use('/dev', devSignInRouter(deps.devSignIn));
  if (deps.web) app.use(webRouter(deps.web));

  app.use((req, _res, next) => next(new Problem(404, 'Not found', `no route ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.log));
  return app;
}

/**
 * A path the API serves, asked with a method it does not declare there: 405 with the methods it does, as
 * the OpenAPI document (the one list of routes) states them.
 */
function methodNotAllowed(openapi: ReturnType<typeof openApiDocument>): RequestHandler {
  const routes = Object.entries(openapi.paths as Record<string, Record<string, unknown>>).map(
    ([template, operations]) => {
      const methods = Object.keys(operations).map((method) => method.toUpperCase());
      return {
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
        // Express answers HEAD wherever it answers GET.
        allow: methods.includes('GET') ? [...methods, 'HEAD'] : methods,
      };
    },
  );
  return (req, res, next) => {
    const route = routes.find((r) => r.pattern.test(req.path));
    if (!route || route.allow.includes(req.method)) return next();
    const allow = route.allow;
    res.setHeader('Allow', allow.join(', '));
    next(
      new Problem(405, 'Method not allowed', `${req.path} answers ${allow.join(', ')}, not ${req.method}`),
    );
  };
}

function requestContext(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const stop = deps.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // Route templates, never raw paths: case ids must not become label values.
      const route = (req.route as { path?: string } | undefined)?.path
        ? `${req.baseUrl}${(req.route as { path: string }).path}`
        : 'unmatched';
      deps.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      stop({ method: req.method, route });
      // A case's workflow is named by its case id: one field correlates the request with worker lines.
      const caseId = typeof res.locals.caseId === 'string' ? res.locals.caseId : undefined;
      deps.log.info('request', {
        requestId,
        method: req.method,
        route,
        status: res.statusCode,
        ...(caseId !== undefined && { caseId, workflowId: caseId }),
      });
    });
    next();
  };
}

function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const requestId = String(res.locals.requestId);
    const problem = asProblem(error);
    if (!problem) {
      log.error('unhandled error', {
        requestId,
        error: error instanceof Error ? error.stack : String(error),
      });
    }
    const { status, title, type, message, extras } =
      problem ?? new Problem(500, 'Internal error', 'something went wrong on our side; quote the request id');
    // The standard members lead, and no extra field (a case's status, say) can overwrite one of them.
    const standard = { type, title, status, detail: message, requestId };
    res
      .status(status)
      .type('application/problem+json')
      .json({ ...standard, ...extras, ...standard });
  };
}

/** Known errors, including the body parser's own (malformed JSON, too large), become problems. */
function asProblem(error: unknown): Problem | undefined {
  if (error instanceof Problem) return error;
  const parserError = error as { type?: string; status?: number; message?: string };
  if (parserError?.type === 'entity.parse.failed') {
    return new Problem(400, 'Invalid request', 'the body is not valid JSON', {
      errors: [{ path: 'body', message: parserError.message ?? 'malformed JSON' }],
    });
  }
  if (parserError?.type === 'entity.too.large')
    return new Problem(413, 'Payload too large', 'the body is too large');
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return new Problem(
      parserError.status,
      'Invalid request',
      parserError.message ?? 'the request was not accepted',
    );
  }
  return undefined;
}
