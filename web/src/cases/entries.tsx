import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { enumGroupOf } from '../forms/field-labels';
import { DateTime } from '../i18n/format';
import type { Actor } from './case-view';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Keys of a record entry whose values are enum members, named in the `enums` namespace. */
const enumKeys = new Set(['risk', 'grounds', 'route', 'foundBy', 'mode', 'outcome', 'kind', 'role', 'task']);
const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A value of a record entry, as a person reads it. */
export function EntryValue(props: { name: string; value: unknown }) {
  const { t } = useTranslation(['common', 'enums']);
  const tx = t as unknown as Translate;
  const { name, value } = props;
  if (value === null || value === undefined) return <>{tx('common:none')}</>;
  if (typeof value === 'boolean') return <>{tx(value ? 'common:yes' : 'common:no')}</>;
  if (typeof value === 'number') return <>{value}</>;
  if (Array.isArray(value))
    return <>{value.length === 0 ? tx('common:none') : value.map(String).join(', ')}</>;
  if (typeof value === 'object') {
    return (
      <>
        {Object.entries(value as Record<string, unknown>).map(([key, inner], i) => (
          <Fragment key={key}>
            {i > 0 && '; '}
            <EntryValue name={key} value={inner} />
          </Fragment>
        ))}
      </>
    );
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (instant.test(text)) return <DateTime value={text} />;
  if (enumKeys.has(name)) {
    const group = name === 'kind' ? 'policeReasonKind' : enumGroupOf(name, [text]);
    return <>{tx(`enums:${group}.${text}`, { defaultValue: text })}</>;
  }
  return <>{text}</>;
}

/** Who did something: their role, and their id in their organisation. */
export function ActorName(props: { actor: Actor | null | undefined }) {
  const { t } = useTranslation(['cases', 'enums']);
  if (props.actor === null || props.actor === undefined) return <>{t('cases:engine')}</>;
  return (
    <>
      {t(`enums:role.${props.actor.role}`)} ({props.actor.id})
    </>
  );
}

/** Label and value pairs as a description list; rows without a value are left out. */
export function Facts(props: { rows: readonly (readonly [string, ReactNode])[] }) {
  const rows = props.rows.filter(
    ([, value]) => value !== undefined && value !== null && value !== '' && value !== false,
  );
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <Fragment key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/**
 * What a party put on the record (a sighting, a find, an assessment), every field it holds under the label
 * its form uses, with who and when.
 */
export function Entry(props: { entry: Record<string, unknown>; skip?: readonly string[]; bare?: boolean }) {
  const { t } = useTranslation(['cases', 'fields']);
  const tx = t as unknown as Translate;
  const { at, by, ...rest } = props.entry;
  const rows = Object.entries(rest)
    .filter(([key]) => !(props.skip ?? []).includes(key))
    .map(([key, value]) => {
      const label = tx(`fields:${key}`, { returnObjects: true, defaultValue: '' }) as unknown;
      return [
        typeof label === 'string' && label !== '' ? label : tx(`fields:${key}._`, { defaultValue: key }),
        <EntryValue name={key} value={value} />,
      ] as const;
    });
  if (props.bare === true) return <Facts rows={rows} />;
  return (
    <>
      <p className="muted">
        {typeof at === 'string' && <DateTime value={at} />}
        {by !== undefined && (
          <>
            {' · '}
            <ActorName actor={by as Actor | null} />
          </>
        )}
      </p>
      <Facts rows={rows} />
    </>
  );
}

/** A list of record entries, newest first, or a sentence saying there are none. */
export function EntryList(props: { entries: readonly object[]; empty: string; skip?: readonly string[] }) {
  if (props.entries.length === 0) return <p className="muted">{props.empty}</p>;
  return (
    <ul className="record-list">
      {[...props.entries].reverse().map((entry, i) => (
        <li key={i}>
          <Entry
            entry={entry as Record<string, unknown>}
            {...(props.skip !== undefined && { skip: props.skip })}
          />
        </li>
      ))}
    </ul>
  );
}
