import type { Principal } from './principal';

/** A signed-in session. It lives in memory only: a reload signs the user out, by design. */
export type Session = {
  accessToken: string;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number;
  principal: Principal;
  /** Gets a fresh access token before this one expires (refresh token, hidden re-authentication, or dev). */
  renew: () => Promise<Session>;
};

/** Why the user sees the sign-in page again. */
export type SignedOutReason = 'signed_out' | 'expired' | 'renewal_failed';

type State = { session: Session | null; reason: SignedOutReason | null };

/**
 * The one place the token is held: a module variable, so the fetch middleware reads it without React, and
 * a subscription the React context follows. Never written to any storage.
 */
export function createSessionStore() {
  let state: State = { session: null, reason: null };
  const listeners = new Set<() => void>();
  const set = (next: State) => {
    state = next;
    // A copy: a listener may subscribe anew while it is told (React re-subscribing on a synchronous render).
    for (const listener of [...listeners]) listener();
  };
  return {
    get: (): State => state,
    token: (): string | null => state.session?.accessToken ?? null,
    signIn: (session: Session) => set({ session, reason: null }),
    signOut: (reason: SignedOutReason) => set({ session: null, reason }),
    subscribe: (listener: () => void): (() => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type SessionStore = ReturnType<typeof createSessionStore>;
