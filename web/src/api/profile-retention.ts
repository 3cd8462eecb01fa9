import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { ErasureReasonSchema, type ErasureReason } from '../../../machines/profile.events';
import { useApi } from './api-context';
import { ApiError, unwrap } from './client';
import { useIdempotencyKey } from './idempotency-key';
import { profileAbsenceKeys } from './profile-absences';
import { profileKeys } from './profile-queries';
import { profileTaskKeys } from './profile-tasks';
import type { paths } from './schema';

type ProfilePage = paths['/v1/profiles']['get']['responses'][200]['content']['application/json'];

/** The grounds of AVG art. 17(1) a patient may invoke, as the API takes them. */
export const erasureReasons = ErasureReasonSchema.options;
export type { ErasureReason };

/** Why the profile's machine refused a command (409), as the problem's `reason` says; else undefined. */
export const refusalReason = (error: unknown): string | undefined =>
  error instanceof ApiError && error.status === 409 ? error.problem?.reason : undefined;

/**
 * Records the patient's discharge: the profile's machine arms its erasure and answers when that falls.
 * One Idempotency-Key per day asked for, so a retry records it once.
 */
export function useDischarge(profileId: string) {
  const api = useApi();
  const idempotency = useIdempotencyKey();
  return useMutation({
    mutationFn: async (dischargedOn: string) => {
      const key = idempotency.keyFor(JSON.stringify([profileId, 'discharge', dischargedOn]));
      return unwrap(
        await api.POST('/v1/profiles/{profileId}/discharge', {
          params: { path: { profileId }, header: { 'Idempotency-Key': key } },
          body: { dischargedOn },
        }),
      );
    },
    onSuccess: () => idempotency.settle(null),
    onError: (error) => idempotency.settle(error),
  });
}

/** Records that the discharged patient was taken in again: the machine disarms the erasure, or refuses. */
export function useReadmit(profileId: string) {
  const api = useApi();
  const idempotency = useIdempotencyKey();
  return useMutation({
    mutationFn: async () => {
      const key = idempotency.keyFor(JSON.stringify([profileId, 'readmission']));
      return unwrap(
        await api.POST('/v1/profiles/{profileId}/readmission', {
          params: { path: { profileId }, header: { 'Idempotency-Key': key } },
          body: {},
        }),
      );
    },
    onSuccess: () => idempotency.settle(null),
    onError: (error) => idempotency.settle(error),
  });
}

/**
 * Forwards the patient's request to erase the profile; the machine decides whether the law allows it now.
 * Erased, the clinic's list and tasks are read again; the page calls `useForgetProfile` once it has left.
 */
export function useRequestErasure(profileId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const idempotency = useIdempotencyKey();
  return useMutation({
    mutationFn: async (reason: ErasureReason) => {
      const key = idempotency.keyFor(JSON.stringify([profileId, 'erasure', reason]));
      return unwrap(
        await api.POST('/v1/profiles/{profileId}/erasure', {
          params: { path: { profileId }, header: { 'Idempotency-Key': key } },
          body: { reason },
        }),
      );
    },
    onSuccess: () => {
      idempotency.settle(null);
      void queryClient.invalidateQueries({ queryKey: profileKeys.list() });
      void queryClient.invalidateQueries({ queryKey: profileTaskKeys.all() });
    },
    onError: (error) => idempotency.settle(error),
  });
}

/**
 * Drops what this tab read of an erased profile, so nothing of it outlives the erasure here. Called after
 * its page is left: removed under a mounted page, its reads would be made again and answer 404.
 */
export function useForgetProfile(profileId: string) {
  const queryClient = useQueryClient();
  return () => {
    // The list as read shows it no more, before the list is read again.
    queryClient.setQueryData<InfiniteData<ProfilePage>>(profileKeys.list(), (list) =>
      list === undefined
        ? list
        : {
            ...list,
            pages: list.pages.map((page) => ({
              ...page,
              items: page.items.filter((item) => item.profileId !== profileId),
            })),
          },
    );
    for (const queryKey of [
      profileKeys.profile(profileId),
      profileKeys.versions(profileId),
      profileAbsenceKeys.of(profileId),
      profileTaskKeys.of(profileId),
    ])
      queryClient.removeQueries({ queryKey, exact: true });
  };
}
