import express, {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { decodeJwt } from 'jose';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { AccessRecord } from '../machines/access-record.schema';
import { readRoles } from '../machines/case.access';
import type { RecordsStore } from '../records/records.store';
import { authenticate, principalOf, requireRole, type AuthConfig, type Principal } from './auth';
import { Problem, badRequest, type FieldError } from './problems';
import { limitPerUser, type RateLimits } from './rate-limits';
import { parseInput } from './validate';

/** How the API serves Temporal's remote codec protocol to the Temporal Web UI and CLI. */
export type CodecEndpointConfig = {
  /** The project's own payload codec, with every key that may still decrypt. */
  codec: PayloadCodec;
  /** Browser origins (the Temporal Web UI's) that may call it, with credentials; exact `scheme://host[:port]`. */
  origins: readonly string[];
  /** Mark the session cookie `Secure`; only the plain-http embedded default turns it off. */
  secureCookie: boolean;
};

/** Who may read decoded payloads: the access module's rule (machines/case.access.ts). */
const DECODE_ROLES = readRoles.decodedPayloads;

/** The cookie a supervisor's browser sends in place of the bearer token, to `/codec` only. */
export const CODEC_SESSION_COOKIE = 'vermist_codec';
/** A codec session lasts an hour at most, and never beyond the token it was opened with. */
export const CODEC_SESSION_MAX_SECONDS = 3_600;

/** `caseId` of a decode whose payloads name no case (a command's arguments): never a case id's spelling. */
export const UNNAMED_CASE = '(not named in the payload)';
/** `caseId` of a decode whose payloads name more than one case. */
export const SEVERAL_CASES = '(several cases)';

/** Headers the Web UI sends: `Authorization-Extras` carries its ID token when it passes the access token. */
const ALLOWED_HEADERS = 'authorization, authorization-extras, content-type, x-namespace';

/** Proto3 JSON writes bytes as base64, standard or URL-safe, padded or not. */
const Base64Schema = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

/** A `temporal.api.common.v1.Payload` in proto3 JSON. Unknown members are dropped, not refused. */
const JsonPayloadSchema = z.object({
  metadata: z.record(z.string(), Base64Schema).nullish(),
  data: Base64Schema.nullish(),
});

/** The body of `/codec/decode` and its answer: `temporal.api.common.v1.Payloads` in proto3 JSON. */
export const CodecPayloadsSchema = z.object({ payloads: z.array(JsonPayloadSchema).max(1_000) });
type JsonPayload = z.infer<typeof JsonPayloadSchema>;

/**
 * Temporal's remote codec endpoint (`POST /codec/decode`), so a supervisor reads decoded payloads in the
 * Temporal Web UI. Authenticated like the API: a bearer token, or in a browser the session cookie that
 * `POST /codec/session` sets from one. Encoding is refused: it would let a caller mint payloads the workers
 * take as the API's own, commands with any actor in them, past every check the API makes.
 */
export function codecRouter(deps: {
  auth: AuthConfig;
  records: Pick<RecordsStore, 'accessLog' | 'cases' | 'rateWindows'>;
  codec: CodecEndpointConfig;
  rateLimits: RateLimits | 'off';
}): Router {
  const { codec, origins, secureCookie } = deps.codec;
  const router = Router();
  const perUser = deps.rateLimits === 'off' ? [] : [limitPerUser(deps.rateLimits, deps.records.rateWindows)];
  // Payloads may be up to Temporal's 2 MB blob limit each, and base64 adds a third.
  const json = express.json({ limit: '4mb', type: 'application/json' });

  router.use(cors(origins));

  router.post('/encode', () => {
    throw new Problem(
      403,
      'Forbidden',
      'this codec server only decodes: commands reach a case through the API, which checks them',
    );
  });

  router.post('/session', authenticate(deps.auth), ...perUser, (req, res) => {
    requireRole(principalOf(res), DECODE_ROLES, 'open a codec session');
    const token = bearerToken(req)!;
    const { exp } = decodeJwt(token);
    const seconds = Math.min(CODEC_SESSION_MAX_SECONDS, (exp ?? 0) - Math.floor(Date.now() / 1000));
    res
      .cookie(CODEC_SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookie,
        path: '/codec',
        maxAge: seconds * 1000,
      })
      .set('Cache-Control', 'no-store')
      .json({ expiresAt: new Date(Date.now() + seconds * 1000).toISOString() });
  });

  router.delete('/session', (_req, res) => {
    res
      .clearCookie(CODEC_SESSION_COOKIE, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookie,
        path: '/codec',
      })
      .status(204)
      .end();
  });

  router.post(
    '/decode',
    sessionOrBearer(origins),
    authenticate(deps.auth),
    ...perUser,
    json,
    async (req, res) => {
      const principal = principalOf(res);
      requireRole(principal, DECODE_ROLES, 'read decoded payloads');
      const { payloads } = parseInput(CodecPayloadsSchema, req.body, 'body');
      const decoded = await decodeEach(codec, payloads);
      // The decoded data leaves only once the read is on record.
      await deps.records.accessLog.record(await accessRecord(deps.records, res, principal, decoded));
      res.set('Cache-Control', 'no-store').json({ payloads: decoded.map(toJson) });
    },
  );

  return router;
}

