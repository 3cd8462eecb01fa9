import { zodResolver } from '@hookform/resolvers/zod';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { CaseReportSchema, type CaseReport } from '../../../machines/report.schema';
import { usePrincipal } from '../auth/auth-context';
import { ApiError } from '../api/client';
import { useCases, useFileReport } from '../api/queries';
import type { AsJson } from '../api/as-json';
import type { paths } from '../api/schema';
import { placeServerErrors } from '../forms/server-errors';
import { SchemaFields, type FieldContext } from '../forms/fields';
import { emptyValues, toBody, type FormValues } from '../forms/form-values';
import { issueMessage } from '../forms/messages';
import { FormProblems } from '../forms/problem-summary';
import { fieldsOf, without, type FieldSpec } from '../forms/schema-fields';
import { BodySummary } from '../forms/summary';
import { dependentFields } from '../forms/visibility';
import { nowWallClock } from '../i18n/time';
import { useAnnounce } from '../ui/announcer';
import { ErrorNotice } from '../ui/notices';
import { Page, Section } from '../ui/page';
import { useReportDraft } from './report-draft';
import { reportSections, sectionsOf } from './report-sections';
import { BusyButton } from '../ui/busy-button';

type ReportBody = paths['/v1/cases']['post']['requestBody']['content']['application/json'];
// The report as the model parses it is a report the API's document accepts: a change to either that
// breaks this stops the build.
const asBody = (report: CaseReport): ReportBody => report as AsJson<CaseReport>;

/**
 * The clinic's report: every field of the model's report schema, validated by it as the user goes, a draft
 * kept while they work, and a summary to check before the report is filed.
 */
