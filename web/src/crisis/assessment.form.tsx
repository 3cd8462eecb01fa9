import { useId } from 'react';
import { useForm, type FieldErrors, type Resolver } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { CrisisAssessmentOutcomeSchema } from '../../../machines/case.events';
import { ApiError } from '../api/client';
import { bodySchemaOf } from '../api/commands';
import { useCommand } from '../api/queries';
import { useAnnounce } from '../ui/announcer';
import { ErrorNotice } from '../ui/notices';

type Outcome = z.infer<typeof CrisisAssessmentOutcomeSchema>;
type FormValues = { outcome: Outcome | ''; notes: string };
type Field = keyof FormValues;

/** The API's own body schema for the command (machines/case.events.ts): the browser checks what the API will. */
const schema = bodySchemaOf('crisis.record_assessment');

/** What is sent: an empty notes field is no notes at all, not an empty string the schema refuses. */
function bodyOf(values: FormValues): Record<string, string> {
  const notes = values.notes.trim();
  return { ...(values.outcome !== '' && { outcome: values.outcome }), ...(notes !== '' && { notes }) };
}

/**
 * The crisis service's assessment of someone found after their title lapsed: the way on it chose and its
 * own notes. Validated in the browser with the command's schema; the API's field errors show at the fields.
 */
export function AssessmentForm(props: { caseId: string; onRecorded: () => void }) {
  const { t } = useTranslation(['crisis', 'enums']);
  const announce = useAnnounce();
  const command = useCommand(props.caseId);
  const id = useId();

  const resolver: Resolver<FormValues> = (values) => {
    const parsed = schema.safeParse(bodyOf(values));
    if (parsed.success) return { values, errors: {} };
    const errors: FieldErrors<FormValues> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if ((field === 'outcome' || field === 'notes') && errors[field] === undefined) {
        const message =
          field === 'outcome'
            ? t('form.errors.outcome')
            : issue.code === 'too_big'
              ? t('form.errors.notesTooLong', { max: Number(issue.maximum) })
              : t('form.errors.notes');
        errors[field] = { type: issue.code, message };
      }
    }
    return { values: {}, errors };
  };

  const form = useForm<FormValues>({ resolver, defaultValues: { outcome: '', notes: '' } });
  const { errors } = form.formState;

  const submit = form.handleSubmit((values) => {
    command.mutate(
      { target: { kind: 'action', type: 'crisis.record_assessment' }, body: bodyOf(values) },
      {
        onSuccess: () => {
          announce(t('form.recorded'));
          props.onRecorded();
        },
        onError: (error) => {
          if (!(error instanceof ApiError)) return;
          for (const { path, message } of error.fieldErrors) {
            const field = path.replace(/^body\./, '').split('.')[0] as Field;
            if (field === 'outcome' || field === 'notes') form.setError(field, { type: 'server', message });
          }
        },
      },
    );
  });

  const errorId = (field: Field) => `${id}-${field}-error`;
  const notesHint = `${id}-notes-hint`;
  return (
    <form className="form" noValidate onSubmit={(event) => void submit(event)}>
      <p>{t('form.lead')}</p>
      <fieldset
        aria-describedby={errors.outcome ? errorId('outcome') : undefined}
        aria-invalid={errors.outcome ? true : undefined}
      >
        <legend>{t('form.outcome')}</legend>
        {errors.outcome?.message !== undefined && (
          <p
            id={errorId('outcome')}
            className="field-error"
            lang={errors.outcome.type === 'server' ? 'en' : undefined}
          >
            {errors.outcome.message}
          </p>
        )}
        <div className="choice-list">
          {CrisisAssessmentOutcomeSchema.options.map((outcome) => (
            <div key={outcome} className="choice">
              <input
                id={`${id}-${outcome}`}
                type="radio"
                value={outcome}
                {...form.register('outcome')}
                aria-describedby={`${id}-${outcome}-hint`}
              />
              <label htmlFor={`${id}-${outcome}`}>{t(`enums:crisisOutcome.${outcome}`)}</label>
              <p id={`${id}-${outcome}-hint`} className="hint">
                {t(`form.outcomeHint.${outcome}`)}
              </p>
            </div>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-notes`}>{t('form.notes')}</label>
        <p id={notesHint} className="hint">
          {t('form.notesHint')}
        </p>
        <textarea
          id={`${id}-notes`}
          rows={5}
          {...form.register('notes')}
          aria-invalid={errors.notes ? true : undefined}
          aria-describedby={errors.notes ? `${notesHint} ${errorId('notes')}` : notesHint}
        />
        {errors.notes?.message !== undefined && (
          <p
            id={errorId('notes')}
            className="field-error"
            lang={errors.notes.type === 'server' ? 'en' : undefined}
          >
            {errors.notes.message}
          </p>
        )}
      </div>
      {command.isError && <ErrorNotice error={command.error} />}
      <div className="touch-actions">
        <button type="submit" className="button-primary" disabled={command.isPending}>
          {t('form.submit')}
        </button>
      </div>
    </form>
  );
}
