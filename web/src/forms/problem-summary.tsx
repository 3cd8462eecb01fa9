import type { FieldErrors } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { ErrorNotice } from '../ui/notices';
import { fieldId } from './fields';
import { Message, flattenErrors } from './messages';
import { labelPath } from './schema-fields';

/**
 * Above a form that could not be sent: how many fields need attention, each a link to its field; or, for
 * anything else the API refused, what it said.
 */
/** A link to a field moves focus into it, not only the view. */
function focusField(event: React.MouseEvent<HTMLAnchorElement>) {
  const target = document.getElementById(event.currentTarget.hash.slice(1));
  if (target === null) return;
  event.preventDefault();
  const focusable = target.matches('input, select, textarea')
    ? target
    : target.querySelector<HTMLElement>('input, select, textarea');
  (focusable ?? target).focus();
  target.scrollIntoView({ block: 'center' });
}

export function FormProblems(props: {
  errors: FieldErrors;
  idPrefix: string;
  submitError: unknown;
  /** Field errors of the API that name no field of this form. */
  unplaced: { path: string; message: string }[];
}) {
  const { t } = useTranslation(['common', 'fields']);
  const flat = flattenErrors(props.errors).filter((e) => e.path !== 'root' && !e.path.startsWith('root.'));
  const label = (path: string) => {
    const key = labelPath(path);
    const tx = t as unknown as (key: string, options?: Record<string, unknown>) => string;
    const leaf = tx(`fields:${key}`, { returnObjects: true, defaultValue: '' }) as unknown;
    return typeof leaf === 'string' && leaf !== '' ? leaf : tx(`fields:${key}._`, { defaultValue: key });
  };
  const fieldErrors = [...flat, ...props.unplaced];
  const refused = props.submitError instanceof ApiError && props.submitError.status !== 400;
  if (fieldErrors.length === 0 && props.submitError === null) return null;
  return (
    <>
      {fieldErrors.length > 0 && (
        <div role="alert" className="notice notice-error" tabIndex={-1}>
          <p>
            <strong>{t('formErrors', { count: fieldErrors.length })}</strong>
          </p>
          <ul>
            {flat.map((e) => (
              <li key={e.path}>
                <a href={`#${fieldId(props.idPrefix, e.path)}`} onClick={focusField}>
                  {label(e.path)}
                </a>
                : <Message text={e.message} />
              </li>
            ))}
            {props.unplaced.map((e) => (
              <li key={`api-${e.path}`}>
                <code>{e.path}</code>: <Message text={e.message} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {(refused || (props.submitError !== null && !(props.submitError instanceof ApiError))) && (
        <ErrorNotice error={props.submitError} />
      )}
    </>
  );
}
