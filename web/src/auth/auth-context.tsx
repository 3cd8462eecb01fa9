import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import type { AppConfig } from './config';
import type { Oidc } from './oidc';
import type { Principal } from './principal';
import type { Session, SessionStore, SignedOutReason } from './session';

/** Renew this long before the token expires, or at a fifth of its life for short-lived tokens. */
const RENEW_MARGIN_MS = 60_000;
/** After a failed renewal, try again this often until the token expires. */
const RETRY_MS = 15_000;

type Auth = {
  store: SessionStore;
  config: AppConfig;
  oidc: Oidc | null;
  session: Session | null;
  reason: SignedOutReason | null;
};

const AuthContext = createContext<Auth | null>(null);

/** Keeps the session current for React and renews the token before it expires, for a whole shift. */
export function AuthProvider(props: {
  store: SessionStore;
  config: AppConfig;
  oidc: Oidc | null;
  children: ReactNode;
}) {
  const { store, config, oidc } = props;
  const { session, reason } = useSyncExternalStore(store.subscribe, store.get);

  useEffect(() => {
    if (session === null) return;
    let timer: number;
    let stopped = false;
    const schedule = (at: number) => {
      timer = window.setTimeout(() => void renew(), Math.max(0, at - Date.now()));
    };
    const renew = async () => {
      try {
        const next = await session.renew();
        if (!stopped) store.signIn(next);
      } catch {
        if (stopped) return;
        if (Date.now() + RETRY_MS < session.expiresAt) schedule(Date.now() + RETRY_MS);
        else store.signOut('renewal_failed');
      }
    };
    const lifetime = session.expiresAt - Date.now();
    schedule(session.expiresAt - Math.min(RENEW_MARGIN_MS, lifetime / 5));
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [session, store]);

  return (
    <AuthContext.Provider value={{ store, config, oidc, session, reason }}>
      {props.children}
    </AuthContext.Provider>
  );
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (auth === null) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The signed-in principal; only inside the signed-in part of the app. */
export function usePrincipal(): Principal {
  const { session } = useAuth();
  if (session === null) throw new Error('usePrincipal without a session');
  return session.principal;
}

/** The tenant a principal acts for: the clinic's institution, or the region. */
export const tenantOf = (principal: Principal): string =>
  principal.role === 'clinic' ? principal.institutionId : principal.region;
