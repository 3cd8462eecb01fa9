import { z } from 'zod';
import { addDays, addMonths, dateAt, endOfDay, startOfDay } from './amsterdam-time';

/**
 * The compulsory titles under which someone may be brought back, and how long each is in force, as the
 * Wvggz, the Wzd and the Hoge Raad have them. docs/legal-titles.md gives the sources and marks what could
 * not be verified; where the law was unclear we chose the earlier end, since past it nobody may bring the
 * person back by force.
 */

/** Wvggz and Wzd titles; forensic (TBS) titles are a different legal track and are refused at intake. */
export const CompulsoryTitleKindSchema = z.enum([
  'crisismaatregel',
  'machtiging_voortzetting_crisismaatregel',
  'zorgmachtiging',
  'wzd_inbewaringstelling',
  'wzd_machtiging_voortzetting_inbewaringstelling',
  'wzd_rechterlijke_machtiging',
]);
export type CompulsoryTitleKind = z.infer<typeof CompulsoryTitleKindSchema>;
export const LegalTitleKindSchema = z.enum([...CompulsoryTitleKindSchema.options, 'none']);

type Law = {
  /** Its end when the decision names none, and the latest end the law allows; null: no cap we could verify. */
  longest: (startsAt: string) => string | null;
  /** The court sets its term, so the decision's end date must be given. */
  endGiven: boolean;
  /** Until when a request filed before the end keeps the title in force, at most; null: no request does. */
  whilePending: ((filedAt: string, startsAt: string) => string) | null;
  /** How the law says it, for the 4xx that refuses a title the law does not allow. */
  term: string;
};

const daysAfter = (instant: string, days: number) => endOfDay(addDays(dateAt(instant), days));
const earlier = (a: string, b: string) => (a < b ? a : b);

export const law: Record<CompulsoryTitleKind, Law> = {
  // Wvggz art. 7:7, 7:8 lid 3: at most three days, unless the officier van justitie asks the court to
  // continue it; then until the court decides, within three days of receiving the request.
  crisismaatregel: {
    longest: (startsAt) => daysAfter(startsAt, 3),
    endGiven: false,
    whilePending: (filedAt) => daysAfter(filedAt, 3),
    term: 'a crisismaatregel runs at most three days from the day it was imposed',
  },
  // Wvggz art. 7:9, 7:10 onder a, 6:2 lid 1 onder b; HR 22-01-2021, ECLI:NL:HR:2021:107: three weeks after
  // its date; a zorgmachtiging request filed before then keeps it until the decision, three weeks after the
  // request at most, and never past six weeks.
  machtiging_voortzetting_crisismaatregel: {
    longest: (startsAt) => daysAfter(startsAt, 21),
    endGiven: false,
    whilePending: (filedAt, startsAt) => earlier(daysAfter(filedAt, 21), daysAfter(startsAt, 42)),
    term: 'a machtiging tot voortzetting runs three weeks after its date',
  },
  // Wvggz art. 6:5 (Stb. 2020, 404): the court sets the term, at most two years; it ends at the end of the
  // day with the same number as its first (HR 2021:107). A follow-up request does not carry it past its
  // end (art. 6:6; HR 04-06-2021, ECLI:NL:HR:2021:818).
  zorgmachtiging: {
    longest: (startsAt) => endOfDay(addMonths(dateAt(startsAt), 24)),
    endGiven: true,
    whilePending: null,
    term: 'a zorgmachtiging runs two years at most',
  },
  // Wzd: the mayor's inbewaringstelling lasts at most three days; a request to continue it keeps it until the
  // court decides. The cap of three days after the request is ours (no rule found): the earlier end.
  wzd_inbewaringstelling: {
    longest: (startsAt) => daysAfter(startsAt, 3),
    endGiven: false,
    whilePending: (filedAt) => daysAfter(filedAt, 3),
    term: 'an inbewaringstelling runs at most three days from the day it was imposed',
  },
  // Wzd: the court's continuation of an inbewaringstelling, six weeks after its date (it may set less).
  wzd_machtiging_voortzetting_inbewaringstelling: {
    longest: (startsAt) => daysAfter(startsAt, 42),
    endGiven: false,
    whilePending: null,
    term: 'a machtiging tot voortzetting van de inbewaringstelling runs six weeks after its date',
  },
  // Wzd art. 24: the court sets the term; nothing keeps it in force past its end (CIZ).
  wzd_rechterlijke_machtiging: {
    longest: () => null,
    endGiven: true,
    whilePending: null,
    term: 'the court sets the end of a rechterlijke machtiging',
  },
};

const Instant = z.iso.datetime({ offset: true });

/**
 * A title as a clinic gives it. Its instants are what counts; a court decision is dated, so a title may be
 * given in dates instead, read as 00:00 on its first day and 24:00 on its last, in Amsterdam.
 */
