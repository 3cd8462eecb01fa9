import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InboxItem, TaskFilter } from '../api/client';
import { useTasks } from '../api/queries';
import { TaskSignals } from '../cases/case-sections';
import { ClaimButton } from '../cases/task-actions';
import { DateTime } from '../i18n/format';
import { useAnnounce } from '../ui/announcer';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page } from '../ui/page';
import { Filters } from './filters';
import { BusyButton } from '../ui/busy-button';

const keyOf = (item: InboxItem) => `${item.caseId}/${item.task}`;

/**
 * The police desk's inbox: every open task of the region it may act on, by due time then priority, with
 * what is overdue or escalated. It follows the live feed; new tasks are read out in the live region. Every
 * row works by keyboard: the task's link opens its form, the button claims or releases it.
 */
export function InboxPage(props: {
  filter: Omit<TaskFilter, 'cursor' | 'limit'>;
  onFilter: (filter: Omit<TaskFilter, 'cursor' | 'limit'>) => void;
}) {
  const { t } = useTranslation(['desk', 'enums', 'common', 'cases']);
  const tasks = useTasks(props.filter);
  const announce = useAnnounce();
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const items = tasks.data?.pages.flatMap((page) => page.items) ?? [];
  const filterKey = JSON.stringify(props.filter);

  // A new filter is a new list, not new tasks.
  useEffect(() => {
    seen.current = null;
    setFresh(new Set());
  }, [filterKey]);

  useEffect(() => {
    if (!tasks.data || tasks.isPlaceholderData) return;
    const keys = items.map(keyOf);
    if (seen.current === null) {
      seen.current = new Set(keys);
      return;
    }
    const arrived = items.filter((item) => !seen.current!.has(keyOf(item)));
    for (const key of keys) seen.current.add(key);
    if (arrived.length === 0) return;
    setFresh((previous) => new Set([...previous, ...arrived.map(keyOf)]));
    announce(
      t('desk:arrived', {
        count: arrived.length,
        tasks: arrived.map((item) => `${t(`enums:task.${item.task}`)} (${item.caseId})`).join(', '),
      }),
    );
    // Only a new answer of the API counts, not a re-render.
  }, [tasks.data]);

  return (
    <Page title={t('desk:title')}>
      <Filters
        legend={t('desk:filters.legend')}
        fields={['role', 'state', 'risk', 'overdue', 'assigned']}
        values={props.filter}
        exclude={{ state: ['closed'], role: ['clinic'] }}
        onChange={(next) => props.onFilter(next as Omit<TaskFilter, 'cursor' | 'limit'>)}
      />
      {tasks.isLoading && <Loading />}
      {tasks.error && <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />}
      {tasks.data && (
        <div className="table-wrap">
          <table data-testid="inbox">
            <caption>
              {t('desk:caption', { count: items.length })}
              {tasks.hasNextPage ? '+' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('desk:columns.task')}</th>
                <th scope="col">{t('desk:columns.case')}</th>
                <th scope="col">{t('desk:columns.status')}</th>
                <th scope="col">{t('desk:columns.risk')}</th>
                <th scope="col">{t('desk:columns.due')}</th>
                <th scope="col">{t('desk:columns.signals')}</th>
                <th scope="col">{t('desk:columns.holder')}</th>
              </tr>
            </thead>
            <tbody>
              {items.length === 0 && (
                <tr>
                  <td colSpan={7}>{t('desk:empty')}</td>
                </tr>
              )}
              {items.map((item) => (
                <tr key={keyOf(item)}>
                  <th scope="row">
                    <Link to="/cases/$caseId/tasks/$task" params={{ caseId: item.caseId, task: item.task }}>
                      {t(`enums:task.${item.task}`)}
                    </Link>
                    {fresh.has(keyOf(item)) && <span className="badge badge-ok"> {t('common:new')}</span>}
                  </th>
                  <td>
                    <Link to="/cases/$caseId" params={{ caseId: item.caseId }}>
                      {item.caseId}
                    </Link>
                  </td>
                  <td>{t(`enums:status.${item.status}`)}</td>
                  <td>
                    {t(`enums:risk.${item.risk}`)}
                    {item.urgent && <span className="badge badge-danger"> {t('desk:urgent')}</span>}
                    <br />
                    <span className="muted">{t('desk:priority', { priority: item.priority })}</span>
                  </td>
                  <td>{item.dueAt ? <DateTime value={item.dueAt} relative /> : t('cases:tasks.noDue')}</td>
                  <td>
                    <TaskSignals overdue={item.overdue} escalatedTo={item.escalatedTo} />
                  </td>
                  <td>
                    <ClaimButton caseId={item.caseId} task={item} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {tasks.hasNextPage && (
        <BusyButton onClick={() => void tasks.fetchNextPage()} busy={tasks.isFetchingNextPage}>
          {t('common:loadMore')}
        </BusyButton>
      )}
    </Page>
  );
}
