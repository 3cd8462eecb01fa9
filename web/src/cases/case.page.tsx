import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { keys, useCase } from '../api/queries';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page, Section } from '../ui/page';
import { ActionsSection } from './case-actions';
import {
  CaseFacts,
  DeliveriesSection,
  EscalationsSection,
  FoundAtSection,
  HistorySection,
  LegalSection,
  PersonSection,
  TasksSection,
  TimelineSection,
} from './case-sections';
import { anyCase, personOf } from './case-view';
import { BusyButton } from '../ui/busy-button';

/** One case, in the signed-in role's projection: every part it holds, its open tasks and the role's actions. */
export function CasePage(props: { caseId: string }) {
  const { t } = useTranslation('cases');
  const query = useCase(props.caseId);
  const queryClient = useQueryClient();
  if (query.isLoading)
    return (
      <Page title={t('pageTitleLoading')}>
        <Loading />
      </Page>
    );
  if (query.error || !query.data)
    return (
      <Page title={t('pageTitleLoading')}>
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      </Page>
    );
  const view = anyCase(query.data);
  const name = personOf(view)?.name;
  const refresh = (
    <BusyButton
      onClick={() => {
        void queryClient.invalidateQueries({ queryKey: keys.case(props.caseId) });
        void queryClient.invalidateQueries({ queryKey: keys.timeline(props.caseId) });
      }}
      busy={query.isFetching}
    >
      {t('refresh')}
    </BusyButton>
  );
  return (
    <Page
      actions={refresh}
      title={
        name === undefined
          ? t('pageTitleId', { caseId: view.caseId })
          : t('pageTitle', { name, caseId: view.caseId })
      }
    >
      <Section title={t('overview')} id="case-overview">
        <CaseFacts view={view} />
      </Section>
      <TasksSection view={view} />
      <ActionsSection view={view} />
      <PersonSection view={view} />
      <LegalSection view={view} />
      <HistorySection view={view} list="assessments" always />
      <HistorySection view={view} list="sightings" always />
      <HistorySection view={view} list="information" />
      <HistorySection view={view} list="finds" always />
      <FoundAtSection view={view} />
      <HistorySection view={view} list="transports" />
      <HistorySection view={view} list="alerts" />
      <HistorySection view={view} list="custody" />
      <HistorySection view={view} list="releases" />
      <HistorySection view={view} list="rejections" />
      <HistorySection view={view} list="rejectionRoutes" />
      <HistorySection view={view} list="disputes" />
      <HistorySection view={view} list="rejectionReviews" />
      <HistorySection view={view} list="debriefs" />
      <HistorySection view={view} list="followUps" />
      <HistorySection view={view} list="crisisAssessments" />
      <HistorySection view={view} list="withdrawals" />
      <HistorySection view={view} list="corrections" />
      <EscalationsSection view={view} />
      <TimelineSection caseId={view.caseId} />
      <DeliveriesSection view={view} />
    </Page>
  );
}
