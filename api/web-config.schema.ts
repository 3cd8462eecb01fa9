import { z } from 'zod';

/**
 * What the server tells the web app before anyone signs in (`GET /config.json`, public). Zod only, so the
 * app's bundle reads the same schema.
 */
export const WebConfigSchema = z.object({
  signIn: z.enum(['local', 'oidc']),
  oidc: z
    .object({
      issuer: z.url(),
      clientId: z.string().min(1),
      scope: z.string().min(1),
      /** The API's audience, for providers that issue an access token per resource. */
      audience: z.string().min(1).optional(),
    })
    .optional(),
  grafanaUrl: z.url().optional(),
  temporalUiUrl: z.url().optional(),
});
export type WebConfig = z.infer<typeof WebConfigSchema>;
