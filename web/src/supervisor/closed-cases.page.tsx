import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useCases } from '../api/queries';
import { DateTime } from '../i18n/format';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page } from '../ui/page';
import { CaseLink, SupervisorNav } from './supervisor-nav';

/** The region's closed cases, newest reported first, each with a way to its access records. */
export function ClosedCasesPage() {
  const { t } = useTranslation(['supervisor', 'enums', 'common']);
  const cases = useCases({ open: 'false' });
  const items = cases.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Page title={t('closed.title')} lead={<SupervisorNav />}>
      <div className="section">
        {cases.isPending ? (
          <Loading />
        ) : cases.isError ? (
          <ErrorNotice error={cases.error} onRetry={() => void cases.refetch()} />
        ) : items.length === 0 ? (
          <p>{t('closed.none')}</p>
        ) : (
          <div className="table-wrap">
            <table aria-label={t('closed.title')}>
              <thead>
                <tr>
                  <th scope="col">{t('table.case')}</th>
                  <th scope="col">{t('closed.institution')}</th>
                  <th scope="col">{t('closed.outcome')}</th>
                  <th scope="col">{t('closed.reportedAt')}</th>
                  <th scope="col">{t('closed.closedAt')}</th>
                  <th scope="col">{t('table.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.caseId}>
                    <th scope="row">
                      <CaseLink caseId={item.caseId} />
                    </th>
                    <td>{item.institutionId}</td>
                    <td>
                      {item.outcome === null ? t('common:unknown') : t(`enums:outcome.${item.outcome}`)}
                    </td>
                    <td>
                      <DateTime value={item.reportedAt} />
                    </td>
                    <td>{item.closedAt === null ? '' : <DateTime value={item.closedAt} />}</td>
                    <td>
                      <Link to="/supervisor/access-records" search={{ caseId: item.caseId }}>
                        {t('closed.accessRecords')}
                        <span className="visually-hidden"> {item.caseId}</span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cases.hasNextPage && (
          <button
            type="button"
            onClick={() => void cases.fetchNextPage()}
            disabled={cases.isFetchingNextPage}
          >
            {t('common:loadMore')}
          </button>
        )}
      </div>
    </Page>
  );
}
