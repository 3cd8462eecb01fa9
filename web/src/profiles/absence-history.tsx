import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useProfileAbsences, type ProfileAbsence } from '../api/profile-absences';
import { durationParts } from '../i18n/duration';
import { DateTime } from '../i18n/format';
import { BusyButton } from '../ui/busy-button';
import { ErrorNotice, Loading } from '../ui/notices';
import { Section } from '../ui/page';

/**
 * A patient's absences as the API counts and lists them: how many fall within the policy's repeat window
 * against its threshold, and each one's times, outcome and what its debrief said. The counting is the
 * records store's and the threshold the policy's; this only shows them.
 */
export function AbsenceHistory(props: { profileId: string; onRefresh: () => void; refreshing: boolean }) {
  const { t } = useTranslation(['profiles', 'common']);
  const absences = useProfileAbsences(props.profileId);
  const data = absences.data;
  return (
    <Section title={t('profiles:absences.title')} id="profile-absences">
      {absences.isLoading && <Loading />}
      {absences.error !== null && (
        <ErrorNotice error={absences.error} onRetry={() => void absences.refetch()} />
      )}
      {data !== undefined && (
        <>
          <p>
            <strong data-testid="absence-count">
              {t('profiles:absences.count', { count: data.window.count, days: data.window.days })}
            </strong>{' '}
            {t('profiles:absences.threshold', { threshold: data.window.threshold, days: data.window.days })}
            {data.window.repeat && <> {t('profiles:absences.reached')}</>}
          </p>
          {data.absences.length === 0 ? (
            <p>{t('profiles:absences.none', { days: data.window.days })}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>{t('profiles:absences.caption', { count: data.absences.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('profiles:absences.reportedAt')}</th>
                    <th scope="col">{t('profiles:absences.endedAt')}</th>
                    <th scope="col">{t('profiles:absences.away')}</th>
                    <th scope="col">{t('profiles:absences.outcome')}</th>
                    <th scope="col">{t('profiles:absences.why')}</th>
                    <th scope="col">{t('profiles:absences.case')}</th>
                    <th scope="col">{t('profiles:absences.version')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.absences.map((absence) => (
                    <AbsenceRow key={absence.caseId} absence={absence} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {/* No feed tells this page of a case that ended or a debrief held: it is read again on request. */}
      <BusyButton busy={props.refreshing} onClick={props.onRefresh}>
        {t('profiles:absences.refresh')}
      </BusyButton>
    </Section>
  );
}

function AbsenceRow(props: { absence: ProfileAbsence }) {
  const { t } = useTranslation(['profiles', 'enums', 'fields', 'common']);
  const { absence } = props;
  return (
    <tr>
      <th scope="row">
        <DateTime value={absence.reportedAt} />
      </th>
      <td>
        {absence.endedAt === null ? t('profiles:absences.ongoing') : <DateTime value={absence.endedAt} />}
      </td>
      <td>
        {absence.awayMs === null
          ? t('profiles:absences.ongoing')
          : durationParts(absence.awayMs)
              .map((part) => t(`profiles:absences.unit.${part.unit}`, { count: part.count }))
              .join(' ')}
      </td>
      <td>
        {absence.outcome === null ? t('profiles:absences.open') : t(`enums:outcome.${absence.outcome}`)}
      </td>
      <td>{absence.why === null ? t('profiles:absences.noDebrief') : <Why why={absence.why} />}</td>
      <td>
        <Link to="/cases/$caseId" params={{ caseId: absence.caseId }}>
          {absence.caseId}
        </Link>
      </td>
      <td>{absence.profileVersion}</td>
    </tr>
  );
}

/** What the debrief said about why: what happened, what drove the person away and what drew them. */
function Why(props: { why: NonNullable<ProfileAbsence['why']> }) {
  const { t } = useTranslation(['fields', 'common']);
  const { why } = props;
  const list = (items: readonly string[]) => (items.length === 0 ? t('common:none') : items.join(', '));
  return (
    <dl className="facts">
      <dt>{t('fields:whatHappened')}</dt>
      <dd>{why.whatHappened}</dd>
      <dt>{t('fields:pushFactors')}</dt>
      <dd>{list(why.pushFactors)}</dd>
      <dt>{t('fields:pullFactors')}</dt>
      <dd>{list(why.pullFactors)}</dd>
      <dt>{t('fields:plansUpdated')}</dt>
      <dd>{why.plansUpdated ? t('common:yes') : t('common:no')}</dd>
    </dl>
  );
}
