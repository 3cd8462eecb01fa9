import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useProfileTasks } from '../api/profile-tasks';
import { usePrincipal } from '../auth/auth-context';
import { DateTime } from '../i18n/format';
import { BusyButton } from '../ui/busy-button';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page } from '../ui/page';
import { TaskBadges } from './task-badges';

/**
 * `/clinic/profile-tasks`: the open tasks of the clinic's profiles, as their machines opened them, each with
 * the way to its profile, where the task is done. Handling facts only: no names.
 */
export function ProfileTasksPage() {
  const { t } = useTranslation('profiles');
  const principal = usePrincipal();
  if (principal.role !== 'clinic')
    return (
      <Page title={t('tasks.title')}>
        <p>{t('onlyClinics')}</p>
      </Page>
    );
  return (
    <Page title={t('tasks.title')}>
      <p>{t('tasks.explain')}</p>
      <TaskTable />
    </Page>
  );
}

function TaskTable() {
  const { t } = useTranslation('profiles');
  const tasks = useProfileTasks();
  if (tasks.isLoading) return <Loading />;
  if (tasks.error !== null) return <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />;
  const items = tasks.data?.items ?? [];
  return (
    <>
      <BusyButton onClick={() => void tasks.refetch()} busy={tasks.isFetching}>
        {t('tasks.refresh')}
      </BusyButton>
      <div className="table-wrap">
        <table>
          <caption>
            {t('tasks.caption')} ({items.length}
            {tasks.data?.more === true ? '+' : ''})
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('tasks.profile')}</th>
              <th scope="col">{t('tasks.ward')}</th>
              <th scope="col">{t('tasks.task')}</th>
              <th scope="col">{t('tasks.openedAt')}</th>
              <th scope="col">{t('tasks.dueAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr>
                <td colSpan={5}>{t('tasks.none')}</td>
              </tr>
            )}
            {items.map((task) => (
              <tr key={`${task.profileId}:${task.kind}`}>
                <th scope="row">
                  <Link to="/clinic/profiles/$profileId" params={{ profileId: task.profileId }}>
                    {task.profileId}
                  </Link>
                </th>
                <td>{task.ward}</td>
                <td>
                  {t(`tasks.kind.${task.kind}`)}
                  {task.kind === 'profile_review' && (
                    <>
                      {': '}
                      <TaskBadges tasks={[task]} />
                    </>
                  )}
                </td>
                <td>
                  <DateTime value={task.openedAt} />
                </td>
                <td>{task.dueAt === null ? null : <DateTime value={task.dueAt} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {tasks.data?.more === true && <p className="muted">{t('tasks.more')}</p>}
    </>
  );
}
