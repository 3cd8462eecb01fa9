import { z } from 'zod';
import { PrincipalSchema } from './principal';
import { WebConfigSchema } from '../../../api/web-config.schema';

/** What the server tells the app before anyone signs in: the API's own schema. */
export const AppConfigSchema = WebConfigSchema;
export type AppConfig = z.infer<typeof AppConfigSchema>;
export type OidcConfig = NonNullable<AppConfig['oidc']>;

/** A demo identity of the embedded default (`GET /dev/identities`). */
export const DevIdentitySchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  principal: PrincipalSchema,
});
export type DevIdentity = z.infer<typeof DevIdentitySchema>;

/** The answer of `POST /dev/sign-in`. */
export const DevTokenSchema = z.object({
  accessToken: z.string().min(1),
  expiresIn: z.number().positive(),
  principal: PrincipalSchema,
});

async function getJson<S extends z.ZodType>(
  schema: S,
  input: string,
  init?: RequestInit,
): Promise<z.infer<S>> {
  const response = await fetch(input, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${input} answered ${response.status}`);
  return schema.parse(await response.json());
}

export const loadConfig = () => getJson(AppConfigSchema, '/config.json', { cache: 'no-store' });
export const loadDevIdentities = () => getJson(z.array(DevIdentitySchema), '/dev/identities');
export const devSignIn = (identity: string) =>
  getJson(DevTokenSchema, '/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity }),
  });
