import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime, formatDate } from '../i18n/format';
import { enumGroupOf } from './field-labels';
import { labelPath, type FieldSpec } from './schema-fields';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * A body read back under the same labels its form used, for the user to check before sending: every
 * field, "not filled in" where blank.
 */
export function BodySummary(props: { fields: FieldSpec[]; body: Record<string, unknown>; prefix?: string }) {
  const { t } = useTranslation(['fields', 'common', 'clinic']);
  const tx = t as unknown as Translate;
  const rows = props.fields.filter((field) => field.kind !== 'constant');
  return (
    <dl className="facts">
      {rows.map((field) => {
        const path = (props.prefix ?? '') + field.key;
        const label =
          field.kind === 'group' || field.kind === 'repeat'
            ? tx(`fields:${labelPath(path)}._`)
            : tx(`fields:${labelPath(path)}`);
        return (
          <Fragment key={path}>
            <dt>{label}</dt>
            <dd>
              <SummaryValue field={field} path={path} value={props.body[field.key]} />
            </dd>
          </Fragment>
        );
      })}
    </dl>
  );
}

function SummaryValue(props: { field: FieldSpec; path: string; value: unknown }) {
  const { t, i18n } = useTranslation(['fields', 'common', 'enums', 'clinic']);
  const tx = t as unknown as Translate;
  const { field, path, value } = props;
  const blank = <span className="muted">{tx('clinic:summary.blank')}</span>;
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
    if (field.kind === 'tristate') return <>{tx('common:unknown')}</>;
    return blank;
  }
  const text = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v);
  const option = (v: unknown, options: readonly string[]) =>
    tx(`enums:${enumGroupOf(labelPath(path), options)}.${text(v)}`);
  switch (field.kind) {
    case 'check':
    case 'tristate':
      return <>{tx(value === true ? 'common:yes' : 'common:no')}</>;
    case 'choice':
      return <>{option(value, field.options)}</>;
    case 'choices':
      return <>{(value as unknown[]).map((v) => option(v, field.options)).join(', ')}</>;
    case 'datetime':
      return <DateTime value={text(value)} />;
    case 'date':
      return <>{formatDate(text(value), i18n.language)}</>;
    case 'lines':
      return <>{(value as unknown[]).map(text).join(', ')}</>;
    case 'group':
      return (
        <BodySummary fields={field.fields} body={value as Record<string, unknown>} prefix={`${path}.`} />
      );
    case 'repeat':
      return (
        <ol>
          {(value as Record<string, unknown>[]).map((item, i) => (
            <li key={i}>
              <BodySummary fields={field.fields} body={item} prefix={`${path}.${i}.`} />
            </li>
          ))}
        </ol>
      );
    default:
      return <>{text(value)}</>;
  }
}
