import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ProfileReport } from '../../../machines/profile-report.schema';
import { useApi } from './api-context';
import type { AsJson } from './as-json';
import { unwrap } from './client';
import { useIdempotencyKey } from './idempotency-key';
import { ifMatch } from './profile-queries';
import { keys } from './queries';

// What the route takes is the model's own schema: the facts of this absence only, the profile gives the rest.
export { ProfileReportSchema, type ProfileReport } from '../../../machines/profile-report.schema';

/**
 * Files a report from a profile in one step: the version on screen as If-Match (a page gone stale gets 412),
 * one Idempotency-Key per submit, kept while that submit is retried. Answers the case it opened.
 */
export function useReportFromProfile(profileId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const idempotency = useIdempotencyKey();
  return useMutation({
    mutationFn: async ({ version, report }: { version: number; report: ProfileReport }) => {
      const key = idempotency.keyFor(JSON.stringify([profileId, version, report]));
      return unwrap(
        await api.POST('/v1/profiles/{profileId}/reports', {
          params: { path: { profileId }, header: { 'Idempotency-Key': key, 'If-Match': ifMatch(version) } },
          body: report as AsJson<ProfileReport>,
        }),
      );
    },
    onSuccess: (view) => {
      idempotency.settle(null);
      queryClient.setQueryData(keys.case(view.caseId), view);
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
    },
    onError: (error) => idempotency.settle(error),
  });
}
