import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { maySend } from '../../../machines/case.access';
import { usePrincipal } from '../auth/auth-context';
import { actionCommands, type ActionCommand } from '../api/commands';
import { CommandForm } from '../forms/command-form';
import { Section } from '../ui/page';
import type { AnyCase } from './case-view';
import { PhotoUpload } from './photo-upload';

/**
 * The lifecycle actions the signed-in role may send on this case, each behind a button that opens its form.
 * Which of them the case takes now is the case's decision: one it refuses answers with its current status.
 */
export function ActionsSection(props: { view: AnyCase }) {
  const { t } = useTranslation(['cases', 'enums']);
  const principal = usePrincipal();
  if (props.view.status === 'closed') return null;
  // Completing a threshold task goes through the task itself, not this list.
  const actions = actionCommands.filter((type) => type !== 'task.complete' && maySend(principal.role, type));
  const photo = maySend(principal.role, 'clinic.update_description');
  if (actions.length === 0 && !photo) return null;
  return (
    <Section title={t('cases:actions.title')} id="case-actions">
      <ul className="record-list">
        {actions.map((type) => (
          <li key={type}>
            <ActionToggle caseId={props.view.caseId} type={type} />
          </li>
        ))}
        {photo && (
          <li>
            <PhotoUpload caseId={props.view.caseId} />
          </li>
        )}
      </ul>
    </Section>
  );
}

function ActionToggle(props: { caseId: string; type: ActionCommand }) {
  const { t } = useTranslation('enums');
  const [open, setOpen] = useState(false);
  const panel = useId();
  return (
    <>
      <button type="button" aria-expanded={open} aria-controls={panel} onClick={() => setOpen(!open)}>
        {t(`command.${props.type}`)}
      </button>
      <div id={panel} hidden={!open}>
        {open && <CommandForm caseId={props.caseId} target={{ kind: 'action', type: props.type }} />}
      </div>
    </>
  );
}
