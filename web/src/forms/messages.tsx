import type { FieldErrors } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';

/**
 * Validation messages cross from zod to the screen as keys, so they are written in the language shown at
 * the time (and change with it). A message a schema or the API wrote itself stays as it was written.
 */
const PREFIX = 'i18n:';
const encode = (key: string, params: Record<string, unknown> = {}) =>
  `${PREFIX}${key}|${JSON.stringify(params)}`;

type Issue = z.core.$ZodRawIssue;

/** The per-parse error map: zod's generic issues, by code, as translatable keys. */
export function issueMessage(issue: Issue): string | undefined {
  const input: unknown = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      return encode(input === undefined || input === '' ? 'required' : 'invalidType');
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return encode(min <= 1 ? 'required' : 'tooShort', { min });
      if (issue.origin === 'array') return encode(min <= 1 ? 'atLeastOne' : 'tooFew', { min });
      return encode('tooLow', { min });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return encode('tooLong', { max });
      if (issue.origin === 'array') return encode('tooMany', { max });
      return encode('tooHigh', { max });
    }
    case 'invalid_format':
      if (issue.format === 'datetime') return encode('dateTime');
      if (issue.format === 'date') return encode('date');
      return encode('format');
    case 'invalid_value':
      return encode(input === undefined || input === '' ? 'required' : 'choose');
    case 'unrecognized_keys':
      return encode('unknownField');
    default:
      return undefined;
  }
}

/** Messages the model's schemas write themselves, which the app knows how to say in both languages. */
const known: Record<string, string> = {
  'may contain only letters, digits, ".", "_" and "-"': 'idChars',
  'a case is an unauthorised absence, a missing person, or both': 'caseKind',
  'name at least one field to correct': 'patchEmpty',
  'lies in the future': 'future',
};

/** A validation message as the user reads it: translated where the app can, else as written (in English). */
export function Message(props: { text: string }) {
  const { t } = useTranslation('validation');
  const { text } = props;
  const translate = (key: string, params: Record<string, unknown>) =>
    (t as unknown as (key: string, params: Record<string, unknown>) => string)(key, params);
  if (text.startsWith(PREFIX)) {
    const [key = 'format', params = '{}'] = text.slice(PREFIX.length).split('|');
    return <>{translate(key, JSON.parse(params) as Record<string, unknown>)}</>;
  }
  const knownKey = known[text];
  if (knownKey !== undefined) return <>{translate(knownKey, {})}</>;
  return <span lang="en">{text}</span>;
}

/** Every message in a form's errors, with the path of the field it belongs to. */
export function flattenErrors(errors: FieldErrors, prefix = ''): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const [key, value] of Object.entries(errors)) {
    if (value === undefined || value === null || key === 'ref') continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const entry = value as { message?: unknown; type?: unknown };
    if (typeof entry.message === 'string' && entry.message !== '') out.push({ path, message: entry.message });
    if (typeof value === 'object') {
      const nested = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).filter(
          ([k]) => !['message', 'type', 'ref', 'types'].includes(k),
        ),
      ) as FieldErrors;
      out.push(...flattenErrors(nested, path));
    }
  }
  return out;
}

/** The message for one field: its own, or the first one inside it (a list's item). */
export function errorAt(errors: FieldErrors, path: string, items = false): string | undefined {
  const flat = flattenErrors(errors);
  const own = flat.find((e) => e.path === path);
  if (own !== undefined || !items) return own?.message;
  return flat.find((e) => /^\d+$/.test(e.path.slice(path.length + 1)) && e.path.startsWith(`${path}.`))
    ?.message;
}
