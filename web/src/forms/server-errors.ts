import { allPaths, type FieldSpec } from './schema-fields';

/**
 * Puts the API's field errors (`body.person.name`) on the fields they name; an error below a field (a
 * list's item) goes to that field. Returns those that name no field of the form.
 */
export function placeServerErrors(
  fieldErrors: readonly { path: string; message: string }[],
  fields: FieldSpec[],
  setError: (path: string, message: string) => void,
  prefix = 'body.',
): { path: string; message: string }[] {
  const known = new Set(allPaths(fields));
  const unplaced: { path: string; message: string }[] = [];
  for (const { path, message } of fieldErrors) {
    let at = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    while (at !== '' && !known.has(at)) at = at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : '';
    if (at === '') unplaced.push({ path, message });
    else setError(at, message);
  }
  return unplaced;
}
