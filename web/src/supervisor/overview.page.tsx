import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RoleSchema } from '../../../machines/case.events';
import { CaseStatusSchema } from '../../../machines/case.status';
import { RiskGradeSchema } from '../../../machines/report.schema';
import { useApi } from '../api/api-context';
import { unwrap, type InboxItem, type TaskFilter } from '../api/client';
import { useLive } from '../api/live';
import { useTasks } from '../api/queries';
import { useAuth } from '../auth/auth-context';
import { DateTime } from '../i18n/format';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page, Section } from '../ui/page';
import { ReassignButton, reassignable } from './reassign';
import { CaseLink, SupervisorNav } from './supervisor-nav';

const WEEK_MS = 7 * 24 * 3_600_000;
const feedKeys = {
  escalations: (since: string) => ['supervisor', 'escalations', since] as const,
  failed: ['supervisor', 'failed-deliveries'] as const,
};

/**
 * The supervisor's overview of the region: tasks past their time or escalated, recent escalations,
 * claims that may need handing on, notifications that failed for good, and the monitoring tools.
 */
export function SupervisorPage() {
  const { t } = useTranslation('supervisor');
  const queryClient = useQueryClient();
  const live = useLive();
  // The feed says when an escalation or a failed delivery happens: both lists follow without reloading.
  useEffect(
    () =>
      live.subscribe((entry) => {
        if (entry.event === 'task.escalated')
          void queryClient.invalidateQueries({ queryKey: ['supervisor', 'escalations'] });
        if (entry.event === 'delivery.failed')
          void queryClient.invalidateQueries({ queryKey: feedKeys.failed });
      }),
    [live, queryClient],
  );
  return (
    <Page title={t('overview.title')} lead={<SupervisorNav />}>
      <OverdueSection />
      <EscalationsSection />
      <ClaimsSection />
      <FailedDeliveriesSection />
      <MonitoringSection />
    </Page>
  );
}

type Filter<K extends keyof TaskFilter> = NonNullable<TaskFilter[K]> | '';
type Filters = { role: Filter<'role'>; state: Filter<'state'>; risk: Filter<'risk'> };

