import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { CaseView } from '../machines/case.view';
import { ProfileReportSchema, reportFromProfile } from '../machines/profile-report.schema';
import type { ProfileView } from '../machines/profile.schema';
import type { RecordsStore } from '../records/records.store';
import { principalOf, type Principal } from './auth';
import type { CaseClient } from './case-client';
import { fileCase, IdempotencyKeySchema } from './cases.routes';
import { Answered, idempotent } from './idempotency';
import type { ApiMetrics } from './metrics';
import { photoNamedBy } from './photo.routes';
import {
  ifMatch,
  ProfileIdParamSchema,
  recordProfileRead,
  staleVersion,
  visibleProfile,
} from './profiles.routes';
import { projectFor } from './projections';
import { parseBody, parseInput, parseHeader } from './validate';

/**
 * Reporting from a profile (issue 15): one request with the facts of this absence files a report made of
 * the profile's latest version, complete at once, the profile's photo included. It is filed as `POST
 * /v1/cases` files one, and says where it came from (`fromProfile`). Only the profile's own clinic may;
 * to everyone else the profile does not exist.
 */
export function profileReportsRouter(deps: {
  cases: CaseClient;
  metrics: ApiMetrics;
  records: Pick<
    RecordsStore,
    'accessLog' | 'cases' | 'idempotency' | 'photos' | 'profiles' | 'profilePhotos'
  >;
  futureToleranceMs: number;
}): Router {
  const router = Router();
  const { profiles, profilePhotos, photos } = deps.records;

  router.post('/:profileId/reports', async (req, res) => {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const key = parseHeader(IdempotencyKeySchema, req, 'idempotency-key');
    const version = ifMatch(req, false);
    const facts = parseBody(ProfileReportSchema, req.body, deps.futureToleranceMs);
    await idempotent(
      deps.records.idempotency,
      principal,
      key,
      req,
      { version: version ?? null, facts },
      res,
      async () => {
        const view = visibleProfile(principal, profileId, await profiles.get(profileId));
        if (version !== undefined && version !== view.version) throw staleVersion(profileId, view.version);
        await recordProfileRead(deps.records.accessLog, res, principal, view, 'profile');
        const photo = await shownPhoto(view);
        if (photo) await recordProfileRead(deps.records.accessLog, res, principal, view, 'profile_photo');
        const report = reportFromProfile({
          view,
          facts,
          reportId: facts.reportId ?? reportIdFor(principal, profileId, key),
          photoRef: view.profile.photo?.ref,
          at: new Date().toISOString(),
        });
        const { created, view: filed } = await fileCase(deps, report, {
          path: 'profile.legalTitle',
          note: `The title is the one profile ${profileId} records (version ${view.version}), which the report takes it from: record the title in force there (PUT /v1/profiles/${profileId}).`,
        });
        res.locals.caseId = filed.caseId;
        // The case's photo is the profile's, stored under the case before the answer: police who read the
        // case after it see the photo too. The case's record exists by now, as the photo's row requires.
        if (photo) {
          await photos.store({
            caseId: filed.caseId,
            contentType: photo.contentType,
            bytes: photo.bytes,
            uploadedAt: new Date(),
            uploadedByRole: principal.role,
          });
        }
        return new Answered(created ? 201 : 200, projectFor(principal, filed));
      },
      { headers: (body) => ({ Location: `/v1/cases/${(body as CaseView).caseId}` }) },
    );
  });

  /** The photo a profile shows, when it names one stored with it. */
  function shownPhoto(view: ProfileView) {
    const sha256 = photoNamedBy(view.profile.photo?.ref);
    return sha256 === undefined ? undefined : profilePhotos.get(view.profileId, sha256);
  }

  return router;
}

/**
 * The report id of a report filed from a profile without one of the clinic's own: the same for the same
 * caller, profile and Idempotency-Key, so a retry after a failure finds the case the first attempt filed.
 * The caller is part of it because idempotency keys are each caller's own.
 */
function reportIdFor(principal: Principal, profileId: string, key: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([principal.sub, profileId, key]))
    .digest('hex');
  return `profile-${digest.slice(0, 40)}`;
}
