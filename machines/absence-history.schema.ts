import { z } from 'zod';
import { addMonths, dateAt, startOfDay } from './amsterdam-time';
import { DebriefSchema } from './case.entries';
import { OutcomeSchema } from './case.events';
import type { CaseView } from './case.view';
import type { ProfilePolicy } from './profile.policy';

const DAY = 86_400_000;

/** The longest look back a patient's absence history takes (`?days=`): two years. */
export const MAX_HISTORY_DAYS = 730;
/** The most calendar months a ward rate covers (`?months=`): three years. */
export const MAX_RATE_MONTHS = 36;

/** What a debrief said about why the person left: the part of it a patient's absence history shows. */
export const AbsenceWhySchema = DebriefSchema.pick({
  whatHappened: true,
  pushFactors: true,
  pullFactors: true,
  plansUpdated: true,
});
export type AbsenceWhy = z.infer<typeof AbsenceWhySchema>;

/** One absence filed from a patient's profile, as the case's record has it. */
export const ProfileAbsenceSchema = z.object({
  caseId: z.string(),
  profileVersion: z.number().int().min(1).describe('The version of the profile the report was filed from.'),
  reportedAt: z.iso.datetime(),
  endedAt: z.iso
    .datetime()
    .nullable()
    .describe(
      'When the absence ended: the return the clinic confirmed, else the case’s close; null while it lasts.',
    ),
  awayMs: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe('Milliseconds from the report to `endedAt`; null while the absence lasts.'),
  outcome: OutcomeSchema.nullable().describe('How the case ended; null while it is open.'),
  why: AbsenceWhySchema.nullable().describe('What the debrief said; null until the debrief is done.'),
});
export type ProfileAbsence = z.infer<typeof ProfileAbsenceSchema>;

/** The policy's repeat window over a patient's absences now: how many it holds, and whether they repeat. */
export const AbsenceWindowSchema = z.object({
  days: z.number().positive().describe('The policy’s repeat window (`profiles.repeat.window`), in days.'),
  threshold: z.number().int().min(2).describe('How many absences within the window make a repeat.'),
  count: z.number().int().nonnegative().describe('The absences reported within the window, up to now.'),
  repeat: z.boolean().describe('Whether `count` reaches `threshold`.'),
});
export type AbsenceWindow = z.infer<typeof AbsenceWindowSchema>;

/** What `GET /v1/profiles/{profileId}/absences` answers: a patient's absences, newest first. */
export const ProfileAbsencesSchema = z.object({
  profileId: z.string(),
  window: AbsenceWindowSchema,
  absences: z.array(ProfileAbsenceSchema),
});
export type ProfileAbsences = z.infer<typeof ProfileAbsencesSchema>;

/** One ward's absences filed from profiles in one calendar month (Europe/Amsterdam): counts only. */
export const WardMonthRateSchema = z.object({
  ward: z.string(),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .describe('YYYY-MM'),
  absences: z.number().int().min(1),
  repeatAbsences: z
    .number()
    .int()
    .nonnegative()
    .describe('Absences with an earlier one of the same patient within the policy’s repeat window.'),
  patients: z.number().int().min(1).describe('How many patients the absences were of.'),
});
export type WardMonthRate = z.infer<typeof WardMonthRateSchema>;

/** What `GET /v1/ward-rates` answers: an institution's wards, month by month. */
export const WardRatesSchema = z.object({
  institutionId: z.string(),
  months: z.number().int().min(1).max(MAX_RATE_MONTHS),
  /** The first month counted, `YYYY-MM`: `months` calendar months up to and including this one. */
  from: z.string().regex(/^\d{4}-\d{2}$/),
  window: AbsenceWindowSchema.pick({ days: true }),
  /** By ward, then month, oldest first; a month without absences on a ward is left out. */
  rates: z.array(WardMonthRateSchema),
});
export type WardRates = z.infer<typeof WardRatesSchema>;

/** Whether something reported at `reportedAt` lies less than `ms` before `now`, as the machine's window. */
const within = (reportedAt: string, ms: number, now: string) => Date.parse(reportedAt) + ms > Date.parse(now);