function OverdueSection() {
  const { t } = useTranslation(['supervisor', 'enums', 'common']);
  const id = useId();
  const [filters, setFilters] = useState<Filters>({ role: '', state: '', risk: '' });
  const tasks = useTasks({
    overdue: 'true',
    limit: 100,
    ...(filters.role !== '' && { role: filters.role }),
    ...(filters.state !== '' && { state: filters.state }),
    ...(filters.risk !== '' && { risk: filters.risk }),
  });
  const items = tasks.data?.pages.flatMap((page) => page.items) ?? [];
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) =>
    setFilters((f) => ({ ...f, [key]: value }));
  return (
    <Section title={t('overdue.title')} id="supervisor-overdue">
      <div className="filters" role="group" aria-label={t('overdue.filters')}>
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('overdue.role')}</label>
          <select
            id={`${id}-role`}
            value={filters.role}
            onChange={(e) => set('role', e.target.value as Filters['role'])}
          >
            <option value="">{t('overdue.allRoles')}</option>
            {RoleSchema.options.map((role) => (
              <option key={role} value={role}>
                {t(`enums:role.${role}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-state`}>{t('overdue.state')}</label>
          <select
            id={`${id}-state`}
            value={filters.state}
            onChange={(e) => set('state', e.target.value as Filters['state'])}
          >
            <option value="">{t('overdue.allStates')}</option>
            {CaseStatusSchema.exclude(['closed']).options.map((state) => (
              <option key={state} value={state}>
                {t(`enums:status.${state}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-risk`}>{t('overdue.risk')}</label>
          <select
            id={`${id}-risk`}
            value={filters.risk}
            onChange={(e) => set('risk', e.target.value as Filters['risk'])}
          >
            <option value="">{t('overdue.allRisks')}</option>
            {RiskGradeSchema.options.map((risk) => (
              <option key={risk} value={risk}>
                {t(`enums:risk.${risk}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {tasks.isPending ? (
        <Loading />
      ) : tasks.isError ? (
        <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : items.length === 0 ? (
        <p>{t('overdue.none')}</p>
      ) : (
        <TaskTable items={items} labelledBy="supervisor-overdue" />
      )}
      {tasks.hasNextPage && (
        <button type="button" onClick={() => void tasks.fetchNextPage()} disabled={tasks.isFetchingNextPage}>
          {t('common:loadMore')}
        </button>
      )}
    </Section>
  );
}

/** Open tasks as a table: what, which case, whose, how late, who holds it, and a way to hand it on. */
function TaskTable(props: { items: InboxItem[]; labelledBy: string }) {
  const { t } = useTranslation(['supervisor', 'enums']);
  return (
    <div className="table-wrap">
      <table aria-labelledby={props.labelledBy}>
        <thead>
          <tr>
            <th scope="col">{t('table.task')}</th>
            <th scope="col">{t('table.case')}</th>
            <th scope="col">{t('table.owner')}</th>
            <th scope="col">{t('table.due')}</th>
            <th scope="col">{t('table.holder')}</th>
            <th scope="col">{t('table.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((item) => (
            <tr key={`${item.caseId}/${item.task}`}>
              <th scope="row">
                {t(`enums:task.${item.task}`)}
                <div>
                  {item.urgent && <span className="badge badge-danger">{t('table.urgent')}</span>}
                  <span className="badge">{t(`enums:risk.${item.risk}`)}</span>
                </div>
              </th>
              <td>
                <CaseLink caseId={item.caseId} />
                <div className="muted">{t(`enums:status.${item.status}`)}</div>
              </td>
              <td>
                {t(`enums:role.${item.role}`)}
                {item.escalatedTo !== null && (
                  <div>
                    <span className="badge badge-warn">
                      {t('table.escalatedTo', { role: t(`enums:role.${item.escalatedTo}`) })}
                    </span>
                  </div>
                )}
              </td>
              <td>
                {item.dueAt === null ? t('table.noDue') : <DateTime value={item.dueAt} relative />}
                {item.overdue && (
                  <div>
                    <span className="badge badge-danger">{t('table.overdue')}</span>
                  </div>
                )}
              </td>
              <td>
                {item.claimedBy === null
                  ? t('table.unclaimed')
                  : `${item.claimedBy.id} (${t(`enums:role.${item.claimedBy.role}`)})`}
              </td>
              <td>
                {reassignable(item) ? (
                  <ReassignButton caseId={item.caseId} task={item} />
                ) : (
                  <span className="muted">{t('table.notPolice')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EscalationsSection() {
  const { t } = useTranslation('supervisor');
  const api = useApi();
  const [since] = useState(() => new Date(Date.now() - WEEK_MS).toISOString());
  const feed = useQuery({
    queryKey: feedKeys.escalations(since),
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/v1/feed', {
          params: { query: { event: 'task.escalated', since, limit: 200 } },
          signal,
        }),
      ),
  });
  const entries = [...(feed.data?.entries ?? [])].reverse();
  return (
    <Section title={t('escalations.title')} id="supervisor-escalations">
      <p className="muted">{t('escalations.lead')}</p>
      {feed.isPending ? (
        <Loading />
      ) : feed.isError ? (
        <ErrorNotice error={feed.error} onRetry={() => void feed.refetch()} />
      ) : entries.length === 0 ? (
        <p>{t('escalations.none')}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="supervisor-escalations">
            <thead>
              <tr>
                <th scope="col">{t('table.at')}</th>
                <th scope="col">{t('table.case')}</th>
                <th scope="col">{t('table.details')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.seq}>
                  <td>
                    <DateTime value={entry.at} />
                  </td>
                  <td>
                    <CaseLink caseId={entry.caseId} />
                  </td>
                  <td lang="en">{typeof entry.facts.reason === 'string' ? entry.facts.reason : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** Tasks someone holds: the ones a supervisor may need to hand on when the holder went home. */
function ClaimsSection() {
  const { t } = useTranslation(['supervisor', 'common']);
  const tasks = useTasks({ limit: 200 });
  const items = (tasks.data?.pages.flatMap((page) => page.items) ?? []).filter(
    (item) => item.claimedBy !== null,
  );
  return (
    <Section title={t('claims.title')} id="supervisor-claims">
      <p className="muted">{t('claims.lead')}</p>
      {tasks.isPending ? (
        <Loading />
      ) : tasks.isError ? (
        <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : items.length === 0 ? (
        <p>{t('claims.none')}</p>
      ) : (
        <TaskTable items={items} labelledBy="supervisor-claims" />
      )}
      {tasks.hasNextPage && (
        <button type="button" onClick={() => void tasks.fetchNextPage()} disabled={tasks.isFetchingNextPage}>
          {t('common:loadMore')}
        </button>
      )}
    </Section>
  );
}

function FailedDeliveriesSection() {
  const { t } = useTranslation('supervisor');
  const api = useApi();
  const failed = useQuery({
    queryKey: feedKeys.failed,
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/deliveries/failed', { signal })),
  });
  const failures = [...(failed.data?.failures ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <Section title={t('failed.title')} id="supervisor-failed">
      <p className="muted">{t('failed.lead')}</p>
      {failed.isPending ? (
        <Loading />
      ) : failed.isError ? (
        <ErrorNotice error={failed.error} onRetry={() => void failed.refetch()} />
      ) : failures.length === 0 ? (
        <p>{t('failed.none')}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="supervisor-failed">
            <thead>
              <tr>
                <th scope="col">{t('table.at')}</th>
                <th scope="col">{t('table.case')}</th>
                <th scope="col">{t('table.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {failures.map((failure, index) => (
                <tr key={`${failure.caseId}-${failure.at}-${index}`}>
                  <td>
                    <DateTime value={failure.at} />
                  </td>
                  <td>
                    <CaseLink caseId={failure.caseId} />
                  </td>
                  <td lang="en">{failure.reason ?? t('failed.noReason')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** Grafana and the Temporal Web UI, where the server names them (`/config.json`). */
function MonitoringSection() {
  const { t } = useTranslation('supervisor');
  const { config } = useAuth();
  const links = [
    { url: config.grafanaUrl, label: t('monitoring.grafana') },
    { url: config.temporalUiUrl, label: t('monitoring.temporal') },
  ];
  return (
    <Section title={t('monitoring.title')} id="supervisor-monitoring">
      <ul className="link-list">
        {links.map(({ url, label }) =>
          url === undefined ? (
            <li key={label}>
              {label}: <span className="muted">{t('monitoring.notConfigured')}</span>
            </li>
          ) : (
            <li key={label}>
              <a href={url} target="_blank" rel="noopener noreferrer">
                {label}
                <span className="visually-hidden"> {t('monitoring.newTab')}</span>
              </a>
            </li>
          ),
        )}
      </ul>
      <p className="muted">{t('monitoring.temporalHint')}</p>
    </Section>
  );
}
