import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useAuth } from '../auth/auth-context';
import { useApi } from './api-context';
import type { ApiClient, FeedItem } from './client';
import { createSseParser } from './sse';

export type LiveState = 'connecting' | 'live' | 'offline';

/** No byte for this long (the server sends a heartbeat every 15 s): the stream is dead, reconnect. */
const SILENCE_MS = 45_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Reads `GET /v1/feed/stream` with fetch, since EventSource cannot send a bearer token: parses the
 * events, and reconnects with `Last-Event-ID` after a drop so no entry is missed. Returns the stop function.
 */
export function connectFeed(options: {
  api: ApiClient;
  onEntry: (entry: FeedItem) => void;
  onState: (state: LiveState) => void;
}): () => void {
  const stopped = new AbortController();
  let lastEventId: string | undefined;

  const once = async () => {
    const connection = new AbortController();
    const abort = () => connection.abort();
    stopped.signal.addEventListener('abort', abort);
    let watchdog = window.setTimeout(abort, SILENCE_MS);
    try {
      const { response } = await options.api.GET('/v1/feed/stream', {
        params: { header: lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId } },
        parseAs: 'stream',
        signal: connection.signal,
        headers: { accept: 'text/event-stream' },
      });
      if (!response.ok || response.body === null) return false;
      options.onState('live');
      const parse = createSseParser((message) => {
        if (message.id !== undefined) lastEventId = message.id;
        try {
          options.onEntry(JSON.parse(message.data) as FeedItem);
        } catch {
          // An event that is not an entry (none is sent today) is skipped, not fatal.
        }
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        window.clearTimeout(watchdog);
        watchdog = window.setTimeout(abort, SILENCE_MS);
        parse(value);
      }
    } catch {
      return false;
    } finally {
      window.clearTimeout(watchdog);
      stopped.signal.removeEventListener('abort', abort);
    }
  };

  const run = async () => {
    let failures = 0;
    while (!stopped.signal.aborted) {
      options.onState('connecting');
      const cleanEnd = await once();
      if (stopped.signal.aborted) return;
      options.onState('offline');
      failures = cleanEnd ? 0 : failures + 1;
      const wait = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** failures) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => window.setTimeout(resolve, wait));
    }
  };
  void run();
  return () => stopped.abort();
}

type Live = { state: LiveState; subscribe: (listener: (entry: FeedItem) => void) => () => void };
const LiveContext = createContext<Live>({ state: 'offline', subscribe: () => () => undefined });

/** Invalidations are gathered for this long, so a burst of entries (a catch-up) refetches once. */
const BATCH_MS = 250;

/**
 * While someone is signed in, keeps every screen current from their feed: each entry refreshes the lists and the case it names.
 * Screens may also listen for entries (the desk announces new tasks).
 */
export function LiveProvider(props: { children: ReactNode }) {
  const api = useApi();
  const { session } = useAuth();
  const identity = session === null ? null : `${session.principal.role}/${session.principal.sub}`;
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const listeners = useRef(new Set<(entry: FeedItem) => void>());

  useEffect(() => {
    if (identity === null) return;
    const cases = new Set<string>();
    let timer: number | undefined;
    const flush = () => {
      timer = undefined;
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
      for (const caseId of cases) {
        void queryClient.invalidateQueries({ queryKey: ['case', caseId] });
        void queryClient.invalidateQueries({ queryKey: ['timeline', caseId] });
      }
      cases.clear();
    };
    const stop = connectFeed({
      api,
      onState: setState,
      onEntry: (entry) => {
        cases.add(entry.caseId);
        timer ??= window.setTimeout(flush, BATCH_MS);
        for (const listener of listeners.current) listener(entry);
      },
    });
    return () => {
      stop();
      window.clearTimeout(timer);
    };
    // A new identity gets its own feed; a renewed token keeps the stream it opened.
  }, [api, queryClient, identity]);

  const subscribe = useCallback((listener: (entry: FeedItem) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const live = useMemo(() => ({ state, subscribe }), [state, subscribe]);
  return <LiveContext.Provider value={live}>{props.children}</LiveContext.Provider>;
}

export const useLive = () => useContext(LiveContext);
