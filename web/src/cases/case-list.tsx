import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { CaseListFilter } from '../api/client';
import { useCases } from '../api/queries';
import { DateTime } from '../i18n/format';
import { ErrorNotice, Loading } from '../ui/notices';
import { BusyButton } from '../ui/busy-button';

/** A page of case summaries (no personal data), newest first, each a link to its case. */
export function CaseTable(props: { filter: Omit<CaseListFilter, 'cursor'>; caption: string }) {
  const { t } = useTranslation(['cases', 'enums', 'common']);
  const cases = useCases(props.filter);
  if (cases.isLoading) return <Loading />;
  if (cases.error) return <ErrorNotice error={cases.error} onRetry={() => void cases.refetch()} />;
  const items = cases.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption>
            {props.caption} ({items.length}
            {cases.hasNextPage ? '+' : ''})
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('cases:list.case')}</th>
              <th scope="col">{t('cases:list.status')}</th>
              <th scope="col">{t('cases:list.risk')}</th>
              <th scope="col">{t('cases:list.kind')}</th>
              <th scope="col">{t('cases:list.reportedAt')}</th>
              <th scope="col">{t('cases:list.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr>
                <td colSpan={6}>{t('cases:list.none')}</td>
              </tr>
            )}
            {items.map((item) => (
              <tr key={item.caseId}>
                <th scope="row">
                  <Link to="/cases/$caseId" params={{ caseId: item.caseId }}>
                    {item.caseId}
                  </Link>
                </th>
                <td>{t(`enums:status.${item.status}`)}</td>
                <td>
                  {t(`enums:risk.${item.risk}`)}
                  {item.urgent && <span className="badge badge-danger">{t('cases:list.urgent')}</span>}
                </td>
                <td>
                  {[
                    item.kind.unauthorisedAbsence && t('cases:facts.unauthorisedAbsence'),
                    item.kind.missing && t('cases:facts.missing'),
                  ]
                    .filter(Boolean)
                    .join(', ')}
                </td>
                <td>
                  <DateTime value={item.reportedAt} />
                </td>
                <td>{item.outcome ? t(`enums:outcome.${item.outcome}`) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cases.hasNextPage && (
        <BusyButton onClick={() => void cases.fetchNextPage()} busy={cases.isFetchingNextPage}>
          {t('common:loadMore')}
        </BusyButton>
      )}
    </>
  );
}
