import type { FormValues, Visibility } from './form-values';

const get = (values: FormValues, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);

const titleDate = /^(.*?)(legalTitle|title)\.(startsAt|startsOn|endsAt|endsOn|requestFiledAt)$/;

/**
 * Fields that only mean something given another answer: a title's dates once its kind is chosen and is not
 * "none"; a police car's reason only for transport by police. Hidden fields are left out of the body.
 */
export const dependentFields: Visibility = (path, values) => {
  const title = titleDate.exec(path);
  if (title) {
    const kind = get(values, `${title[1]}${title[2]}.kind`);
    return typeof kind === 'string' && kind !== '' && kind !== 'none';
  }
  if (path === 'policeReason') return get(values, 'mode') === 'police';
  return true;
};
