import type { FieldSpec } from '../forms/schema-fields';

/** A form's parts: each a name and the top-level fields it holds, in order. */
export type SectionLayout<Name extends string> = readonly (readonly [Name, readonly string[]])[];

/**
 * The report's parts, in the order a ward nurse gives them. A profile's form and page show the parts it
 * shares with the report under the same names, so the two read alike.
 */
export const reportSections = [
  [
    'report',
    [
      'reportId',
      'region',
      'kind',
      'urgent',
      'proposedRisk',
      'absenceNoticedAt',
      'internalSearchDone',
      'previousAbsences',
      'lastSeen',
    ],
  ],
  ['person', ['person']],
  ['safety', ['riskFactors', 'medicationOnHand', 'timeCriticalNeeds', 'peopleAtRisk']],
  ['search', ['likelyPlaces', 'associates', 'travel']],
  ['legal', ['legalTitle']],
  ['contact', ['clinicContact', 'consents']],
  ['clinical', ['clinical']],
] as const satisfies SectionLayout<string>;
export type ReportSection = (typeof reportSections)[number][0];

/**
 * The fields of a form by part: each part with the fields it names that the form has (a part left with none
 * is left out), and a field no part names in "other", so a field the model adds is still asked.
 */
export function sectionsOf<Name extends string>(
  fields: FieldSpec[],
  layout: SectionLayout<Name>,
): [Name | 'other', FieldSpec[]][] {
  const placed = new Set<string>(layout.flatMap(([, keys]) => keys));
  const listed = layout
    .map(([name, keys]): [Name | 'other', FieldSpec[]] => [
      name,
      keys.flatMap((key) => fields.filter((field) => field.key === key)),
    ])
    .filter(([, partFields]) => partFields.length > 0);
  const other = fields.filter((field) => !placed.has(field.key) && field.kind !== 'constant');
  return other.length > 0 ? [...listed, ['other', other]] : listed;
}
