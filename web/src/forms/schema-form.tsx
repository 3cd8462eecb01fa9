import { zodResolver } from '@hookform/resolvers/zod';
import { useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { z } from 'zod';
import { ApiError } from '../api/client';
import { BusyButton } from '../ui/busy-button';
import { Section } from '../ui/page';
import { SchemaFields, type FieldContext } from './fields';
import { emptyValues, toBody, type FormValues } from './form-values';
import { issueMessage } from './messages';
import { FormProblems } from './problem-summary';
import type { FieldSpec } from './schema-fields';
import { placeServerErrors } from './server-errors';
import { dependentFields } from './visibility';

/** A titled part of a form and the fields it holds. */
export type FormPart = { id: string; title: string; fields: FieldSpec[] };

/**
 * A form built from the schema the API validates its body with: the same rules in the browser, each part a
 * titled section, the API's field errors beside the fields, and anything else it refused above them.
 */
export function SchemaForm<Body extends Record<string, unknown>>(props: {
  label: string;
  schema: z.ZodType<Body>;
  /** Every field of the form, as the body is built from them. */
  fields: FieldSpec[];
  parts: FormPart[];
  /** The values to start from (a version being changed); blank without. */
  initial?: FormValues;
  submitLabel: string;
  busy: boolean;
  /** What the API said to the last submit, other than field errors; null to show nothing. */
  submitError: unknown;
  /** Sends the body; a 400 it throws is put on the fields. */
  onSubmit: (body: Body) => Promise<void>;
  /** Beside the submit button (cancel). */
  actions?: ReactNode;
  /** The parts' heading level: 3 in a form that is itself a part of its page. */
  level?: 2 | 3;
}) {
  const idPrefix = useId();
  const { fields, schema } = props;
  const [initial] = useState<FormValues>(() => props.initial ?? emptyValues(fields));
  const resolver: Resolver<FormValues, unknown, Body> = useMemo(
    () =>
      zodResolver(
        z.preprocess((values) => toBody(fields, values, dependentFields), schema) as unknown as z.ZodType<
          Body,
          FormValues
        >,
        { error: issueMessage },
      ),
    [fields, schema],
  );
  const form = useForm<FormValues, unknown, Body>({ resolver, defaultValues: initial });
  const [unplaced, setUnplaced] = useState<{ path: string; message: string }[]>([]);
  const top = useRef<HTMLDivElement>(null);

  const submit = form.handleSubmit(async (body) => {
    setUnplaced([]);
    try {
      await props.onSubmit(body);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        setUnplaced(
          placeServerErrors(error.fieldErrors, fields, (path, message) =>
            form.setError(path, { type: 'server', message }),
          ),
        );
        window.setTimeout(() => top.current?.querySelector<HTMLElement>('[role="alert"]')?.focus(), 0);
      }
    }
  });

  const ctx: FieldContext = {
    form,
    idPrefix,
    visible: dependentFields,
  };
  return (
    <form className="form" noValidate aria-label={props.label} onSubmit={(event) => void submit(event)}>
      <div ref={top}>
        <FormProblems
          errors={form.formState.errors}
          idPrefix={idPrefix}
          submitError={props.submitError}
          unplaced={unplaced}
        />
      </div>
      {props.parts.map((part) => (
        <Section key={part.id} title={part.title} id={`${idPrefix}-${part.id}`} level={props.level ?? 2}>
          <SchemaFields fields={part.fields} ctx={ctx} />
        </Section>
      ))}
      <div className="form-actions">
        <BusyButton type="submit" className="button-primary" busy={props.busy}>
          {props.submitLabel}
        </BusyButton>
        {props.actions}
      </div>
    </form>
  );
}
