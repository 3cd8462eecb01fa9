import { Link, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { usePrincipal } from '../auth/auth-context';
import { useProfiles } from '../api/profile-queries';
import { useProfileTasks, type ProfileTaskItem } from '../api/profile-tasks';
import { DateTime, formatDate } from '../i18n/format';
import { BusyButton } from '../ui/busy-button';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page } from '../ui/page';
import { TaskBadges } from './task-badges';

/** The clinic's profiles: how each is kept (ward, version, last review, photo), no personal data. */
export function ProfileListPage() {
  const { t } = useTranslation('profiles');
  const principal = usePrincipal();
  // An erasure on the profile's page comes here, the page it was on being gone: say that it worked.
  const erased = useRouterState({ select: (state) => state.location.state.profileErased === true });
  if (principal.role !== 'clinic')
    return (
      <Page title={t('list.title')}>
        <p>{t('onlyClinics')}</p>
      </Page>
    );
  return (
    <Page
      title={t('list.title')}
      actions={
        <Link to="/clinic/profiles/new" className="button button-primary">
          {t('list.new')}
        </Link>
      }
    >
      {erased && (
        <p role="status" className="notice notice-ok">
          {t('retention.erased')}
        </p>
      )}
      <p>{t('list.explain')}</p>
      <ProfileTable />
    </Page>
  );
}

function ProfileTable() {
  const { t, i18n } = useTranslation(['profiles', 'common']);
  const profiles = useProfiles();
  // What needs attention is what the profiles' open tasks say, as their machines decided it.
  const tasks = useProfileTasks();
  if (profiles.isLoading) return <Loading />;
  if (profiles.error) return <ErrorNotice error={profiles.error} onRetry={() => void profiles.refetch()} />;
  const items = profiles.data?.pages.flatMap((page) => page.items) ?? [];
  const tasksOf = new Map<string, ProfileTaskItem[]>();
  for (const task of tasks.data?.items ?? [])
    tasksOf.set(task.profileId, [...(tasksOf.get(task.profileId) ?? []), task]);
  return (
    <>
      {/* No feed tells of a profile a colleague adds: the list is read on arrival, and here on request. */}
      <BusyButton
        onClick={() => void Promise.all([profiles.refetch(), tasks.refetch()])}
        busy={profiles.isFetching || tasks.isFetching}
      >
        {t('profiles:list.refresh')}
      </BusyButton>
      {tasks.error !== null && <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />}
      <div className="table-wrap">
        <table>
          <caption>
            {t('profiles:list.caption')} ({items.length}
            {profiles.hasNextPage ? '+' : ''})
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('profiles:list.profile')}</th>
              <th scope="col">{t('profiles:list.ward')}</th>
              <th scope="col">{t('profiles:list.version')}</th>
              <th scope="col">{t('profiles:list.reviewedAt')}</th>
              <th scope="col">{t('profiles:list.photoTakenOn')}</th>
              <th scope="col">{t('profiles:list.attention')}</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr>
                <td colSpan={6}>{t('profiles:list.none')}</td>
              </tr>
            )}
            {items.map((item) => (
              <tr key={item.profileId}>
                <th scope="row">
                  <Link to="/clinic/profiles/$profileId" params={{ profileId: item.profileId }}>
                    {item.profileId}
                  </Link>
                </th>
                <td>{item.ward}</td>
                <td>{item.version}</td>
                <td>
                  <DateTime value={item.reviewedAt} />
                </td>
                <td>
                  {item.photoTakenOn === null
                    ? t('profiles:list.noPhoto')
                    : formatDate(item.photoTakenOn, i18n.language)}
                </td>
                <td>
                  <TaskBadges tasks={tasksOf.get(item.profileId) ?? []} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {profiles.hasNextPage && (
        <BusyButton onClick={() => void profiles.fetchNextPage()} busy={profiles.isFetchingNextPage}>
          {t('common:loadMore')}
        </BusyButton>
      )}
    </>
  );
}
