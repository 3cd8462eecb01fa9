import { Link, createRoute } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { usePrincipal } from '../auth/auth-context';
import { CaseTable } from '../cases/case-list';
import { authedRoute } from '../shell/authed.route';
import { Page, Section } from '../ui/page';
import { ReportPage } from './report.page';
import { useReportDraft } from './report-draft';

/** `/clinic`: the clinic's own cases, open and closed, and the way to a new report. */
export const clinicRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/clinic',
  component: function ClinicPage() {
    const { t } = useTranslation('clinic');
    const principal = usePrincipal();
    const draft = useReportDraft(principal.sub);
    return (
      <Page
        title={t('cases.title')}
        actions={
          <Link to="/clinic/report" className="button button-primary">
            {t('cases.newReport')}
          </Link>
        }
      >
        {draft.inMemory() !== undefined && (
          <p className="notice">
            {t('cases.draftWaiting')} <Link to="/clinic/report">{t('cases.continueDraft')}</Link>
          </p>
        )}
        <Section title={t('cases.open')} id="clinic-open">
          <CaseTable filter={{ open: 'true' }} caption={t('cases.open')} />
        </Section>
        <Section title={t('cases.closed')} id="clinic-closed">
          <CaseTable filter={{ open: 'false' }} caption={t('cases.closed')} />
        </Section>
      </Page>
    );
  },
});

/** `/clinic/report`: a new report, with its draft and a summary before filing. */
export const reportRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/clinic/report',
  component: ReportPage,
});

export const clinicRoutes = [clinicRoute, reportRoute];
