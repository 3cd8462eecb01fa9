import { useTranslation } from 'react-i18next';
import { useProfileVersions } from '../api/profile-queries';
import { ActorName } from '../cases/entries';
import { DateTime } from '../i18n/format';
import { ErrorNotice, Loading } from '../ui/notices';
import { Section } from '../ui/page';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Every version of a profile, newest first: what kind of change, when, by whom, and which parts changed. */
export function ProfileVersions(props: { profileId: string }) {
  const { t } = useTranslation(['profiles', 'fields', 'common']);
  const versions = useProfileVersions(props.profileId);
  const tx = t as unknown as Translate;
  // A field is named as its form names it: a group by its legend.
  const fieldName = (field: string) => {
    const label = tx(`fields:${field}`, { returnObjects: true, defaultValue: '' }) as unknown;
    return typeof label === 'string' && label !== ''
      ? label
      : tx(`fields:${field}._`, { defaultValue: field });
  };
  return (
    <Section title={t('profiles:versions.title')} id="profile-versions">
      {versions.isLoading && <Loading />}
      {versions.error !== null && (
        <ErrorNotice error={versions.error} onRetry={() => void versions.refetch()} />
      )}
      {versions.data !== undefined && (
        <div className="table-wrap">
          <table>
            <caption>{t('profiles:versions.caption', { count: versions.data.versions.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('profiles:versions.version')}</th>
                <th scope="col">{t('profiles:versions.change')}</th>
                <th scope="col">{t('profiles:versions.at')}</th>
                <th scope="col">{t('profiles:versions.by')}</th>
                <th scope="col">{t('profiles:versions.changed')}</th>
              </tr>
            </thead>
            <tbody>
              {[...versions.data.versions].reverse().map((version) => (
                <tr key={version.version}>
                  <th scope="row">{version.version}</th>
                  <td>{t(`profiles:change.${version.change}`)}</td>
                  <td>
                    <DateTime value={version.recordedAt} />
                  </td>
                  <td>
                    <ActorName actor={version.recordedBy} />
                  </td>
                  <td>
                    {version.changed.length === 0
                      ? t('common:none')
                      : version.changed.map(fieldName).join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
