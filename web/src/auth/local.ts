import { devSignIn } from './config';
import type { Session } from './session';

/** Signs in as a demo identity of the embedded default; renewing signs in as it again. */
export async function localSession(identity: string): Promise<Session> {
  const token = await devSignIn(identity);
  return {
    accessToken: token.accessToken,
    expiresAt: Date.now() + token.expiresIn * 1000,
    principal: token.principal,
    renew: () => localSession(identity),
  };
}
