import { useTranslation } from 'react-i18next';
import type { OpenTask } from '../../../machines/case.tasks';
import type { Principal } from '../auth/principal';
import { DateTime } from '../i18n/format';
import { Facts } from './care-sections';

/** Who holds a task, as the signed-in person sees it. */
export type Holder = 'me' | 'other' | 'nobody';

export function holderOf(task: Pick<OpenTask, 'claimedBy'>, principal: Principal): Holder {
  if (task.claimedBy === null) return 'nobody';
  return task.claimedBy.id === principal.sub && task.claimedBy.role === principal.role ? 'me' : 'other';
}

/** The facts of one open task: when it is due, whether it is late, and who holds it. */
export function TaskFacts(props: { task: OpenTask; principal: Principal; overdue?: boolean }) {
  const { t } = useTranslation(['care', 'enums']);
  const { task } = props;
  const holder = holderOf(task, props.principal);
  return (
    <Facts
      rows={[
        [t('task.kind'), t(`enums:task.${task.task}`)],
        [t('task.due'), task.dueAt === null ? t('task.noDue') : <DateTime value={task.dueAt} relative />],
        [
          t('task.state'),
          <>
            {(props.overdue === true || task.escalatedTo !== null) && (
              <span className="badge badge-danger">{t('task.overdue')}</span>
            )}
            {task.escalatedTo !== null && (
              <span className="badge badge-warn">
                {t('task.escalatedTo', { role: t(`enums:role.${task.escalatedTo}`) })}
              </span>
            )}
            {t(`task.holder.${holder}`, { id: task.claimedBy?.id ?? '' })}
          </>,
        ],
      ]}
    />
  );
}
