import { useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { isStale } from '../api/profile-queries';
import { ProfileReportSchema, useReportFromProfile } from '../api/profile-report';
import { useCases } from '../api/queries';
import { emptyValues } from '../forms/form-values';
import { SchemaForm } from '../forms/schema-form';
import { fieldsOf, without } from '../forms/schema-fields';
import { nowWallClock } from '../i18n/time';
import { useAnnounce } from '../ui/announcer';
import { Section } from '../ui/page';

/**
 * "Report missing" from a profile: only the facts of this absence, filed in one step with the version on
 * screen; the profile gives the rest of the report. Filed, it opens the case.
 */
export function ReportMissing(props: { profileId: string; version: number; onStale: () => void }) {
  const { t } = useTranslation(['profiles', 'clinic']);
  const navigate = useNavigate();
  const announce = useAnnounce();
  const file = useReportFromProfile(props.profileId);
  // The clinic's own reference and its clinical notes belong to the full report form, not to this one.
  const fields = useMemo(() => without(fieldsOf(ProfileReportSchema), ['reportId', 'clinical']), []);
  // The police region: as on this clinic's latest case, as the full report form does.
  const recent = useCases({ limit: 1 });
  const region = recent.data?.pages[0]?.items[0]?.region;
  if (recent.isLoading) return null;
  const initial = { ...emptyValues(fields), absenceNoticedAt: nowWallClock(), region: region ?? '' };
  return (
    <Section title={t('profiles:report.title')} id="profile-report">
      <p>{t('profiles:report.explain')}</p>
      <SchemaForm
        label={t('profiles:report.title')}
        schema={ProfileReportSchema}
        fields={fields}
        parts={[{ id: 'report', title: t('clinic:report.sections.report'), fields }]}
        initial={initial}
        level={3}
        submitLabel={t('profiles:report.file')}
        busy={file.isPending}
        submitError={isStale(file.error) ? null : file.error}
        onSubmit={async (report) => {
          try {
            const view = await file.mutateAsync({ version: props.version, report });
            announce(t('profiles:report.filed'));
            void navigate({ to: '/cases/$caseId', params: { caseId: view.caseId } });
          } catch (error) {
            if (isStale(error)) props.onStale();
            throw error;
          }
        }}
      />
    </Section>
  );
}