const TitleInputSchema = z.object({
  kind: LegalTitleKindSchema,
  startsAt: Instant.optional().describe(
    "When it took effect: the hour a mayor's measure was imposed, or the start of a decision's date.",
  ),
  startsOn: z.iso.date().optional().describe('Instead of `startsAt`: the date of a court decision.'),
  endsAt: Instant.optional().describe(
    'When it ends as decided; without it, when the law ends it. Required where the court sets the term.',
  ),
  endsOn: z.iso.date().optional().describe('Instead of `endsAt`: the last day it runs ("tot en met").'),
  requestFiledAt: Instant.optional().meta({
    // Refused at the edge when later than now (api/validate.ts), like every time that already happened.
    happened: true,
    description:
      'When the court received a request that keeps the title in force until it decides (to continue it, or a zorgmachtiging after a continued crisismaatregel).',
  }),
});

/** A title as the case keeps it: instants only. */
export type LegalTitle =
  | { kind: 'none' }
  | { kind: CompulsoryTitleKind; startsAt: string; endsAt?: string; requestFiledAt?: string };

function normalise(input: z.infer<typeof TitleInputSchema>): LegalTitle {
  if (input.kind === 'none') return { kind: 'none' };
  const startsAt = input.startsAt ?? startOfDay(input.startsOn!);
  const endsAt = input.endsAt ?? (input.endsOn === undefined ? undefined : endOfDay(input.endsOn));
  return {
    kind: input.kind,
    startsAt: new Date(startsAt).toISOString(),
    ...(endsAt !== undefined && { endsAt: new Date(endsAt).toISOString() }),
    ...(input.requestFiledAt !== undefined && {
      requestFiledAt: new Date(input.requestFiledAt).toISOString(),
    }),
  };
}

/** Refuses a title the law does not allow, naming the field and the rule. */
function lawful(input: z.infer<typeof TitleInputSchema>, ctx: z.RefinementCtx): void {
  if (input.kind === 'none') return;
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (input.startsAt !== undefined && input.startsOn !== undefined)
    issue('startsOn', 'give startsAt or startsOn, not both');
  if (input.endsAt !== undefined && input.endsOn !== undefined)
    issue('endsOn', 'give endsAt or endsOn, not both');
  if (input.startsAt === undefined && input.startsOn === undefined)
    return issue(
      'startsAt',
      'a compulsory title needs the instant (startsAt) or date (startsOn) it took effect',
    );
  const rule = law[input.kind];
  const title = normalise(input) as Exclude<LegalTitle, { kind: 'none' }>;
  const endField = input.endsOn !== undefined ? 'endsOn' : 'endsAt';
  if (rule.endGiven && title.endsAt === undefined)
    issue('endsAt', `the court sets its end: give endsAt or endsOn (${rule.term})`);
  if (title.endsAt !== undefined && title.endsAt <= title.startsAt)
    issue(endField, 'must be after its start');
  const longest = rule.longest(title.startsAt);
  if (title.endsAt !== undefined && longest !== null && title.endsAt > longest)
    issue(endField, `${rule.term}: until ${longest} at the latest`);
  if (title.requestFiledAt !== undefined) {
    if (rule.whilePending === null)
      issue('requestFiledAt', `a pending request does not keep a ${input.kind} in force past its end`);
    else if (title.requestFiledAt < title.startsAt) issue('requestFiledAt', 'must not be before its start');
  }
}

/** A legal title, validated against the law and kept as instants. */
export const LegalTitleSchema = TitleInputSchema.superRefine(lawful).transform(normalise);

/**
 * When the title stops giving the power to bring the person back: its end as decided or as the law has
 * it, or, while a request filed before that end awaits the court, the latest the decision may take. Null
 * without a title. A decision the clinic records (a new title, or none) replaces it.
 */
export function titleEndsAt(title: LegalTitle): string | null {
  if (title.kind === 'none') return null;
  const rule = law[title.kind];
  const end = title.endsAt ?? rule.longest(title.startsAt)!;
  const filed = title.requestFiledAt;
  if (filed === undefined || rule.whilePending === null || filed >= end) return end;
  const pending = rule.whilePending(filed, title.startsAt);
  return pending > end ? pending : end;
}

/** Whether the title gives the power to bring the person back at an instant. */
export function titleInForceAt(title: LegalTitle, at: string): boolean {
  const end = titleEndsAt(title);
  return title.kind !== 'none' && end !== null && title.startsAt <= at && at < end;
}

/**
 * Why a report may not be filed as an unauthorised absence at `at`, or null when it may. Without a
 * compulsory title in force nobody has the power to bring the person back: the report is then one of a
 * missing person only.
 */
export function absenceWithoutTitle(
  report: { kind: { unauthorisedAbsence: boolean }; legalTitle: LegalTitle },
  at: string,
): string | null {
  if (!report.kind.unauthorisedAbsence || titleInForceAt(report.legalTitle, at)) return null;
  const missingOnly = 'file it as a missing person (kind.unauthorisedAbsence false, kind.missing true)';
  if (report.legalTitle.kind === 'none')
    return `an unauthorised absence needs a compulsory title in force: without one, ${missingOnly}`;
  return `the title is not in force now (${report.legalTitle.startsAt} until ${titleEndsAt(report.legalTitle)}): record the title in force, or ${missingOnly}`;
}