export function ReportPage() {
  const { t } = useTranslation(['clinic', 'common']);
  const principal = usePrincipal();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const idPrefix = useId();
  const institutionId = principal.role === 'clinic' ? principal.institutionId : '';
  const draft = useReportDraft(principal.sub);
  // The institution is the signed-in clinic's; the photo is put after filing, on the case; only a report
  // filed from a profile says it came from one.
  const fields = useMemo(
    () =>
      without(fieldsOf(CaseReportSchema), ['person.photoRef', 'fromProfile']).map((field): FieldSpec =>
        field.key === 'institutionId' ? { kind: 'constant', key: field.key, value: institutionId } : field,
      ),
    [institutionId],
  );
  const blank = useMemo(() => ({ ...emptyValues(fields), absenceNoticedAt: nowWallClock() }), [fields]);
  const [initial] = useState<FormValues>(() => draft.inMemory() ?? blank);
  const resolver: Resolver<FormValues, unknown, CaseReport> = useMemo(
    () =>
      zodResolver(
        z.preprocess(
          (values) => toBody(fields, values, dependentFields),
          CaseReportSchema,
        ) as unknown as z.ZodType<CaseReport, FormValues>,
        { error: issueMessage },
      ),
    [fields],
  );
  const form = useForm<FormValues, unknown, CaseReport>({ resolver, defaultValues: initial });
  const file = useFileReport();
  const [checked, setChecked] = useState<CaseReport | null>(null);
  const [unplaced, setUnplaced] = useState<{ path: string; message: string }[]>([]);
  const [draftNote, setDraftNote] = useState<'saved' | 'failed' | 'discarded' | 'restored' | null>(null);
  const [offerStored, setOfferStored] = useState(
    () => draft.inMemory() === undefined && draft.stored() !== null,
  );
  const summaryHeading = useRef<HTMLHeadingElement>(null);
  const formHeading = useRef<HTMLHeadingElement>(null);

  // The working copy follows every change, in memory.
  useEffect(() => {
    const subscription = form.watch((values) => draft.keep(values as FormValues));
    return () => subscription.unsubscribe();
  }, [form]);

  // The police region: as on this clinic's latest case, until the user types one.
  const recent = useCases({ limit: 1 });
  const lastRegion = recent.data?.pages[0]?.items[0]?.region;
  useEffect(() => {
    if (lastRegion !== undefined && form.getValues('region') === '') form.setValue('region', lastRegion);
  }, [lastRegion, form]);

  useEffect(() => {
    if (checked !== null) summaryHeading.current?.focus();
  }, [checked]);

  if (principal.role !== 'clinic')
    return (
      <Page title={t('clinic:report.title')}>
        <p>{t('clinic:onlyClinics')}</p>
      </Page>
    );

  const review = form.handleSubmit((report) => {
    setUnplaced([]);
    setChecked(report);
  });

  const fileReport = async () => {
    if (checked === null) return;
    try {
      const view = await file.mutateAsync(asBody(checked));
      draft.discard();
      announce(t('clinic:report.filed'));
      void navigate({ to: '/cases/$caseId', params: { caseId: view.caseId } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        setChecked(null);
        setUnplaced(
          placeServerErrors(error.fieldErrors, fields, (path, message) =>
            form.setError(path, { type: 'server', message }),
          ),
        );
        window.setTimeout(() => formHeading.current?.focus(), 0);
      }
    }
  };

  const ctx: FieldContext = {
    form,
    idPrefix,
    visible: dependentFields,
  };
  const parts = sectionsOf(fields, reportSections);

  return (
    <Page title={t('clinic:report.title')}>
      <div hidden={checked !== null}>
        <h2 ref={formHeading} tabIndex={-1} className="visually-hidden">
          {t('clinic:report.formHeading')}
        </h2>
        <DraftControls
          onSave={() => setDraftNote(draft.save(form.getValues()) ? 'saved' : 'failed')}
          onDiscard={() => {
            draft.discard();
            form.reset(blank);
            setOfferStored(false);
            setDraftNote('discarded');
          }}
          {...(offerStored && {
            onRestore: () => {
              const stored = draft.stored();
              if (stored !== null) form.reset({ ...blank, ...stored });
              setOfferStored(false);
              setDraftNote('restored');
            },
          })}
          note={draftNote}
        />
        <form
          className="form"
          noValidate
          aria-label={t('clinic:report.title')}
          onSubmit={(event) => void review(event)}
        >
          <FormProblems
            errors={form.formState.errors}
            idPrefix={idPrefix}
            submitError={null}
            unplaced={unplaced}
          />
          {parts.map(([name, partFields]) => (
            <Section key={name} title={t(`clinic:report.sections.${name}`)} id={`report-${name}`}>
              <SchemaFields fields={partFields} ctx={ctx} />
            </Section>
          ))}
          <div className="form-actions">
            <button type="submit" className="button-primary">
              {t('clinic:report.review')}
            </button>
          </div>
        </form>
      </div>
      {checked !== null && (
        <section aria-labelledby="report-summary">
          <h2 id="report-summary" ref={summaryHeading} tabIndex={-1}>
            {t('clinic:summary.title')}
          </h2>
          <p>{t('clinic:summary.explain')}</p>
          {parts.map(([name, partFields]) => (
            <Section key={name} title={t(`clinic:report.sections.${name}`)} id={`summary-${name}`} level={3}>
              <BodySummary fields={partFields} body={checked as unknown as Record<string, unknown>} />
            </Section>
          ))}
          {file.error !== null && !(file.error instanceof ApiError && file.error.status === 400) && (
            <ErrorNotice error={file.error} />
          )}
          <div className="form-actions">
            <button type="button" onClick={() => setChecked(null)}>
              {t('clinic:summary.back')}
            </button>
            <BusyButton className="button-primary" onClick={() => void fileReport()} busy={file.isPending}>
              {t('clinic:summary.file')}
            </BusyButton>
          </div>
        </section>
      )}
    </Page>
  );
}

/** Save, restore or discard the draft; saving says first what it means for personal data. */
function DraftControls(props: {
  onSave: () => void;
  onDiscard: () => void;
  onRestore?: () => void;
  note: 'saved' | 'failed' | 'discarded' | 'restored' | null;
}) {
  const { t } = useTranslation('clinic');
  return (
    <Section title={t('draft.title')} id="report-draft">
      <p>{t('draft.inMemory')}</p>
      <p className="notice notice-warning">{t('draft.warning')}</p>
      {props.onRestore !== undefined && (
        <p className="notice">
          {t('draft.found')}{' '}
          <button type="button" onClick={props.onRestore}>
            {t('draft.restore')}
          </button>
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={props.onSave}>
          {t('draft.save')}
        </button>
        <button type="button" className="button-danger" onClick={props.onDiscard}>
          {t('draft.discard')}
        </button>
      </div>
      {props.note !== null && (
        <p role="status" className="notice notice-ok">
          {t(`draft.${props.note}`)}
        </p>
      )}
    </Section>
  );
}
