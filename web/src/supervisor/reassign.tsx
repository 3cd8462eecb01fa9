import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CommandSchemas, type Actor, type Role, type TaskKind } from '../../../machines/case.events';
import type { OpenTask } from '../../../machines/case.tasks';
import { useApi } from '../api/api-context';
import { ApiError, unwrap } from '../api/client';
import { keys } from '../api/queries';
import { useAnnounce } from '../ui/announcer';
import { ErrorNotice } from '../ui/notices';

/** The reassign body, derived from the machine's own command: whom the task goes to. */
const ReassignBodySchema = CommandSchemas['task.reassign'].pick({ to: true }).strict();

const policeRoles: readonly Role[] = ['police_desk', 'police_supervisor'];

/** A supervisor hands on police tasks: those police own, or that went to police when overdue. */
export function reassignable(task: Pick<OpenTask, 'role' | 'escalatedTo'>): boolean {
  return (
    policeRoles.includes(task.role) || (task.escalatedTo !== null && policeRoles.includes(task.escalatedTo))
  );
}

/** The roles a task may go to: the role that owns it, or the one it was escalated to. */
const rolesFor = (task: Pick<OpenTask, 'role' | 'escalatedTo'>): Role[] => [
  ...new Set([task.role, ...(task.escalatedTo === null ? [] : [task.escalatedTo])]),
];

/**
 * `POST /v1/cases/{caseId}/tasks/{task}/reassign`, with one Idempotency-Key per submit that a retry after
 * no definite answer reuses, so the API applies it once.
 */
function useReassign() {
  const api = useApi();
  const queryClient = useQueryClient();
  const pending = useRef<{ key: string; fingerprint: string } | null>(null);
  return useMutation({
    mutationFn: async (input: { caseId: string; task: TaskKind; to: Actor }) => {
      const fingerprint = JSON.stringify(input);
      if (pending.current?.fingerprint !== fingerprint)
        pending.current = { key: crypto.randomUUID(), fingerprint };
      const result = await api.POST('/v1/cases/{caseId}/tasks/{task}/reassign', {
        params: {
          path: { caseId: input.caseId, task: input.task },
          header: { 'Idempotency-Key': pending.current.key },
        },
        body: { to: input.to },
      });
      return unwrap(result);
    },
    onSettled: (_data, error, input) => {
      const definite =
        error === null || (error instanceof ApiError && error.status < 500 && error.status !== 429);
      if (definite) pending.current = null;
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      void queryClient.invalidateQueries({ queryKey: keys.case(input.caseId) });
    },
  });
}

/**
 * A button that opens a modal dialog to hand a claimed or overdue police task to someone else; the dialog
 * traps focus, closes with Escape, and gives focus back to the button.
 */
export function ReassignButton(props: { caseId: string; task: OpenTask }) {
  const { t } = useTranslation(['supervisor', 'enums']);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Focus goes back to the button once the modal dialog is gone (while it is open, the page is inert).
  useEffect(() => {
    if (wasOpen.current && !open) button.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <>
      <button type="button" ref={button} onClick={() => setOpen(true)}>
        {t('reassign.open')}
        <span className="visually-hidden">
          {' '}
          {t('reassign.which', { task: t(`enums:task.${props.task.task}`), caseId: props.caseId })}
        </span>
      </button>
      {open && <ReassignDialog caseId={props.caseId} task={props.task} onClose={() => setOpen(false)} />}
    </>
  );
}

function ReassignDialog(props: { caseId: string; task: OpenTask; onClose: () => void }) {
  const { t } = useTranslation(['supervisor', 'enums']);
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const announce = useAnnounce();
  const reassign = useReassign();
  const roles = rolesFor(props.task);
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>(roles[0] ?? 'police_desk');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = ReassignBodySchema.safeParse({ to: { id: userId.trim(), role } });
    if (!parsed.success) {
      setError(t('reassign.userIdRequired'));
      return;
    }
    setError(null);
    reassign.mutate(
      { caseId: props.caseId, task: props.task.task, to: { id: userId.trim(), role } },
      {
        onSuccess: () => {
          announce(t('reassign.done', { id: userId.trim() }));
          props.onClose();
        },
      },
    );
  };

  const serverError =
    reassign.error instanceof ApiError
      ? reassign.error.fieldErrors.find((e) => e.path.startsWith('body.to'))
      : undefined;
  const fieldError = error ?? serverError?.message ?? null;
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={`${id}-title`}>{t('reassign.title')}</h2>
      <p>
        {t('reassign.lead', { task: t(`enums:task.${props.task.task}`), caseId: props.caseId })}
        {props.task.claimedBy !== null && <> {t('reassign.heldBy', { id: props.task.claimedBy.id })}</>}
      </p>
      <form className="form" noValidate onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-user`}>{t('reassign.userId')}</label>
          <p id={`${id}-user-hint`} className="hint">
            {t('reassign.userIdHint')}
          </p>
          <input
            id={`${id}-user`}
            value={userId}
            autoComplete="off"
            onChange={(event) => setUserId(event.target.value)}
            aria-invalid={fieldError !== null ? true : undefined}
            aria-describedby={fieldError !== null ? `${id}-user-hint ${id}-user-error` : `${id}-user-hint`}
          />
          {fieldError !== null && (
            <p id={`${id}-user-error`} className="field-error" lang={error === null ? 'en' : undefined}>
              {fieldError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('reassign.role')}</label>
          <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {roles.map((option) => (
              <option key={option} value={option}>
                {t(`enums:role.${option}`)}
              </option>
            ))}
          </select>
        </div>
        {reassign.isError && serverError === undefined && <ErrorNotice error={reassign.error} />}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={reassign.isPending}>
            {t('reassign.confirm')}
          </button>
          <button type="button" onClick={props.onClose}>
            {t('reassign.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
