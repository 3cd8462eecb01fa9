import * as oauth from 'oauth4webapi';
import type { OidcConfig } from './config';
import { principalFromToken } from './principal';
import type { Session } from './session';

export const CALLBACK_PATH = '/auth/callback';
export const SILENT_PATH = '/auth/silent';
/**
 * The PKCE verifier and state must survive the one redirect to the identity provider and back: they wait in
 * sessionStorage for that round trip and are removed when it returns. They are not tokens; tokens stay in
 * memory.
 */
const PENDING_KEY = 'vermist.oidc.pending';
const SILENT_TIMEOUT_MS = 10_000;

type Pending = { verifier: string; state: string; returnTo: string };

/** A message the hidden renewal frame posts to the app that opened it. */
export type SilentMessage = { kind: 'vermist.oidc.silent'; url: string };

/**
 * Authorization code with PKCE against the issuer the API trusts, as a public client. Renews with the
 * refresh token when the provider gives one, otherwise by authorising again in a hidden frame
 * (`prompt=none`), which needs the provider's session cookie.
 */
export function createOidc(config: OidcConfig) {
  const issuer = new URL(config.issuer);
  const client: oauth.Client = { client_id: config.clientId };
  const clientAuth = oauth.None();
  let server: Promise<oauth.AuthorizationServer> | undefined;
  const discover = () =>
    (server ??= oauth
      .discoveryRequest(issuer, { algorithm: 'oidc' })
      .then((response) => oauth.processDiscoveryResponse(issuer, response)));
  const redirectUri = (path: string) => new URL(path, window.location.origin).href;

  async function authorizationUrl(redirectPath: string, verifier: string, state: string, silent: boolean) {
    const as = await discover();
    if (as.authorization_endpoint === undefined)
      throw new Error('the issuer names no authorization endpoint');
    const url = new URL(as.authorization_endpoint);
    const params: Record<string, string> = {
      client_id: config.clientId,
      redirect_uri: redirectUri(redirectPath),
      response_type: 'code',
      scope: config.scope,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...(config.audience !== undefined && { audience: config.audience }),
      ...(silent && { prompt: 'none' }),
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url;
  }

  async function exchange(callback: URL, redirectPath: string, pending: Omit<Pending, 'returnTo'>) {
    const as = await discover();
    const params = oauth.validateAuthResponse(as, client, callback, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      redirectUri(redirectPath),
      pending.verifier,
    );
    return sessionFrom(await oauth.processAuthorizationCodeResponse(as, client, response));
  }

  async function refresh(refreshToken: string): Promise<Session> {
    const as = await discover();
    const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken);
    const tokens = await oauth.processRefreshTokenResponse(as, client, response);
    // A provider that does not rotate refresh tokens keeps the one it gave first.
    return sessionFrom({ ...tokens, refresh_token: tokens.refresh_token ?? refreshToken });
  }

  /** Authorises again without a page: the provider answers a hidden frame, which hands the answer over. */
  async function silent(): Promise<Session> {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = await authorizationUrl(SILENT_PATH, verifier, state, true);
    const frame = document.createElement('iframe');
    frame.hidden = true;
    frame.title = 'oidc-renewal';
    const answer = new Promise<URL>((resolve, reject) => {
      const timer = window.setTimeout(
        () => finish(() => reject(new Error('silent renewal timed out'))),
        SILENT_TIMEOUT_MS,
      );
      const onMessage = (event: MessageEvent<SilentMessage>) => {
        if (event.origin !== window.location.origin || event.source !== frame.contentWindow) return;
        if (event.data?.kind !== 'vermist.oidc.silent') return;
        finish(() => resolve(new URL(event.data.url)));
      };
      const finish = (settle: () => void) => {
        window.clearTimeout(timer);
        window.removeEventListener('message', onMessage);
        frame.remove();
        settle();
      };
      window.addEventListener('message', onMessage);
    });
    frame.src = url.href;
    document.body.append(frame);
    return exchange(await answer, SILENT_PATH, { verifier, state });
  }

  function sessionFrom(tokens: oauth.TokenEndpointResponse): Session {
    const principal = principalFromToken(tokens.access_token);
    if (principal === null) throw new Error('the access token carries no role and tenant this app knows');
    const refreshToken = tokens.refresh_token;
    return {
      accessToken: tokens.access_token,
      expiresAt: Date.now() + (tokens.expires_in ?? 300) * 1000,
      principal,
      renew: refreshToken !== undefined ? () => refresh(refreshToken) : silent,
    };
  }

  return {
    /** Leaves for the identity provider; it sends the browser back to CALLBACK_PATH. */
    async begin(returnTo: string): Promise<void> {
      const pending: Pending = {
        verifier: oauth.generateRandomCodeVerifier(),
        state: oauth.generateRandomState(),
        returnTo,
      };
      const url = await authorizationUrl(CALLBACK_PATH, pending.verifier, pending.state, false);
      sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
      window.location.assign(url.href);
    },
    /** Finishes the redirect: checks the state, exchanges the code with the verifier, forgets both. */
    async complete(callback: URL): Promise<{ session: Session; returnTo: string }> {
      const stored = sessionStorage.getItem(PENDING_KEY);
      sessionStorage.removeItem(PENDING_KEY);
      if (stored === null) throw new Error('no sign-in was started in this tab');
      const pending = JSON.parse(stored) as Pending;
      const session = await exchange(callback, CALLBACK_PATH, pending);
      return { session, returnTo: pending.returnTo };
    },
  };
}
export type Oidc = ReturnType<typeof createOidc>;
