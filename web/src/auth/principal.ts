import { z } from 'zod';
import { RoleSchema } from '../../../machines/case.events';
import { IdSchema } from '../../../machines/report.schema';

/**
 * Who is signed in, as the token says: a person, the role they act in and their tenant. The API's own
 * schema lives with its server code (api/auth.ts); this reads the same claims for the screens only, the
 * API verifies them on every request.
 */
export const PrincipalSchema = z.discriminatedUnion('role', [
  z.object({ sub: z.string().min(1), role: z.literal('clinic'), institutionId: IdSchema }),
  z.object({ sub: z.string().min(1), role: RoleSchema.exclude(['clinic']), region: IdSchema }),
]);
export type Principal = z.infer<typeof PrincipalSchema>;

/** The claims of a JWT access token, unverified: for showing who is signed in, never for deciding. */
export function principalFromToken(token: string): Principal | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const parsed = PrincipalSchema.safeParse(
      JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
