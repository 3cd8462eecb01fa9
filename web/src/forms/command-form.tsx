import { zodResolver } from '@hookform/resolvers/zod';
import { useId, useMemo, useState } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { closingRoles } from '../../../machines/case.access';
import type { CommandType, DirectOutcome, TaskKind } from '../../../machines/case.events';
import { usePrincipal } from '../auth/auth-context';
import { ApiError, type CaseResponse } from '../api/client';
import { bodySchemaOf, commandOfTask, taskNeedsForm } from '../api/commands';
import { useCommand, type CommandTarget } from '../api/queries';
import { useAnnounce } from '../ui/announcer';
import { SchemaFields, type FieldContext } from './fields';
import { emptyValues, toBody, type FormValues } from './form-values';
import { issueMessage } from './messages';
import { FormProblems } from './problem-summary';
import { fieldsOf, without } from './schema-fields';
import { placeServerErrors } from './server-errors';
import { dependentFields } from './visibility';
import { BusyButton } from '../ui/busy-button';

const EmptyBodySchema = z.object({}).strict();

/** Fields a form does not ask for: the photo is put on its own, never typed as a reference. */
const notAsked: Partial<Record<CommandType, string[]>> = {
  'clinic.update_description': ['person.photoRef'],
};

/** The command a target sends, and the schema of its body as the API validates it. */
export function commandOf(target: CommandTarget): { type: CommandType; schema: z.ZodType } {
  if (target.kind === 'action') return { type: target.type, schema: bodySchemaOf(target.type) };
  if (target.verb !== 'complete') return { type: `task.${target.verb}`, schema: EmptyBodySchema };
  const type = commandOfTask(target.task);
  return { type, schema: taskNeedsForm(target.task) ? bodySchemaOf(type) : EmptyBodySchema };
}

/**
 * The form of one command on a case, built from the schema the API validates it with: the same rules in
 * the browser, the API's own field errors next to the fields, one Idempotency-Key per submit.
 */
export function CommandForm(props: {
  caseId: string;
  target: CommandTarget;
  defaults?: FormValues;
  onDone?: (view: CaseResponse) => void;
  /** The task this form completes, for its name (`task.complete` tasks). */
  task?: TaskKind;
}) {
  const { t } = useTranslation(['cases', 'enums', 'common']);
  const principal = usePrincipal();
  const announce = useAnnounce();
  const idPrefix = useId();
  // Targets are written inline by callers: the form is rebuilt only when the target itself changes.
  const targetKey = JSON.stringify(props.target);
  const { type, schema } = useMemo(() => commandOf(JSON.parse(targetKey) as CommandTarget), [targetKey]);
  const fields = useMemo(() => without(fieldsOf(schema), notAsked[type] ?? []), [schema, type]);
  const initial = useMemo(() => ({ ...emptyValues(fields), ...props.defaults }), [fields, props.defaults]);
  const resolver: Resolver<FormValues, unknown, Record<string, unknown>> = useMemo(
    () =>
      zodResolver(
        z.preprocess((values) => toBody(fields, values, dependentFields), schema) as unknown as z.ZodType<
          Record<string, unknown>,
          FormValues
        >,
        { error: issueMessage },
      ),
    [fields, schema],
  );
  const form = useForm<FormValues, unknown, Record<string, unknown>>({ resolver, defaultValues: initial });
  const command = useCommand(props.caseId);
  const [unplaced, setUnplaced] = useState<{ path: string; message: string }[]>([]);
  const [sent, setSent] = useState(false);

  const actionLabel =
    props.target.kind === 'task' && props.target.verb === 'complete' && !taskNeedsForm(props.target.task)
      ? t('cases:completeTask', { task: t(`enums:task.${props.target.task}`) })
      : t(`enums:command.${type}`);

  const submit = form.handleSubmit(async (body) => {
    setUnplaced([]);
    setSent(false);
    try {
      const view = await command.mutateAsync({ target: props.target, body });
      form.reset(initial);
      setSent(true);
      announce(t('cases:sent', { action: actionLabel }));
      props.onDone?.(view);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400)
        setUnplaced(
          placeServerErrors(error.fieldErrors, fields, (path, message) =>
            form.setError(path, { type: 'server', message }),
          ),
        );
    }
  });

  const ctx: FieldContext = {
    form,
    idPrefix,
    visible: dependentFields,
    optionAllowed: (path, option) =>
      type !== 'case.close' ||
      path !== 'outcome' ||
      closingRoles[option as DirectOutcome].includes(principal.role),
  };
  return (
    <form className="form" noValidate onSubmit={(event) => void submit(event)} aria-label={actionLabel}>
      <FormProblems
        errors={form.formState.errors}
        idPrefix={idPrefix}
        submitError={command.error}
        unplaced={unplaced}
      />
      <SchemaFields fields={fields} ctx={ctx} />
      <div className="form-actions">
        <BusyButton type="submit" className="button-primary" busy={command.isPending}>
          {t('cases:submit')}
        </BusyButton>
      </div>
      {sent && !form.formState.isDirty && (
        <p role="status" className="notice notice-ok">
          {t('cases:sent', { action: actionLabel })}
        </p>
      )}
    </form>
  );
}
