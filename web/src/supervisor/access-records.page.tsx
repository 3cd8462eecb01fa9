import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/client';
import { DateTime } from '../i18n/format';
import { isoToWallClock, wallClockToIso } from '../i18n/time';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page, Section } from '../ui/page';
import { CaseLink, SupervisorNav } from './supervisor-nav';

const Instant = z.iso.datetime({ offset: true });

/** The search in the address bar, so a search can be linked to (the closed cases list does). */
export const AccessSearchSchema = z.object({
  caseId: z.string().min(1).max(200).optional().catch(undefined),
  actor: z.string().min(1).max(200).optional().catch(undefined),
  from: Instant.optional().catch(undefined),
  to: Instant.optional().catch(undefined),
});
export type AccessSearch = z.infer<typeof AccessSearchSchema>;

/** Only the filters that are set: the typed client takes no `undefined` for an optional parameter. */
function filtersOf(search: AccessSearch) {
  return {
    ...(search.caseId !== undefined && { caseId: search.caseId }),
    ...(search.actor !== undefined && { actor: search.actor }),
    ...(search.from !== undefined && { from: search.from }),
    ...(search.to !== undefined && { to: search.to }),
  };
}

/**
 * Who read which case of the region, when, and in which view: the access log searched by case, user and
 * period (times in Amsterdam), page by page, and a check that nobody changed or removed a record.
 */
export function AccessRecordsPage(props: { search: AccessSearch }) {
  const { t } = useTranslation('supervisor');
  return (
    <Page title={t('access.title')} lead={<SupervisorNav />}>
      <Section title={t('access.search')} id="supervisor-access-search">
        <SearchForm key={JSON.stringify(props.search)} search={props.search} />
      </Section>
      <Results search={props.search} />
      <VerifySection />
    </Page>
  );
}

