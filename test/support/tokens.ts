import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { AuthConfig, Principal } from '../../api/auth';

/** An identity provider that already exists: its signing key and the public keys an API fetches. */
export type ExistingIssuer = {
  issuer: string;
  audience: string;
  privateJwk: JWK & { kid: string };
  publicKeys: { keys: JWK[] };
};

/**
 * A throwaway identity provider: its own key pair, the API's auth config, and tokens for any principal.
 * Given an existing issuer (a cluster's), it signs with that one's key instead, so the same specs run
 * against an API that fetches its keys from elsewhere.
 */
export async function testIdentityProvider(existing?: ExistingIssuer) {
  const { privateKey, kid, auth } = existing
    ? {
        privateKey: await importJWK(existing.privateJwk, 'ES256'),
        kid: existing.privateJwk.kid,
        auth: {
          issuer: existing.issuer,
          audience: existing.audience,
          keys: createLocalJWKSet(existing.publicKeys),
        } satisfies AuthConfig,
      }
    : await throwawayKeys();
  const sign = (
    principal: Principal,
    opts: { key?: CryptoKey; audience?: string; expiresIn?: string; typ?: string; subject?: false } = {},
  ) => {
    const { sub, ...claims } = principal;
    const jwt = new SignJWT(claims).setProtectedHeader({
      alg: 'ES256',
      kid,
      typ: opts.typ ?? 'at+jwt',
    });
    if (opts.subject !== false) jwt.setSubject(sub);
    return jwt
      .setIssuer(auth.issuer)
      .setAudience(opts.audience ?? auth.audience)
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? '10m')
      .sign(opts.key ?? privateKey);
  };
  return { auth, sign };
}

async function throwawayKeys() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const auth: AuthConfig = {
    issuer: 'https://idp.test',
    audience: 'vermist-api',
    keys: createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'test', alg: 'ES256' }] }),
  };
  return { privateKey, kid: 'test', auth };
}

export const principals = {
  clinic: { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' },
  otherClinic: { sub: 'clinician.oost', role: 'clinic', institutionId: 'ggz-oost' },
  police: { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' },
  otherPolice: { sub: 'desk.zuid', role: 'police_desk', region: 'zuid-nl' },
  supervisor: { sub: 'supervisor.noord', role: 'police_supervisor', region: 'noord-nl' },
  ambulance: { sub: 'rav.noord', role: 'ambulance', region: 'noord-nl' },
  crisisService: { sub: 'crisis.noord', role: 'crisis_service', region: 'noord-nl' },
} as const satisfies Record<string, Principal>;
