import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { AuthConfig, Principal } from '../../api/auth';

/** A throwaway identity provider: its own key pair, the API's auth config, and tokens for any principal. */
export async function testIdentityProvider() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const auth: AuthConfig = {
    issuer: 'https://idp.test',
    audience: 'vermist-api',
    keys: createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'test', alg: 'ES256' }] }),
  };
  const sign = (
    principal: Principal,
    opts: { key?: CryptoKey; audience?: string; expiresIn?: string; typ?: string; subject?: false } = {},
  ) => {
    const { sub, ...claims } = principal;
    const jwt = new SignJWT(claims).setProtectedHeader({
      alg: 'ES256',
      kid: 'test',
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

export const principals = {
  clinic: { sub: 'clinician.noord', role: 'clinic', institutionId: 'ggz-noord' },
  otherClinic: { sub: 'clinician.oost', role: 'clinic', institutionId: 'ggz-oost' },
  police: { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' },
  otherPolice: { sub: 'desk.zuid', role: 'police_desk', region: 'zuid-nl' },
  supervisor: { sub: 'supervisor.noord', role: 'police_supervisor', region: 'noord-nl' },
  ambulance: { sub: 'rav.noord', role: 'ambulance', region: 'noord-nl' },
  crisisService: { sub: 'crisis.noord', role: 'crisis_service', region: 'noord-nl' },
} as const satisfies Record<string, Principal>;
