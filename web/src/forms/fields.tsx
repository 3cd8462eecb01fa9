import { useFieldArray, useWatch, type UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { nowWallClock } from '../i18n/time';
import { emptyItem, type FormValues, type Visibility } from './form-values';
import { enumGroupOf } from './field-labels';
import { Message, errorAt } from './messages';
import { labelPath, type FieldSpec } from './schema-fields';

/** How a form's fields are drawn: the form, ids, which fields show, and which choices a user may pick. */
export type FieldContext = {
  form: UseFormReturn<FormValues, unknown, Record<string, unknown>>;
  idPrefix: string;
  visible: Visibility;
  /** Narrows a choice's options (the endings a role may record). */
  optionAllowed?: (path: string, option: string) => boolean;
};

type Translate = (key: string, options?: Record<string, unknown>) => string;

export const fieldId = (idPrefix: string, path: string) => `${idPrefix}-${path.replace(/\./g, '-')}`;

/** The fields of a form, drawn from their specs: labels from the `fields` namespace, errors beside each. */
export function SchemaFields(props: { fields: FieldSpec[]; ctx: FieldContext; prefix?: string }) {
  const values = useWatch({ control: props.ctx.form.control }) as FormValues;
  return (
    <>
      {props.fields.map((field) => {
        const path = (props.prefix ?? '') + field.key;
        if (!props.ctx.visible(path, values)) return null;
        return <Field key={path} field={field} path={path} ctx={props.ctx} />;
      })}
    </>
  );
}

function useLabels() {
  const { t } = useTranslation(['fields', 'common', 'enums']);
  const tx = t as unknown as Translate;
  return {
    label: (path: string) => tx(`fields:${labelPath(path)}`),
    legend: (path: string) => tx(`fields:${labelPath(path)}._`),
    hint: (path: string) => {
      const value = tx(`fields:hints.${labelPath(path)}`, {
        returnObjects: true,
        defaultValue: '',
      }) as unknown;
      return typeof value === 'string' && value !== '' ? value : null;
    },
    option: (path: string, options: readonly string[], option: string) =>
      tx(`enums:${enumGroupOf(labelPath(path), options)}.${option}`),
    t: tx,
  };
}

function Field(props: { field: FieldSpec; path: string; ctx: FieldContext }) {
  const { field, path, ctx } = props;
  const { form, idPrefix } = ctx;
  const labels = useLabels();
  const { errors } = form.formState;
  const id = fieldId(idPrefix, path);
  const error = errorAt(errors, path, field.kind === 'lines' || field.kind === 'choices');
  const hint = labels.hint(path);
  const lines = field.kind === 'lines' ? labels.t('common:onePerLine') : null;
  const datetime = field.kind === 'datetime' ? labels.t('common:amsterdamTime') : null;
  const hintText = [hint, lines, datetime].filter((h): h is string => h !== null).join(' ');
  const describedBy = [hintText !== '' ? `${id}-hint` : null, error !== undefined ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  const a11y = {
    id,
    'aria-invalid': error !== undefined,
    ...(describedBy !== '' && { 'aria-describedby': describedBy }),
  };
  const optional = 'required' in field && !field.required ? ` (${labels.t('common:optional')})` : '';
  const register = form.register(path as never);
  const hintAndError = (
    <>
      {hintText !== '' && (
        <p id={`${id}-hint`} className="hint">
          {hintText}
        </p>
      )}
      {error !== undefined && (
        <p id={`${id}-error`} className="field-error">
          <Message text={error} />
        </p>
      )}
    </>
  );

  switch (field.kind) {
    case 'constant':
      return null;
    case 'group':
      return (
        <fieldset id={id} aria-describedby={describedBy || undefined}>
          <legend>
            {labels.legend(path)}
            {optional}
          </legend>
          {hintAndError}
          <SchemaFields fields={field.fields} ctx={ctx} prefix={`${path}.`} />
        </fieldset>
      );
    case 'repeat':
      return <Repeat field={field} path={path} ctx={ctx} optional={optional} />;
    case 'check':
      return (
        <div className="field">
          <div className="field-check">
            <input type="checkbox" {...register} {...a11y} />
            <label htmlFor={id}>{labels.label(path)}</label>
          </div>
          {hintAndError}
        </div>
      );
    case 'choices':
      return (
        <fieldset id={id} aria-describedby={describedBy || undefined}>
          <legend>
            {labels.label(path)}
            {optional}
          </legend>
          {hintAndError}
          {field.options.map((option) => (
            <div className="field-check" key={option}>
              <input type="checkbox" value={option} id={`${id}-${option}`} {...register} />
              <label htmlFor={`${id}-${option}`}>{labels.option(path, field.options, option)}</label>
            </div>
          ))}
        </fieldset>
      );
    default:
      break;
  }

  let control;
  switch (field.kind) {
    case 'text':
      control = field.multiline ? (
        <textarea {...register} {...a11y} rows={4} />
      ) : (
        <input type="text" {...register} {...a11y} />
      );
      break;
    case 'number':
      control = (
        <input
          type="number"
          inputMode="numeric"
          {...(field.min !== null && { min: field.min })}
          {...(field.max !== null && { max: field.max })}
          {...register}
          {...a11y}
        />
      );
      break;
    case 'tristate':
      control = (
        <select {...register} {...a11y}>
          <option value="">{labels.t('common:unknown')}</option>
          <option value="true">{labels.t('common:yes')}</option>
          <option value="false">{labels.t('common:no')}</option>
        </select>
      );
      break;
    case 'choice': {
      const allowed = field.options.filter((option) => ctx.optionAllowed?.(path, option) ?? true);
      control = (
        <select {...register} {...a11y}>
          <option value="">{labels.t('common:choose')}</option>
          {allowed.map((option) => (
            <option key={option} value={option}>
              {labels.option(path, field.options, option)}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'datetime':
      control = (
        <span className="datetime">
          <input type="text" autoComplete="off" spellCheck={false} size={16} {...register} {...a11y} />
          <button
            type="button"
            onClick={() =>
              form.setValue(path, nowWallClock(), {
                shouldDirty: true,
                shouldValidate: form.formState.isSubmitted,
              })
            }
          >
            {labels.t('common:now')}
            <span className="visually-hidden">: {labels.label(path)}</span>
          </button>
        </span>
      );
      break;
    case 'date':
      control = <input type="date" {...register} {...a11y} />;
      break;
    case 'lines':
      control = <textarea {...register} {...a11y} rows={3} />;
      break;
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {labels.label(path)}
        {optional}
      </label>
      {hintAndError}
      {control}
    </div>
  );
}

/** A list of groups (time-critical needs): add and remove items, each its own fieldset. */
function Repeat(props: {
  field: Extract<FieldSpec, { kind: 'repeat' }>;
  path: string;
  ctx: FieldContext;
  optional: string;
}) {
  const { field, path, ctx } = props;
  const labels = useLabels();
  const { fields: items, append, remove } = useFieldArray({ control: ctx.form.control, name: path as never });
  const id = fieldId(ctx.idPrefix, path);
  const legend = labels.legend(path);
  const error = errorAt(ctx.form.formState.errors, path);
  return (
    <fieldset id={id}>
      <legend>
        {legend}
        {props.optional}
      </legend>
      {error !== undefined && (
        <p className="field-error">
          <Message text={error} />
        </p>
      )}
      {items.length === 0 && <p className="muted">{labels.t('common:none')}</p>}
      {items.map((item, index) => (
        <div key={item.id} className="repeat-item" role="group" aria-label={`${legend} ${index + 1}`}>
          <SchemaFields fields={field.fields} ctx={ctx} prefix={`${path}.${index}.`} />
          <div>
            <button type="button" className="button-danger" onClick={() => remove(index)}>
              {labels.t('common:removeItem', { item: `${legend} ${index + 1}` })}
            </button>
          </div>
        </div>
      ))}
      {(field.max === null || items.length < field.max) && (
        <div>
          <button type="button" onClick={() => append(emptyItem(field.fields))}>
            {labels.t('common:addItem', { item: legend })}
          </button>
        </div>
      )}
    </fieldset>
  );
}