/**
 * CORS for the configured origins only, with credentials (the session cookie). A preflight from any other
 * origin is refused; a request from one gets no CORS headers, so its page cannot read the answer.
 */
function cors(origins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    const allowed = origin !== undefined && origins.includes(origin);
    res.vary('Origin');
    if (allowed) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (!allowed)
      return next(new Problem(403, 'Forbidden', `origin ${origin ?? '(none)'} may not call the codec`));
    res
      .set('Access-Control-Allow-Methods', 'POST, DELETE')
      .set('Access-Control-Allow-Headers', ALLOWED_HEADERS)
      .set('Access-Control-Max-Age', '600')
      .status(204)
      .end();
  };
}

/**
 * A browser without the token sends the session cookie instead; it is verified as the bearer token it is.
 * Only from a configured origin: with SameSite=Strict that keeps every other page from riding on it.
 */
function sessionOrBearer(origins: readonly string[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (bearerToken(req) !== undefined) return next();
    const session = cookie(req, CODEC_SESSION_COOKIE);
    if (session === undefined) {
      return next(
        new Problem(
          401,
          'Unauthorized',
          'send a bearer token, or open a codec session (POST /codec/session)',
        ),
      );
    }
    const origin = req.get('origin');
    if (origin === undefined || !origins.includes(origin)) {
      return next(
        new Problem(403, 'Forbidden', 'a codec session is used only from the configured Web UI origins'),
      );
    }
    // One verification for both ways in: `authenticate` reads the header.
    req.headers.authorization = `Bearer ${session}`;
    next();
  };
}

function bearerToken(req: Request): string | undefined {
  return /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0 || part.slice(0, at).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      return undefined; // not a cookie we set
    }
  }
  return undefined;
}

/** Decodes one payload at a time, so a refusal names the payload; none leaves unless all decode. */
async function decodeEach(codec: PayloadCodec, payloads: JsonPayload[]): Promise<Payload[]> {
  const decoded: Payload[] = [];
  const errors: FieldError[] = [];
  for (const [index, json] of payloads.entries()) {
    try {
      const [payload] = await codec.decode([fromJson(json)]);
      decoded.push(payload!);
    } catch (error) {
      // Whatever the codec throws comes from the payload it was given: a wrong encoding, key or tag.
      const reason =
        error instanceof ValueError ? error.message : 'it does not decrypt with the configured keys';
      errors.push({ path: `body.payloads.${index}`, message: `does not decode: ${reason}` });
    }
  }
  if (errors.length > 0) throw badRequest('the request body holds payloads that do not decode', errors);
  return decoded;
}

/**
 * The read as the access log keeps it. The request names no case (the Web UI sends only its namespace), so
 * the case is the one the decoded payloads name (workflow input and result, Update receipts and record writes
 * carry `caseId`; our codec authenticates every payload, so that name is genuine), in that case's region when
 * the store knows it; else a marker, in the supervisor's own region.
 */
async function accessRecord(
  records: Pick<RecordsStore, 'cases'>,
  res: Response,
  principal: Principal,
  decoded: Payload[],
): Promise<AccessRecord> {
  // Only a supervisor gets here, and every supervisor's token names a region.
  const ownRegion = (principal as Exclude<Principal, { role: 'clinic' }>).region;
  const named = caseIdsIn(decoded);
  const [only] = named;
  const stored = named.size === 1 ? await records.cases.get(only!) : undefined;
  return {
    at: new Date().toISOString(),
    caseId: named.size === 1 ? only! : named.size === 0 ? UNNAMED_CASE : SEVERAL_CASES,
    region: stored?.view.region ?? ownRegion,
    by: { id: principal.sub, role: principal.role },
    view: principal.role,
    resource: 'payload',
    requestId: String(res.locals.requestId),
  };
}

/** The case ids JSON payloads name at their top level. */
function caseIdsIn(payloads: Payload[]): Set<string> {
  const ids = new Set<string>();
  for (const payload of payloads) {
    if (Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString() !== 'json/plain') continue;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(payload.data ?? []).toString('utf8'));
    } catch {
      continue;
    }
    const caseId = (value as { caseId?: unknown } | null)?.caseId;
    if (typeof caseId === 'string' && caseId.length > 0 && caseId.length <= 200) ids.add(caseId);
  }
  return ids;
}

function fromJson(json: JsonPayload): Payload {
  const metadata = Object.fromEntries(
    Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  );
  return { metadata, data: Buffer.from(json.data ?? '', 'base64') };
}

function toJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value).toString('base64'),
    ]),
  );
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}
