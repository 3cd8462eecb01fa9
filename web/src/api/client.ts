import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { SessionStore } from '../auth/session';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;

/** A case as the caller's projection answers it (clinic, police or crew; the crisis service's is a subset). */
export type CaseResponse =
  paths['/v1/cases/{caseId}']['get']['responses'][200]['content']['application/json'];
export type InboxPage = paths['/v1/tasks']['get']['responses'][200]['content']['application/json'];
export type InboxItem = InboxPage['items'][number];
export type TaskFilter = NonNullable<paths['/v1/tasks']['get']['parameters']['query']>;
export type CaseList = paths['/v1/cases']['get']['responses'][200]['content']['application/json'];
export type CaseSummary = CaseList['items'][number];
export type CaseListFilter = NonNullable<paths['/v1/cases']['get']['parameters']['query']>;
export type Timeline =
  paths['/v1/cases/{caseId}/timeline']['get']['responses'][200]['content']['application/json'];
export type FeedItem =
  paths['/v1/feed']['get']['responses'][200]['content']['application/json']['entries'][number];
export type Problem = Schemas['Problem'];

/**
 * The typed client of the API (paths and bodies from its OpenAPI document), sending the signed-in user's
 * token from memory. A 401 means the token is no longer accepted: the user signs in again.
 */
export function createApiClient(store: SessionStore, baseUrl = window.location.origin): ApiClient {
  const client = createClient<paths>({ baseUrl });
  const bearer: Middleware = {
    onRequest({ request }) {
      const token = store.token();
      if (token !== null) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ request, response }) {
      const sent = request.headers.get('Authorization');
      if (response.status === 401 && sent !== null && sent === `Bearer ${store.token()}`)
        store.signOut('expired');
      return response;
    },
  };
  client.use(bearer);
  return client;
}

/** An answer that is not 2xx: the API's problem+json, or whatever came back. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | null,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }

  /** Field errors with their paths as the API names them (`body.person.name`). */
  get fieldErrors(): { path: string; message: string }[] {
    return (this.problem?.errors ?? []).flatMap((e) =>
      e.path !== undefined && e.message !== undefined ? [{ path: e.path, message: e.message }] : [],
    );
  }
}

/** The data of a 2xx answer, or an ApiError carrying the problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  const problem =
    typeof result.error === 'object' && result.error !== null ? (result.error as Partial<Problem>) : null;
  throw new ApiError(result.response.status, problem);
}
