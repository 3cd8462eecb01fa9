import type { z } from 'zod';

/**
 * A form field read off a zod schema: what input it needs and whether the schema requires it. Forms are
 * built from the API's own schemas, so a field the API adds appears in the form, and a rule it changes
 * is the form's rule too.
 */
export type FieldSpec =
  | { kind: 'text'; key: string; required: boolean; multiline: boolean; maxLength: number | null }
  | { kind: 'number'; key: string; required: boolean; min: number | null; max: number | null }
  | { kind: 'check'; key: string; initial: boolean }
  | { kind: 'tristate'; key: string }
  | { kind: 'choice'; key: string; required: boolean; options: readonly string[] }
  | { kind: 'choices'; key: string; required: boolean; options: readonly string[] }
  | { kind: 'datetime'; key: string; required: boolean }
  | { kind: 'date'; key: string; required: boolean }
  | { kind: 'lines'; key: string; required: boolean }
  | { kind: 'group'; key: string; required: boolean; fields: FieldSpec[] }
  | { kind: 'repeat'; key: string; required: boolean; fields: FieldSpec[]; max: number | null }
  | { kind: 'constant'; key: string; value: unknown };

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strings this long or longer are written in a text area. */
const MULTILINE_FROM = 1_000;

function unwrap(schema: z.ZodType): { inner: z.ZodType; required: boolean; initial: unknown } {
  let inner = schema;
  let required = true;
  let initial: unknown = undefined;
  for (;;) {
    const def = defOf(inner);
    if (def.type === 'optional' || def.type === 'nullable') required = false;
    else if (def.type === 'default' || def.type === 'prefault') {
      required = false;
      initial = def.defaultValue;
    } else if (def.type === 'pipe') {
      // A transformed value (a legal title) is entered as what it is parsed from.
      inner = def.in as z.ZodType;
      continue;
    } else break;
    inner = def.innerType as z.ZodType;
  }
  return { inner, required, initial };
}

function fieldOf(key: string, schema: z.ZodType): FieldSpec | null {
  const { inner, required, initial } = unwrap(schema);
  const def = defOf(inner);
  const s = inner as unknown as {
    format?: string | null;
    maxLength?: number | null;
    minValue?: number | null;
    maxValue?: number | null;
    options?: readonly string[];
  };
  switch (def.type) {
    case 'string':
      if (s.format === 'datetime') return { kind: 'datetime', key, required };
      if (s.format === 'date') return { kind: 'date', key, required };
      return {
        kind: 'text',
        key,
        required,
        multiline: (s.maxLength ?? 0) >= MULTILINE_FROM,
        maxLength: s.maxLength ?? null,
      };
    case 'number':
      return { kind: 'number', key, required, min: s.minValue ?? null, max: s.maxValue ?? null };
    case 'boolean':
      return required || initial !== undefined
        ? { kind: 'check', key, initial: initial === true }
        : { kind: 'tristate', key };
    case 'enum':
      return { kind: 'choice', key, required, options: s.options ?? [] };
    case 'literal':
      return { kind: 'constant', key, value: (def.values as unknown[])[0] };
    case 'object':
      return { kind: 'group', key, required, fields: fieldsOf(inner) };
    case 'array': {
      const element = unwrap(def.element as z.ZodType).inner;
      const elementDef = defOf(element);
      const max = (inner as unknown as { _zod: { bag: { maximum?: number } } })._zod.bag.maximum ?? null;
      if (elementDef.type === 'enum')
        return {
          kind: 'choices',
          key,
          required,
          options: (element as unknown as { options: string[] }).options,
        };
      if (elementDef.type === 'object')
        return { kind: 'repeat', key, required, fields: fieldsOf(element), max };
      return { kind: 'lines', key, required };
    }
    default:
      return null;
  }
}

/** The fields of an object schema (or of what a transformed object is parsed from), in its order. */
export function fieldsOf(schema: z.ZodType): FieldSpec[] {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  if (def.type !== 'object') return [];
  return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, child]) => {
    const field = fieldOf(key, child);
    return field ? [field] : [];
  });
}

/** Leaves out the fields at the given paths (dotted, from the root). */
export function without(fields: FieldSpec[], paths: readonly string[], prefix = ''): FieldSpec[] {
  return fields.flatMap((field): FieldSpec[] => {
    const path = prefix + field.key;
    if (paths.includes(path)) return [];
    if (field.kind === 'group') return [{ ...field, fields: without(field.fields, paths, `${path}.`) }];
    return [field];
  });
}

/** The label path of a field: its body path without list indices (`timeCriticalNeeds.0.need` → `timeCriticalNeeds.need`). */
export const labelPath = (path: string): string => path.replace(/\.\d+(?=\.|$)/g, '');

/** Every field path of a form, groups included: for matching errors to fields. */
export function allPaths(fields: FieldSpec[], prefix = ''): string[] {
  return fields.flatMap((field) => {
    const path = prefix + field.key;
    if (field.kind === 'group') return [path, ...allPaths(field.fields, `${path}.`)];
    return [path];
  });
}
