import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useApi } from './api-context';
import { ApiError, unwrap } from './client';
import { useIdempotencyKey } from './idempotency-key';
import type { paths } from './schema';

export type ProfileView =
  paths['/v1/profiles/{profileId}']['get']['responses'][200]['content']['application/json'];
export type ProfileBody =
  paths['/v1/profiles/{profileId}']['put']['requestBody']['content']['application/json'];
export type NewProfileBody = paths['/v1/profiles']['post']['requestBody']['content']['application/json'];
export type ProfileSummary =
  paths['/v1/profiles']['get']['responses'][200]['content']['application/json']['items'][number];
export type ProfileVersion =
  paths['/v1/profiles/{profileId}/versions']['get']['responses'][200]['content']['application/json']['versions'][number];

export const profileKeys = {
  list: () => ['profiles'] as const,
  profile: (profileId: string) => ['profile', profileId] as const,
  versions: (profileId: string) => ['profile-versions', profileId] as const,
};

/** The ETag of a version, as If-Match sends it back. */
export const ifMatch = (version: number) => `"${version}"`;

/**
 * The clinic's profiles, newest first, page by page: summaries without personal data. No feed says when a
 * colleague adds one, so the list is read again each time it is shown.
 */
export function useProfiles() {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: profileKeys.list(),
    refetchOnMount: 'always',
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/v1/profiles', {
          params: { query: pageParam === undefined ? {} : { cursor: pageParam } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/**
 * One profile's latest version, read when its page opens and then kept as read: every read is an access
 * record, and a change is made to the version on screen, so that a change someone else made meanwhile is
 * refused (412) rather than silently swapped in under the user's eyes.
 */
export function useProfile(profileId: string) {
  const api = useApi();
  return useQuery({
    queryKey: profileKeys.profile(profileId),
    staleTime: Infinity,
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/profiles/{profileId}', { params: { path: { profileId } }, signal })),
  });
}

/** Every version of a profile, oldest first: who made it, when, and which fields it changed. */
export function useProfileVersions(profileId: string) {
  const api = useApi();
  return useQuery({
    queryKey: profileKeys.versions(profileId),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/profiles/{profileId}/versions', { params: { path: { profileId } }, signal })),
  });
}

/** After a profile was written: the answer is its new latest version; the list and history follow. */
function useAfterWrite() {
  const queryClient = useQueryClient();
  return (view: ProfileView) => {
    queryClient.setQueryData(profileKeys.profile(view.profileId), view);
    void queryClient.invalidateQueries({ queryKey: profileKeys.versions(view.profileId) });
    void queryClient.invalidateQueries({ queryKey: profileKeys.list() });
  };
}

/** Keeps a new profile (`POST /v1/profiles`), with its own Idempotency-Key per submit. */
export function useCreateProfile() {
  const api = useApi();
  const idempotency = useIdempotencyKey();
  const after = useAfterWrite();
  return useMutation({
    mutationFn: async (body: NewProfileBody) => {
      const key = idempotency.keyFor(JSON.stringify(body));
      return unwrap(await api.POST('/v1/profiles', { params: { header: { 'Idempotency-Key': key } }, body }));
    },
    onSuccess: (view) => {
      idempotency.settle(null);
      after(view);
    },
    onError: (error) => idempotency.settle(error),
  });
}

/** Changes a profile: a new version, made to the version the user read (If-Match), else 412. */
export function useUpdateProfile(profileId: string) {
  const api = useApi();
  const idempotency = useIdempotencyKey();
  const after = useAfterWrite();
  return useMutation({
    mutationFn: async ({ version, body }: { version: number; body: ProfileBody }) => {
      const key = idempotency.keyFor(JSON.stringify([profileId, version, body]));
      return unwrap(
        await api.PUT('/v1/profiles/{profileId}', {
          params: { path: { profileId }, header: { 'If-Match': ifMatch(version), 'Idempotency-Key': key } },
          body,
        }),
      );
    },
    onSuccess: (view) => {
      idempotency.settle(null);
      after(view);
    },
    onError: (error) => idempotency.settle(error),
  });
}

/** Marks the version on screen as checked and current: a new version stamped now, else 412. */
export function useReviewProfile(profileId: string) {
  const api = useApi();
  const idempotency = useIdempotencyKey();
  const after = useAfterWrite();
  return useMutation({
    mutationFn: async (version: number) => {
      const key = idempotency.keyFor(JSON.stringify([profileId, version]));
      return unwrap(
        await api.POST('/v1/profiles/{profileId}/review', {
          params: { path: { profileId }, header: { 'If-Match': ifMatch(version), 'Idempotency-Key': key } },
          body: {},
        }),
      );
    },
    onSuccess: (view) => {
      idempotency.settle(null);
      after(view);
    },
    onError: (error) => idempotency.settle(error),
  });
}

/** Reads the profile again, as it now stands, after a change was refused as made to an older version. */
export function useReloadProfile(profileId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: profileKeys.profile(profileId) }),
      queryClient.invalidateQueries({ queryKey: profileKeys.versions(profileId) }),
    ]);
}

/** Whether a write was refused because the profile changed since it was read. */
export const isStale = (error: unknown): boolean => error instanceof ApiError && error.status === 412;
