import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from './api-context';
import { unwrap } from './client';
import { useIdempotencyKey } from './idempotency-key';
import type { paths } from './schema';

export type ProfileTaskPage =
  paths['/v1/profile-tasks']['get']['responses'][200]['content']['application/json'];
/** One open task of a profile, as the store keeps it: its kind, its reasons and its instants. */
export type ProfileTaskItem = ProfileTaskPage['items'][number];

export const profileTaskKeys = {
  all: () => ['profile-tasks'] as const,
  of: (profileId: string | undefined) => ['profile-tasks', profileId ?? null] as const,
};

/** The most the API lists at once: the clinic's screens show every open task they can. */
const LIMIT = 200;
/**
 * No feed tells of a task a profile's workflow opens (a review falling due, a third absence): the tasks are
 * read on arrival and again this often, as the case inbox polls.
 */
const POLL_MS = 30_000;

/**
 * The open profile tasks the store holds for the clinic, or for one profile: which reviews are due and why,
 * and which repeat reviews are asked for. What is due is the profile machine's decision, never this app's.
 */
export function useProfileTasks(profileId?: string) {
  const api = useApi();
  return useQuery({
    queryKey: profileTaskKeys.of(profileId),
    refetchOnMount: 'always',
    refetchInterval: POLL_MS,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/v1/profile-tasks', {
          params: { query: profileId === undefined ? { limit: LIMIT } : { limit: LIMIT, profileId } },
          signal,
        }),
      ),
  });
}

/** Reads every list of profile tasks again: after a write that may have opened or closed one. */
export function useReloadProfileTasks() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: profileTaskKeys.all() });
}

/**
 * Says the multidisciplinary review the repeat absences asked for was held; the profile's machine closes
 * the task, or refuses with 409 when none is open. One Idempotency-Key per task, so a retry closes it once.
 */
export function useCompleteRepeatReview(profileId: string) {
  const api = useApi();
  const idempotency = useIdempotencyKey();
  const reload = useReloadProfileTasks();
  return useMutation({
    mutationFn: async (task: Pick<ProfileTaskItem, 'openedAt'>) => {
      const key = idempotency.keyFor(JSON.stringify([profileId, task.openedAt]));
      return unwrap(
        await api.POST('/v1/profiles/{profileId}/tasks/repeat_review/complete', {
          params: { path: { profileId }, header: { 'Idempotency-Key': key } },
          body: {},
        }),
      );
    },
    onSuccess: () => idempotency.settle(null),
    onError: (error) => idempotency.settle(error),
    // Done or refused (409: someone else closed it), the store says what is open now.
    onSettled: () => reload(),
  });
}
