import { describe, expect, it } from 'vitest';
import { actionBodySchema } from '../../../api/case-actions';
import { commandTypes, TaskKindSchema } from '../../../machines/case.events';
import { NewProfileSchema } from '../../../machines/profile.schema';
import { CaseReportSchema } from '../../../machines/report.schema';
import { ProfileReportSchema } from '../api/profile-report';
import { enumGroupOf } from '../forms/field-labels';
import { fieldsOf, labelPath, type FieldSpec } from '../forms/schema-fields';
import { resources } from './resources';

/** Every key a schema-built form or a command can show: labels, legends, options, command names. */
function neededKeys(): string[] {
  const needed = new Set<string>();
  const walk = (fields: FieldSpec[], prefix: string) => {
    for (const field of fields) {
      const path = labelPath(prefix + field.key);
      if (field.kind === 'constant') continue;
      if (field.kind === 'group' || field.kind === 'repeat') {
        needed.add(`fields:${path}._`);
        walk(field.fields, `${path}.`);
        continue;
      }
      needed.add(`fields:${path}`);
      if (field.kind === 'choice' || field.kind === 'choices')
        for (const option of field.options) needed.add(`enums:${enumGroupOf(path, field.options)}.${option}`);
    }
  };
  walk(fieldsOf(CaseReportSchema), '');
  walk(fieldsOf(NewProfileSchema), '');
  walk(fieldsOf(ProfileReportSchema), '');
  for (const type of commandTypes) {
    walk(fieldsOf(actionBodySchema(type)), '');
    needed.add(`enums:command.${type}`);
    needed.add(`enums:timeline.${type}`);
  }
  for (const task of TaskKindSchema.options) needed.add(`enums:task.${task}`);
  return [...needed].sort();
}

const lookup = (tree: unknown, key: string): unknown =>
  key
    .split(/[:.]/)
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);

describe('translations', () => {
  for (const [language, namespaces] of Object.entries(resources))
    it(`has every form label, option and command in ${language}`, () => {
      expect(neededKeys().filter((key) => typeof lookup(namespaces, key) !== 'string')).toEqual([]);
    });
});
