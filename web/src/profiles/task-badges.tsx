import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileTaskItem } from '../api/profile-tasks';

/**
 * What a profile's open tasks ask for, as badges worded from the task itself: each reason a review is due,
 * and a repeat review. A colour alone says nothing to someone who cannot see it.
 */
export function TaskBadges(props: { tasks: readonly Pick<ProfileTaskItem, 'kind' | 'reasons'>[] }) {
  const { t } = useTranslation('profiles');
  const badges = props.tasks.flatMap((task) =>
    task.kind === 'repeat_review'
      ? [{ key: 'repeat', text: t('tasks.repeatMarker'), tone: 'badge-danger' }]
      : task.reasons.map((reason) => ({
          key: reason,
          text: t(`tasks.reason.${reason}`),
          tone: 'badge-warn',
        })),
  );
  return (
    <>
      {badges.map((badge, i) => (
        // A space between badges, so that a screen reader reads them as words apart.
        <Fragment key={badge.key}>
          {i > 0 && ' '}
          <span className={`badge ${badge.tone}`}>{badge.text}</span>
        </Fragment>
      ))}
    </>
  );
}
