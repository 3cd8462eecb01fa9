import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { InboxItem } from '../api/client';
import { useTasks } from '../api/queries';
import { usePrincipal } from '../auth/auth-context';
import { TaskFacts } from '../care/own-task';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page, Section } from '../ui/page';
import '../care/care.css';

/**
 * The crisis service's tasks: an assessment for each person found after their title lapsed, soonest due
 * first. The list holds no personal data; opening one reads the case (and is recorded).
 */
export function CrisisTasksPage() {
  const { t } = useTranslation(['crisis', 'common']);
  const tasks = useTasks({ task: 'arrange_crisis_assessment' });
  const items = tasks.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="mobile-screen">
      <Page title={t('list.title')} lead={<p>{t('list.lead')}</p>}>
        <Section title={t('list.open')} id="crisis-open">
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
                  <AssessmentCard item={item} />
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

function AssessmentCard(props: { item: InboxItem }) {
  const { t } = useTranslation('crisis');
  const principal = usePrincipal();
  const { item } = props;
  const headingId = `crisis-${item.caseId}`;
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('list.cardTitle', { caseId: item.caseId })}</h3>
      <div className="card-facts">
        <TaskFacts task={item} principal={principal} overdue={item.overdue} />
      </div>
      <div className="touch-actions">
        <Link to="/crisis/$caseId" params={{ caseId: item.caseId }} className="button button-primary">
          {t('list.openCase')}
          <span className="visually-hidden"> {item.caseId}</span>
        </Link>
      </div>
    </article>
  );
}
