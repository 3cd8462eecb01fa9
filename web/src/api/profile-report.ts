import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Client } from 'openapi-fetch';
import { z } from 'zod';
import { CaseReportSchema, PersonSchema } from '../../../machines/report.schema';
import { useApi } from './api-context';
import type { AsJson } from './as-json';
import { unwrap } from './client';
import { useIdempotencyKey } from './idempotency-key';
import { ifMatch } from './profile-queries';
import { keys } from './queries';
import type { paths } from './schema';

/**
 * What `POST /v1/profiles/{profileId}/reports` takes: the facts of this absence only, the profile gives the
 * rest. Built from the report's own shapes, to the route's agreed contract, while the route is being built
 * beside this: once it is in the API's document, this schema, `ReportFromProfilePath` and the cast in
 * `useReportFromProfile` give way to the model's schema and the generated types.
 */
export const ProfileReportSchema = CaseReportSchema.pick({
  region: true,
  kind: true,
  urgent: true,
  proposedRisk: true,
  absenceNoticedAt: true,
  internalSearchDone: true,
  lastSeen: true,
  medicationOnHand: true,
  clinical: true,
})
  .extend({
    clothing: PersonSchema.shape.clothing.describe('What the person wore when last seen.'),
    reportId: CaseReportSchema.shape.reportId.optional(),
  })
  .strict();
export type ProfileReport = z.infer<typeof ProfileReportSchema>;

/** The route as the API's document will list it: the case it opens answers as `POST /v1/cases` does. */
type ReportFromProfilePath = {
  '/v1/profiles/{profileId}/reports': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    post: {
      parameters: {
        query?: never;
        header: { 'Idempotency-Key': string; 'If-Match'?: string };
        path: { profileId: string };
        cookie?: never;
      };
      requestBody: { content: { 'application/json': AsJson<ProfileReport> } };
      responses: paths['/v1/cases']['post']['responses'];
    };
  };
};

/**
 * Files a report from a profile in one step: the version on screen as If-Match (a page gone stale gets 412),
 * one Idempotency-Key per submit, kept while that submit is retried. Answers the case it opened.
 */
export function useReportFromProfile(profileId: string) {
  // By hand until the route is in the API's document: see ProfileReportSchema.
  const api = useApi() as unknown as Client<paths & ReportFromProfilePath>;
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
