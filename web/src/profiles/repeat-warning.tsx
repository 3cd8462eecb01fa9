import { useTranslation } from 'react-i18next';
import type { ProfileTaskItem } from '../api/profile-tasks';
import { DateTime } from '../i18n/format';
import { BusyButton } from '../ui/busy-button';

/**
 * The warning a profile's open repeat review puts on its page: the patient left repeatedly within the
 * policy's window, and a multidisciplinary review is asked for. "Review held" tells the profile's machine,
 * which closes the task; the warning goes when the store no longer lists it.
 */
export function RepeatWarning(props: { task: ProfileTaskItem; busy: boolean; onHeld: () => void }) {
  const { t } = useTranslation('profiles');
  return (
    // An alert: it arrives after the profile itself has loaded, and must be heard then.
    <div role="alert" aria-labelledby="repeat-warning" className="notice notice-error">
      <h2 id="repeat-warning">{t('repeat.title')}</h2>
      <p>{t('repeat.body')}</p>
      <p>
        {t('repeat.since')} <DateTime value={props.task.openedAt} />
      </p>
      <BusyButton busy={props.busy} onClick={props.onHeld}>
        {t('repeat.held')}
      </BusyButton>
    </div>
  );
}
