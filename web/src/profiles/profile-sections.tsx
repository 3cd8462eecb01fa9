import { useTranslation } from 'react-i18next';
import { reportSections, sectionsOf, type ReportSection } from '../clinic/report-sections';
import type { FormPart } from '../forms/schema-form';
import type { FieldSpec } from '../forms/schema-fields';
import { BodySummary } from '../forms/summary';
import { Section } from '../ui/page';

/** A profile's own parts, which the report does not have. */
type ProfilePart = 'patient' | 'plans';
export type ProfileSection = ReportSection | ProfilePart | 'other';

/** Where a profile's own fields join the report's parts: its photo with the person, routines with the search. */
const joins: Partial<Record<ReportSection, readonly string[]>> = {
  person: ['photo'],
  search: ['routines'],
};

/**
 * A profile's parts: the report's own, in its order and under its names, for the fields the two share;
 * then the patient's own plans. The patient number, asked once, comes first.
 */
const profileLayout = [
  ['patient', ['patientNumber']],
  ...reportSections.map(([name, keys]) => [name, [...keys, ...(joins[name] ?? [])]] as const),
  ['plans', ['plans']],
] as const;

export const profileSectionsOf = (fields: FieldSpec[]): [ProfileSection, FieldSpec[]][] =>
  sectionsOf<ReportSection | ProfilePart>(fields, profileLayout);

const ownParts: readonly string[] = ['patient', 'plans'] satisfies ProfilePart[];

/** A part's title: the report's where the part is the report's, else the profile's own. */
export function useSectionTitle(): (name: ProfileSection) => string {
  const { t } = useTranslation(['clinic', 'profiles']);
  return (name) =>
    ownParts.includes(name)
      ? t(`profiles:sections.${name as ProfilePart}`)
      : t(`clinic:report.sections.${name as Exclude<ProfileSection, ProfilePart>}`);
}

/** A profile's form parts, titled in the current language. */
export function useProfileParts(fields: FieldSpec[]): FormPart[] {
  const title = useSectionTitle();
  return profileSectionsOf(fields).map(([name, partFields]) => ({
    id: name,
    title: title(name),
    fields: partFields,
  }));
}

/** A profile read back part by part, under the labels its form uses: every field, "not filled in" where blank. */
export function ProfileParts(props: { fields: FieldSpec[]; profile: Record<string, unknown> }) {
  const title = useSectionTitle();
  return (
    <>
      {profileSectionsOf(props.fields).map(([name, partFields]) => (
        <Section key={name} title={title(name)} id={`profile-${name}`}>
          <BodySummary fields={partFields} body={props.profile} />
        </Section>
      ))}
    </>
  );
}
