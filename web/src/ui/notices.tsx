import { useTranslation } from 'react-i18next';
import type { CaseStatus } from '../../../machines/case.status';
import { ApiError } from '../api/client';

/** Shown while something loads; a status, so assistive technology hears it once. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="muted">
      {t('loading')}
    </p>
  );
}

/** What went wrong with a request, in words for the user; the API's own detail below it, as it said it. */
export function ErrorNotice(props: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation(['common', 'enums']);
  const { error } = props;
  const known = [400, 401, 403, 404, 409, 413, 415, 422, 429] as const;
  const kind =
    error instanceof ApiError
      ? (known as readonly number[]).includes(error.status)
        ? (error.status as (typeof known)[number])
        : 500
      : error instanceof TypeError
        ? 'network'
        : 'unknown';
  const caseStatus = error instanceof ApiError ? error.problem?.caseStatus : undefined;
  return (
    <div role="alert" className="notice notice-error">
      <p>
        <strong>{t(`errors.${kind}`)}</strong>
        {caseStatus !== undefined && (
          <> {t('errors.caseNow', { status: t(`enums:status.${caseStatus as CaseStatus}`) })}</>
        )}
      </p>
      {error instanceof ApiError && error.problem?.detail !== undefined && (
        <p className="muted" lang="en">
          {error.problem.detail}
        </p>
      )}
      {kind === 'unknown' && error instanceof Error && (
        <p className="muted" lang="en">
          {error.message}
        </p>
      )}
      {props.onRetry !== undefined && (
        <button type="button" onClick={props.onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}
