import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { InboxItem } from '../api/client';
import { useTasks } from '../api/queries';
import { usePrincipal } from '../auth/auth-context';
import { TaskFacts, holderOf } from '../care/own-task';
import { Page, Section } from '../ui/page';
import { ErrorNotice, Loading } from '../ui/notices';
import '../care/care.css';

/**
 * The crew's transports: every open `transport_patient` task of its region, soonest due first. The list
 * holds no personal data; opening a transport reads the case (and is recorded).
 */
export function TransportsPage() {
  const { t } = useTranslation(['ambulance', 'common']);
  const tasks = useTasks({ task: 'transport_patient' });
  const items = tasks.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="mobile-screen">
      <Page title={t('list.title')} lead={<p>{t('list.lead')}</p>}>
        <Section title={t('list.open')} id="ambulance-open">
          {tasks.isPending ? (
            <Loading />
          ) : tasks.isError ? (
            <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />
          ) : items.length === 0 ? (
            <p>{t('list.none')}</p>
          ) : (
            <ul className="card-list">
              {items.map((item) => (
                <li key={`${item.caseId}/${item.task}`}>
                  <TransportCard item={item} />
                </li>
              ))}
            </ul>
          )}
          {tasks.hasNextPage && (
            <div className="touch-actions">
              <button
                type="button"
                onClick={() => void tasks.fetchNextPage()}
                disabled={tasks.isFetchingNextPage}
              >
                {t('common:loadMore')}
              </button>
            </div>
          )}
        </Section>
      </Page>
    </div>
  );
}

function TransportCard(props: { item: InboxItem }) {
  const { t } = useTranslation(['ambulance', 'enums']);
  const principal = usePrincipal();
  const { item } = props;
  const headingId = `transport-${item.caseId}`;
  const mine = holderOf(item, principal) === 'me';
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('list.cardTitle', { caseId: item.caseId })}</h3>
      <p>
        {item.urgent && <span className="badge badge-danger">{t('list.urgent')}</span>}
        <span className="badge">{t('list.risk', { risk: t(`enums:risk.${item.risk}`) })}</span>
        {mine && <span className="badge badge-ok">{t('list.mine')}</span>}
      </p>
      <div className="card-facts">
        <TaskFacts task={item} principal={principal} overdue={item.overdue} />
      </div>
      <div className="touch-actions">
        <Link to="/ambulance/$caseId" params={{ caseId: item.caseId }} className="button button-primary">
          {t('list.openTransport')}
          <span className="visually-hidden"> {item.caseId}</span>
        </Link>
      </div>
    </article>
  );
}