function SearchForm(props: { search: AccessSearch }) {
  const { t } = useTranslation('supervisor');
  const id = useId();
  const navigate = useNavigate();
  const [caseId, setCaseId] = useState(props.search.caseId ?? '');
  const [actor, setActor] = useState(props.search.actor ?? '');
  const [from, setFrom] = useState(props.search.from === undefined ? '' : isoToWallClock(props.search.from));
  const [to, setTo] = useState(props.search.to === undefined ? '' : isoToWallClock(props.search.to));
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fromIso = from.trim() === '' ? undefined : wallClockToIso(from);
    const toIso = to.trim() === '' ? undefined : wallClockToIso(to);
    const next: { from?: string; to?: string } = {};
    if (fromIso === null) next.from = t('access.badTime');
    if (toIso === null) next.to = t('access.badTime');
    else if (fromIso && toIso && Date.parse(toIso) < Date.parse(fromIso)) next.to = t('access.toBeforeFrom');
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    const search: AccessSearch = {
      ...(caseId.trim() !== '' && { caseId: caseId.trim() }),
      ...(actor.trim() !== '' && { actor: actor.trim() }),
      ...(fromIso !== undefined && fromIso !== null && { from: fromIso }),
      ...(toIso !== undefined && toIso !== null && { to: toIso }),
    };
    void navigate({ to: '/supervisor/access-records', search });
  };

  const described = (field: 'from' | 'to') =>
    errors[field] !== undefined ? `${id}-time-hint ${id}-${field}-error` : `${id}-time-hint`;
  return (
    <form className="form" noValidate onSubmit={submit} role="search" aria-label={t('access.search')}>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-case`}>{t('access.caseId')}</label>
          <input
            id={`${id}-case`}
            value={caseId}
            onChange={(e) => setCaseId(e.target.value)}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-actor`}>{t('access.actor')}</label>
          <input
            id={`${id}-actor`}
            value={actor}
            onChange={(e) => setActor(e.target.value)}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-from`}>{t('access.from')}</label>
          <input
            id={`${id}-from`}
            autoComplete="off"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            aria-invalid={errors.from !== undefined ? true : undefined}
            aria-describedby={described('from')}
          />
          {errors.from !== undefined && (
            <p id={`${id}-from-error`} className="field-error">
              {errors.from}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>{t('access.to')}</label>
          <input
            id={`${id}-to`}
            autoComplete="off"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            aria-invalid={errors.to !== undefined ? true : undefined}
            aria-describedby={described('to')}
          />
          {errors.to !== undefined && (
            <p id={`${id}-to-error`} className="field-error">
              {errors.to}
            </p>
          )}
        </div>
      </div>
      <p id={`${id}-time-hint`} className="hint">
        {t('access.timeHint')}
      </p>
      <div className="form-actions">
        <button type="submit" className="button-primary">
          {t('access.submit')}
        </button>
        <button type="button" onClick={() => void navigate({ to: '/supervisor/access-records', search: {} })}>
          {t('access.clear')}
        </button>
      </div>
    </form>
  );
}

function Results(props: { search: AccessSearch }) {
  const { t } = useTranslation(['supervisor', 'enums', 'common']);
  const api = useApi();
  const filters = filtersOf(props.search);
  const records = useInfiniteQuery({
    queryKey: ['access-records', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/v1/access-records', {
          params: {
            query: { ...filters, limit: 100, ...(pageParam !== undefined && { cursor: pageParam }) },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = records.data?.pages.flatMap((page) => page.items) ?? [];
  const region = records.data?.pages[0]?.region;
  return (
    <Section title={t('access.results')} id="supervisor-access-results">
      {records.isPending ? (
        <Loading />
      ) : records.isError ? (
        <ErrorNotice error={records.error} onRetry={() => void records.refetch()} />
      ) : (
        <>
          <p role="status">
            {t('access.count', { count: items.length, region: region ?? '' })}
            {records.hasNextPage && ` ${t('access.more')}`}
          </p>
          {items.length > 0 && (
            <div className="table-wrap">
              <table aria-labelledby="supervisor-access-results">
                <thead>
                  <tr>
                    <th scope="col">{t('table.at')}</th>
                    <th scope="col">{t('table.case')}</th>
                    <th scope="col">{t('access.by')}</th>
                    <th scope="col">{t('access.view')}</th>
                    <th scope="col">{t('access.resource')}</th>
                    <th scope="col">{t('access.requestId')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((record) => (
                    <tr key={record.seq}>
                      <td>
                        <DateTime value={record.at} />
                      </td>
                      <td>
                        {record.resource === 'payload' ? record.caseId : <CaseLink caseId={record.caseId} />}
                      </td>
                      <td>
                        {record.by.id} ({t(`enums:role.${record.by.role}`)})
                      </td>
                      <td>{t(`enums:role.${record.view}`)}</td>
                      <td>{t(`access.resources.${record.resource}`)}</td>
                      <td>
                        <code>{record.requestId}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {records.hasNextPage && (
            <button
              type="button"
              onClick={() => void records.fetchNextPage()}
              disabled={records.isFetchingNextPage}
            >
              {t('common:loadMore')}
            </button>
          )}
        </>
      )}
    </Section>
  );
}

/** Checks the region's hash chain: a changed or removed record shows where. */
function VerifySection() {
  const { t } = useTranslation('supervisor');
  const api = useApi();
  const verify = useMutation({
    mutationFn: async () => unwrap(await api.GET('/v1/access-records/verify')),
  });
  const check = verify.data;
  return (
    <Section title={t('access.verifyTitle')} id="supervisor-access-verify">
      <p className="muted">{t('access.verifyLead')}</p>
      <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {t('access.verify')}
      </button>
      <div role="status">
        {check !== undefined &&
          (check.ok ? (
            <p className="notice notice-ok">{t('access.intact', { count: check.rows })}</p>
          ) : (
            <div className="notice notice-error">
              <p>{t('access.broken', { position: check.firstBrokenPosition ?? '?' })}</p>
              {check.reason !== undefined && (
                <p className="muted" lang="en">
                  {check.reason}
                </p>
              )}
            </div>
          ))}
      </div>
      {verify.isError && <ErrorNotice error={verify.error} />}
    </Section>
  );
}
