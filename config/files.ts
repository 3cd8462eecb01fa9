import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ContactsSchema, type Contact } from '../activities/contacts.schema';
import { PolicyDocumentSchema, type PolicyDocument } from '../machines/policy.schema';

/** Reads and validates a JSON config file; a bad one stops start-up with the file, field and reason. */
export function loadJsonFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`invalid ${file}:\n${lines.join('\n')}`);
}

export const loadPolicy = (file: string): PolicyDocument => loadJsonFile(file, PolicyDocumentSchema);
export const loadContacts = (file: string | undefined): Contact[] =>
  file ? loadJsonFile(file, ContactsSchema) : [];
