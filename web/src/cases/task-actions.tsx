import { useTranslation } from 'react-i18next';
import { mayTake, maySend } from '../../../machines/case.access';
import type { Role, TaskKind } from '../../../machines/case.events';
import { usePrincipal } from '../auth/auth-context';
import type { CaseResponse } from '../api/client';
import { commandOfTask } from '../api/commands';
import { useCommand } from '../api/queries';
import { CommandForm } from '../forms/command-form';
import { useAnnounce } from '../ui/announcer';
import { ErrorNotice } from '../ui/notices';
import { ActorName } from './entries';
import { isMe, type Actor } from './case-view';
import { BusyButton } from '../ui/busy-button';

/** An open task as the claim rules see it: what it is, whose it is, and who holds it. */
export type ClaimableTask = { task: TaskKind; role: Role; escalatedTo: Role | null; claimedBy: Actor | null };

/**
 * Take a task on, or give it back: one button, named for what it does to which task of which case, so a
 * keyboard or screen-reader user in a list of tasks knows which one it is. A task someone else holds says
 * who holds it; a task the signed-in role may not take (the access module's rule) offers no button.
 */
export function ClaimButton(props: { caseId: string; task: ClaimableTask }) {
  const { t } = useTranslation(['cases', 'enums']);
  const principal = usePrincipal();
  const command = useCommand(props.caseId);
  const announce = useAnnounce();
  const { claimedBy } = props.task;
  const mine = isMe(claimedBy, principal);
  if (claimedBy !== null && !mine)
    return (
      <span>
        {t('cases:claimedBy')} <ActorName actor={claimedBy} />
      </span>
    );
  if (!mine && !mayTake(props.task, { id: principal.sub, role: principal.role })) return null;
  const verb = mine ? 'release' : 'claim';
  const what = t('cases:taskOfCase', { task: t(`enums:task.${props.task.task}`), caseId: props.caseId });
  const run = () =>
    command.mutate(
      { target: { kind: 'task', task: props.task.task, verb }, body: {} },
      { onSuccess: () => announce(t(verb === 'claim' ? 'cases:claimDone' : 'cases:releaseDone', { what })) },
    );
  return (
    <>
      <BusyButton onClick={run} busy={command.isPending}>
        {t(`cases:${verb}`)}
        <span className="visually-hidden"> — {what}</span>
      </BusyButton>
      {command.error !== null && <ErrorNotice error={command.error} />}
    </>
  );
}

/** The form that gets a task done: its completing command, sent to `…/tasks/{task}/complete`. */
export function TaskForm(props: { caseId: string; task: TaskKind; onDone?: (view: CaseResponse) => void }) {
  const { t } = useTranslation('cases');
  const principal = usePrincipal();
  if (!maySend(principal.role, commandOfTask(props.task))) return <p className="muted">{t('notYourTask')}</p>;
  return (
    <CommandForm
      caseId={props.caseId}
      target={{ kind: 'task', task: props.task, verb: 'complete' }}
      {...(props.onDone !== undefined && { onDone: props.onDone })}
    />
  );
}
