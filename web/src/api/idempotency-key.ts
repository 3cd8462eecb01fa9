import { useRef } from 'react';
import { ApiError } from './client';

/**
 * The Idempotency-Key of one user action: a new one for each new submit, the same one when the same submit
 * is retried after it got no definite answer (network, 5xx, 429), so the API applies it once.
 */
export function useIdempotencyKey() {
  const current = useRef<{ key: string; fingerprint: string } | null>(null);
  return {
    keyFor(fingerprint: string): string {
      if (current.current?.fingerprint !== fingerprint)
        current.current = { key: crypto.randomUUID(), fingerprint };
      return current.current.key;
    },
    settle(error: unknown) {
      const definite =
        error === null || (error instanceof ApiError && error.status < 500 && error.status !== 429);
      if (definite) current.current = null;
    },
  };
}