/** One case filed from a profile as an absence of its patient. */
export function absenceOf(view: CaseView, profileVersion: number): ProfileAbsence {
  const endedAt = view.returnedAt ?? view.closedAt;
  const debrief = view.debriefs.at(-1);
  return {
    caseId: view.caseId,
    profileVersion,
    reportedAt: view.reportedAt,
    endedAt,
    awayMs: endedAt === null ? null : Math.max(0, Date.parse(endedAt) - Date.parse(view.reportedAt)),
    outcome: view.outcome,
    why: debrief
      ? {
          whatHappened: debrief.whatHappened,
          pushFactors: debrief.pushFactors,
          pullFactors: debrief.pullFactors,
          plansUpdated: debrief.plansUpdated,
        }
      : null,
  };
}

/**
 * A patient's absence history at `now` from the cases filed from their profile: the policy's window with
 * its count, and the absences of the last `days` (the window's own length when not asked), newest first.
 */
export function absenceHistory(input: {
  profileId: string;
  cases: readonly CaseView[];
  repeat: ProfilePolicy['repeat'];
  days: number | undefined;
  now: string;
}): ProfileAbsences {
  const { repeat, now } = input;
  const absences = input.cases
    .flatMap((view) => (view.report.fromProfile ? [absenceOf(view, view.report.fromProfile.version)] : []))
    .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt) || b.caseId.localeCompare(a.caseId));
  const count = absences.filter((a) => within(a.reportedAt, repeat.window, now)).length;
  const listed = input.days === undefined ? repeat.window : input.days * DAY;
  return {
    profileId: input.profileId,
    window: {
      days: repeat.window / DAY,
      threshold: repeat.threshold,
      count,
      repeat: count >= repeat.threshold,
    },
    absences: absences.filter((a) => within(a.reportedAt, listed, now)),
  };
}

/** How far back a history at `now` must look: the longer of the list asked for and the policy's window. */
export function historySince(now: string, days: number | undefined, windowMs: number): Date {
  return new Date(Date.parse(now) - Math.max(windowMs, (days ?? 0) * DAY));
}

/** The first of `months` calendar months in Amsterdam that end with the one `now` is in, `YYYY-MM`. */
export function firstMonth(now: string, months: number): string {
  return addMonths(`${dateAt(now).slice(0, 7)}-01`, -(months - 1)).slice(0, 7);
}

/** The instant a calendar month (`YYYY-MM`) starts in Amsterdam. */
export const monthStarts = (month: string): string => startOfDay(`${month}-01`);

/** One absence as a ward rate counts it: whose and which (ids, never shown), where and when. */
export type WardAbsence = { profileId: string; caseId: string; ward: string; reportedAt: string };

/**
 * Per ward per calendar month (Europe/Amsterdam) from `from` on: the absences filed from profiles, those
 * that repeat an earlier absence of the same patient within `windowMs`, and how many patients they were
 * of. `absences` must reach back one window before `from`, so an absence early in the first month finds
 * the earlier one it repeats. Counts only: no profile or case id leaves this.
 */
export function wardRates(absences: readonly WardAbsence[], windowMs: number, from: string): WardMonthRate[] {
  // A patient's absences in the order they were reported (case id breaking a tie, as the store orders
  // them): an absence repeats when the one before it lies within the window, since any earlier one that
  // does is no closer than that one. This is how the profile's workflow counts a repeat (profile.metrics.ts).
  const ordered = [...absences].sort(
    (a, b) =>
      a.profileId.localeCompare(b.profileId) ||
      Date.parse(a.reportedAt) - Date.parse(b.reportedAt) ||
      a.caseId.localeCompare(b.caseId),
  );
  const cells = new Map<
    string,
    { ward: string; month: string; absences: number; repeats: number; patients: Set<string> }
  >();
  ordered.forEach((a, i) => {
    const month = dateAt(a.reportedAt).slice(0, 7);
    if (month < from) return;
    const before = ordered[i - 1];
    const repeat =
      before !== undefined &&
      before.profileId === a.profileId &&
      Date.parse(before.reportedAt) + windowMs > Date.parse(a.reportedAt);
    const key = JSON.stringify([a.ward, month]);
    const cell = cells.get(key) ?? {
      ward: a.ward,
      month,
      absences: 0,
      repeats: 0,
      patients: new Set<string>(),
    };
    cell.absences += 1;
    if (repeat) cell.repeats += 1;
    cell.patients.add(a.profileId);
    cells.set(key, cell);
  });
  return [...cells.values()]
    .sort((a, b) => a.ward.localeCompare(b.ward) || a.month.localeCompare(b.month))
    .map((c) => ({
      ward: c.ward,
      month: c.month,
      absences: c.absences,
      repeatAbsences: c.repeats,
      patients: c.patients.size,
    }));
}
