import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Principal } from '../../api/auth';

const KID = 'vermist-cluster';

/** The files of the cluster's identity provider: a signing key (private, 0600) and its public JWKS. */
export type IdentityFiles = { signingKey: string; jwks: string };

/** Makes the ES256 key pair on first start; a persistent cluster keeps it, so its tokens stay valid. */
export async function ensureSigningKey(files: IdentityFiles): Promise<{ keys: JWK[] }> {
  if (!existsSync(files.signingKey) || !existsSync(files.jwks)) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const header = { kid: KID, alg: 'ES256', use: 'sig' };
    writeFileSync(files.signingKey, JSON.stringify({ ...(await exportJWK(privateKey)), ...header }), {
      mode: 0o600,
    });
    writeFileSync(files.jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), ...header }] }));
  }
  return JSON.parse(readFileSync(files.jwks, 'utf8')) as { keys: JWK[] };
}

/**
 * Serves the public keys where the API instances fetch them (VERMIST_JWKS_URL), on loopback, with the
 * discovery document of an OIDC provider whose issuer is this address.
 */
export async function serveJwks(
  jwks: { keys: JWK[] },
  port: number,
): Promise<{ server: Server; issuer: string }> {
  const issuer = `http://127.0.0.1:${port}`;
  const documents: Record<string, unknown> = {
    '/.well-known/jwks.json': jwks,
    '/.well-known/openid-configuration': { issuer, jwks_uri: `${issuer}/.well-known/jwks.json` },
  };
  const server = createServer((req, res) => {
    const document = req.method === 'GET' ? documents[req.url ?? ''] : undefined;
    res.writeHead(document ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(document ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { server, issuer };
}

/** What a signer needs from a running cluster's state. */
export type TokenIssuer = { issuer: string; audience: string; signingKey: string };

/**
 * Signs access tokens the cluster's API instances accept, for any principal: what tests and benchmarks use
 * in place of people signing in.
 */
export async function clusterTokenSigner(identity: TokenIssuer) {
  const key = await importJWK(JSON.parse(readFileSync(identity.signingKey, 'utf8')) as JWK, 'ES256');
  return (principal: Principal, ttl = '1h'): Promise<string> => {
    const { sub, ...claims } = principal;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'at+jwt' })
      .setSubject(sub)
      .setIssuer(identity.issuer)
      .setAudience(identity.audience)
      .setIssuedAt()
      .setExpirationTime(ttl)
      .sign(key);
  };
}
