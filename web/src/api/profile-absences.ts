import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from './api-context';
import { unwrap } from './client';
import type { paths } from './schema';

export type ProfileAbsences =
  paths['/v1/profiles/{profileId}/absences']['get']['responses'][200]['content']['application/json'];
/** One absence filed from a profile: its case, when it began and ended, how, and what the debrief said. */
export type ProfileAbsence = ProfileAbsences['absences'][number];

export const profileAbsenceKeys = {
  of: (profileId: string) => ['profile-absences', profileId] as const,
};

/**
 * A patient's absences over the policy's repeat window, as the records store has them, with the window's
 * count and threshold. Every read is an access record (the history, and each debrief shown in its case's),
 * so it is read as the page opens and when the page is read again, never on a timer or on focus.
 */
export function useProfileAbsences(profileId: string) {
  const api = useApi();
  return useQuery({
    queryKey: profileAbsenceKeys.of(profileId),
    staleTime: Infinity,
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/profiles/{profileId}/absences', { params: { path: { profileId } }, signal })),
  });
}

/** Reads a profile's absence history again, with the rest of its page. */
export function useReloadProfileAbsences(profileId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: profileAbsenceKeys.of(profileId) });
}
