import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { RoleSchema } from '../../../machines/case.events';
import { CaseStatusSchema } from '../../../machines/case.status';
import { RiskGradeSchema } from '../../../machines/report.schema';

/** The filters a list may offer, each with its choices and where their names are. */
const filters = {
  role: { options: RoleSchema.options, group: 'role' },
  state: { options: CaseStatusSchema.options, group: 'status' },
  risk: { options: RiskGradeSchema.options, group: 'risk' },
  overdue: { options: ['true', 'false'], group: null },
  assigned: { options: ['me', 'none'], group: null },
  open: { options: ['true', 'false'], group: null },
} as const;
export type FilterName = keyof typeof filters;

/**
 * Filters as labelled selects; a change applies at once (the list updates in place, focus stays). "All"
 * leaves a filter off. The values live in the URL, so a filtered list can be bookmarked and shared.
 */
export function Filters<K extends FilterName>(props: {
  legend: string;
  fields: readonly K[];
  values: Partial<Record<K, string>>;
  onChange: (values: Partial<Record<K, string>>) => void;
  /** Choices a filter leaves out (an inbox never shows closed cases). */
  exclude?: Partial<Record<K, readonly string[]>>;
}) {
  const { t } = useTranslation(['desk', 'enums']);
  const id = useId();
  const tx = t as unknown as (key: string) => string;
  return (
    <form
      className="filters"
      role="search"
      aria-label={props.legend}
      onSubmit={(event) => event.preventDefault()}
    >
      {props.fields.map((name) => {
        const filter = filters[name];
        const excluded = props.exclude?.[name] ?? [];
        return (
          <div className="field" key={name}>
            <label htmlFor={`${id}-${name}`}>{tx(`desk:filters.${name}`)}</label>
            <select
              id={`${id}-${name}`}
              value={props.values[name] ?? ''}
              onChange={(event) => {
                const value = event.currentTarget.value;
                const next = { ...props.values };
                if (value === '') delete next[name];
                else next[name] = value;
                props.onChange(next);
              }}
            >
              <option value="">{tx('desk:filters.all')}</option>
              {filter.options
                .filter((option) => !excluded.includes(option))
                .map((option) => (
                  <option key={option} value={option}>
                    {filter.group === null
                      ? tx(`desk:filters.${name}Options.${option}`)
                      : tx(`enums:${filter.group}.${option}`)}
                  </option>
                ))}
            </select>
          </div>
        );
      })}
    </form>
  );
}
