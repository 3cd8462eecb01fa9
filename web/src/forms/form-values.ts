import { isoToWallClock, wallClockToIso } from '../i18n/time';
import type { FieldSpec } from './schema-fields';

/** What a form holds: strings, booleans, arrays and nested groups, keyed as the body is. */
export type FormValues = Record<string, unknown>;

/** Whether a field is shown given the values so far; a hidden field is left out of the body. */
export type Visibility = (path: string, values: FormValues) => boolean;

const always: Visibility = () => true;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A blank form: every field empty, checkboxes as the schema defaults them. */
export function emptyValues(fields: FieldSpec[]): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    switch (field.kind) {
      case 'check':
        values[field.key] = field.initial;
        break;
      case 'choices':
      case 'repeat':
        values[field.key] = [];
        break;
      case 'group':
        values[field.key] = emptyValues(field.fields);
        break;
      case 'constant':
        break;
      default:
        values[field.key] = '';
    }
  }
  return values;
}

/** An empty item of a repeated group, for "add". */
export const emptyItem = (fields: FieldSpec[]): FormValues => emptyValues(fields);

function valueOf(
  field: FieldSpec,
  raw: unknown,
  path: string,
  root: FormValues,
  visible: Visibility,
): unknown {
  if (!visible(path, root)) return undefined;
  const text = typeof raw === 'string' ? raw.trim() : '';
  switch (field.kind) {
    case 'text':
      return text === '' ? (field.required ? '' : undefined) : text;
    case 'number': {
      if (text === '') return undefined;
      const number = Number(text);
      // Not a number: left as typed, so the schema names the field.
      return Number.isFinite(number) ? number : text;
    }
    case 'check':
      return raw === true;
    case 'tristate':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'choice':
      return text === '' ? undefined : text;
    case 'choices': {
      const chosen = (
        Array.isArray(raw) ? raw : typeof raw === 'string' && raw !== '' ? [raw] : []
      ) as string[];
      return chosen.length === 0 && !field.required ? undefined : chosen;
    }
    case 'datetime':
      return text === '' ? undefined : (wallClockToIso(text) ?? text);
    case 'date':
      return text === '' ? undefined : text;
    case 'lines': {
      const lines = (typeof raw === 'string' ? raw : '')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
      return lines.length === 0 && !field.required ? undefined : lines;
    }
    case 'group': {
      const group = groupOf(field.fields, isRecord(raw) ? raw : {}, `${path}.`, root, visible);
      return !field.required && !filledIn(group) ? undefined : group;
    }
    case 'repeat': {
      const items = (Array.isArray(raw) ? raw : [])
        .map((item, i) => groupOf(field.fields, isRecord(item) ? item : {}, `${path}.${i}.`, root, visible))
        .filter(meaningful);
      return items.length === 0 && !field.required ? undefined : items;
    }
    case 'constant':
      return field.value;
  }
}

/** A group says something when any of its fields does (a checkbox left off says nothing). */
const meaningful = (group: Record<string, unknown>) =>
  Object.values(group).some((value) => value !== undefined && value !== false);

/**
 * An optional group is shown whether or not it applies (a crisis card the patient may not have), so one
 * left wholly blank is left out, its required fields too; an item of a list was added on purpose, and a
 * blank one is named as incomplete instead.
 */
const filledIn = (group: Record<string, unknown>) =>
  Object.values(group).some((value) => value !== undefined && value !== false && value !== '');

function groupOf(
  fields: FieldSpec[],
  values: Record<string, unknown>,
  prefix: string,
  root: FormValues,
  visible: Visibility,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const value = valueOf(field, values[field.key], prefix + field.key, root, visible);
    if (value !== undefined) body[field.key] = value;
  }
  return body;
}

/**
 * The request body a form's values stand for: blank optional fields left out, Amsterdam wall-clock times as
 * instants, one-per-line lists as arrays. Unparseable input is passed on as typed, for the schema to name.
 */
export function toBody(
  fields: FieldSpec[],
  values: unknown,
  visible: Visibility = always,
): Record<string, unknown> {
  const root = isRecord(values) ? values : {};
  return groupOf(fields, root, '', root, visible);
}

/** The form values that stand for a body (a draft restored, a correction prefilled). */
export function fromBody(fields: FieldSpec[], body: unknown): FormValues {
  const source = isRecord(body) ? body : {};
  const values = emptyValues(fields);
  for (const field of fields) {
    const value = source[field.key];
    if (value === undefined || value === null) continue;
    switch (field.kind) {
      case 'text':
      case 'choice':
      case 'date':
      case 'number':
        values[field.key] = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
        break;
      case 'check':
        values[field.key] = value === true;
        break;
      case 'tristate':
        values[field.key] = value === true ? 'true' : value === false ? 'false' : '';
        break;
      case 'choices':
        values[field.key] = Array.isArray(value) ? value : [];
        break;
      case 'datetime':
        values[field.key] = typeof value === 'string' ? isoToWallClock(value) : '';
        break;
      case 'lines':
        values[field.key] = Array.isArray(value) ? value.join('\n') : '';
        break;
      case 'group':
        values[field.key] = fromBody(field.fields, value);
        break;
      case 'repeat':
        values[field.key] = Array.isArray(value) ? value.map((item) => fromBody(field.fields, item)) : [];
        break;
      case 'constant':
        break;
    }
  }
  return values;
}
