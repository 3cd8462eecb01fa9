import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext } from '@tanstack/react-router';
import type { SessionStore } from '../auth/session';
import { Layout, NotFound } from './layout';

/** What every route may use in `beforeLoad`: the session (for the sign-in guard) and the query cache. */
export type RouterContext = { session: SessionStore; queryClient: QueryClient };

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Layout,
  notFoundComponent: NotFound,
});
