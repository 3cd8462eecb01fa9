import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from './client';

const ApiContext = createContext<ApiClient | null>(null);

/** Gives the app its API client, made once at start-up. */
export function ApiProvider(props: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={props.client}>{props.children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (client === null) throw new Error('useApi outside ApiProvider');
  return client;
}
