import type { NextFunction, Request, Response } from 'express';
import { errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Role } from '../machines/case.events';
import { IdSchema } from '../machines/report.schema';
import { Problem } from './problems';

/** Who is calling, from a verified token: a person, the role they act in, and the tenant they belong to. */
export const PrincipalSchema = z.discriminatedUnion('role', [
  z.object({ sub: z.string().min(1), role: z.literal('clinic'), institutionId: IdSchema }),
  z.object({
    sub: z.string().min(1),
    role: z.enum(['police_desk', 'police_supervisor', 'ambulance', 'crisis_service']),
    region: IdSchema,
  }),
]);
export type Principal = z.infer<typeof PrincipalSchema>;

export type AuthConfig = { issuer: string; audience: string; keys: JWTVerifyGetKey };

const unauthorized = (detail: string) => new Problem(401, 'Unauthorized', detail);

/** Asymmetric algorithms only: an HMAC token "signed" with our public key must never verify. */
export const ACCEPTED_ALGORITHMS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];
/** Access tokens as RFC 9068 types them, so an ID token or another JWT is not taken for one. */
export const ACCEPTED_TOKEN_TYPES = ['at+jwt', 'application/at+jwt'];

/**
 * Verifies the bearer token (asymmetric signature, access-token type, issuer, audience, expiry, subject) and
 * puts the principal on res.locals.
 */
export function authenticate(config: AuthConfig) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const token = /^Bearer (\S+)$/i.exec(header)?.[1];
    if (!token) return next(unauthorized('send a bearer token in the Authorization header'));
    try {
      const { payload, protectedHeader } = await jwtVerify(token, config.keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
      });
      if (!ACCEPTED_TOKEN_TYPES.includes(protectedHeader.typ?.toLowerCase() ?? '')) {
        return next(unauthorized('the token is not an access token (typ must be at+jwt)'));
      }
      const principal = PrincipalSchema.safeParse(payload);
      if (!principal.success) return next(unauthorized('the token lacks a valid role and tenant claim'));
      res.locals.principal = principal.data;
      next();
    } catch (error) {
      if (error instanceof joseErrors.JOSEError)
        return next(unauthorized(`the token was not accepted (${error.code})`));
      next(error);
    }
  };
}

/** The authenticated principal of this request. */
export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** Refuses callers whose role may not take this action. */
export function requireRole(principal: Principal, roles: readonly Role[], action: string): void {
  if (!roles.includes(principal.role)) {
    throw new Problem(403, 'Forbidden', `a ${principal.role} user may not ${action}`);
  }
}
