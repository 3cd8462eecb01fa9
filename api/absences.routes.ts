import { Router } from 'express';
import { z } from 'zod';
import {
  absenceHistory,
  firstMonth,
  historySince,
  MAX_HISTORY_DAYS,
  MAX_RATE_MONTHS,
  monthStarts,
  wardRates,
  type ProfileAbsences,
  type WardRates,
} from '../machines/absence-history.schema';
import { wardRatesTenant } from '../machines/case.access';
import type { ProfilePolicy } from '../machines/profile.policy';
import type { RecordsStore } from '../records/records.store';
import { principalOf } from './auth';
import { recordRead } from './cases.routes';
import { Problem } from './problems';
import { ownProfile, ProfileIdParamSchema, recordProfileRead } from './profiles.routes';
import { parseInput } from './validate';

const DAY = 86_400_000;

/** How far back a patient's absence history lists, as a query parameter. */
export const AbsenceHistoryQuerySchema = z
  .object({
    days: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_HISTORY_DAYS)
      .optional()
      .describe(
        `list the absences of this many days back, up to ${MAX_HISTORY_DAYS}; the policy's repeat window when not given`,
      ),
  })
  .strict();

/** How many calendar months the ward rates cover, as a query parameter. */
export const WardRatesQuerySchema = z
  .object({
    months: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_RATE_MONTHS)
      .default(12)
      .describe(`this many calendar months up to and including the current one, at most ${MAX_RATE_MONTHS}`),
  })
  .strict();

/**
 * Repeat absences (issue 15), served from the records store: a patient's absences under their profile,
 * and a clinic's wards month by month. The store only finds and counts; who may read is the access
 * module's (`seesProfile`, `wardRatesTenant`), what counts as a repeat the model's (absence-history.schema).
 */
export function absencesRouter(deps: {
  records: Pick<RecordsStore, 'accessLog' | 'cases' | 'profiles'>;
  /** The policy's `profiles` section: its repeat window and threshold. */
  profilePolicy: ProfilePolicy;
}): Router {
  const router = Router();
  const { accessLog, cases, profiles } = deps.records;
  const { repeat } = deps.profilePolicy;

  router.get('/profiles/:profileId/absences', async (req, res) => {
    const principal = principalOf(res);
    const { profileId } = parseInput(ProfileIdParamSchema, req.params, 'path');
    const { days } = parseInput(AbsenceHistoryQuerySchema, req.query, 'query');
    const institutionId = await ownProfile(profiles, principal, profileId);
    const now = new Date().toISOString();
    const filed = await cases.fromProfile({
      profileId,
      institutionId,
      after: historySince(now, days, repeat.window),
    });
    const history = absenceHistory({ profileId, cases: filed, repeat, days, now });
    await recordProfileRead(accessLog, res, principal, { profileId, institutionId }, 'profile_absences');
    // A debrief is its case's content: each one shown is on record with its case too, where the region's
    // supervisor answers for the reads of that case.
    const shown = new Set(history.absences.filter((a) => a.why !== null).map((a) => a.caseId));
    for (const view of filed)
      if (shown.has(view.caseId)) await recordRead(accessLog, res, principal, view, 'debrief');
    res.set('Cache-Control', 'no-store').json(history satisfies ProfileAbsences);
  });

  router.get('/ward-rates', async (req, res) => {
    const principal = principalOf(res);
    const institutionId = wardRatesTenant(principal);
    if (institutionId === undefined)
      throw new Problem(403, 'Forbidden', `a ${principal.role} user may not read ward rates`);
    const { months } = parseInput(WardRatesQuerySchema, req.query, 'query');
    const from = firstMonth(new Date().toISOString(), months);
    // One window before the first month, so its first absences find the earlier ones they repeat.
    const absences = await cases.profileAbsences({
      institutionId,
      from: new Date(Date.parse(monthStarts(from)) - repeat.window),
    });
    // Counts per ward and month, no patient or case in them: not an access record.
    res.set('Cache-Control', 'no-store').json({
      institutionId,
      months,
      from,
      window: { days: repeat.window / DAY },
      rates: wardRates(absences, repeat.window, from),
    } satisfies WardRates);
  });

  return router;
}
