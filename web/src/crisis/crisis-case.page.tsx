import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CrisisServiceView } from '../../../machines/case.projections';
import type { OpenTask } from '../../../machines/case.tasks';
import { ApiError } from '../api/client';
import { keys, useCase, useCommand } from '../api/queries';
import { usePrincipal } from '../auth/auth-context';
import {
  BirthDate,
  Facts,
  FunctionalRisksSection,
  LegalTitleSection,
  TimeCriticalSection,
  WhomToCallSection,
} from '../care/care-sections';
import { TaskFacts, holderOf } from '../care/own-task';
import { DateTime } from '../i18n/format';
import { useAnnounce } from '../ui/announcer';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page, Section } from '../ui/page';
import { AssessmentForm } from './assessment.form';
import '../care/care.css';

const TASK = 'arrange_crisis_assessment';

/**
 * A case as the crisis service sees it: where the person was found, what keeps them safe, whom to call,
 * its own task and the assessment form. Once the assessment is recorded the task closes and with it the
 * service's view of the case, so the screen says so and keeps nothing of it.
 */
export function CrisisCasePage(props: { caseId: string }) {
  const { t } = useTranslation('crisis');
  const [recorded, setRecorded] = useState(false);
  return (
    <div className="mobile-screen">
      <Page title={t('case.title')}>
        {recorded ? (
          <Recorded caseId={props.caseId} />
        ) : (
          <CrisisCase caseId={props.caseId} onRecorded={() => setRecorded(true)} />
        )}
      </Page>
    </div>
  );
}

function CrisisCase(props: { caseId: string; onRecorded: () => void }) {
  const { t } = useTranslation('crisis');
  const query = useCase(props.caseId);
  if (query.isPending) return <Loading />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) return <Gone />;
    return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  }
  const view = query.data as unknown as CrisisServiceView;
  // Another role that opens this address gets its own projection, not the crisis service's.
  if (!('foundAt' in view) || !('clinicContact' in view)) return <p>{t('case.notCrisis')}</p>;
  const task = view.tasks.find((open) => open.task === TASK && open.role === 'crisis_service');
  return (
    <>
      {task === undefined ? <Gone /> : <TaskSection caseId={props.caseId} task={task} />}
      <FoundSection view={view} />
      <PersonSection person={view.person} />
      <Section title={t('case.safe')} id="crisis-safe">
        <TimeCriticalSection
          needs={view.timeCriticalNeeds}
          medicationOnHand={view.medicationOnHand}
          level={3}
        />
        <FunctionalRisksSection riskFactors={view.riskFactors} level={3} />
      </Section>
      <WhomToCallSection contact={view.clinicContact} />
      <LegalTitleSection legal={view.legal} />
      {task !== undefined && (
        <Section title={t('form.title')} id="crisis-assessment">
          <AssessmentForm caseId={props.caseId} onRecorded={props.onRecorded} />
        </Section>
      )}
      {view.crisisAssessments.length > 0 && <EarlierAssessments assessments={view.crisisAssessments} />}
    </>
  );
}

/** The service's own task: take it on or give it back (recording the assessment completes it). */
function TaskSection(props: { caseId: string; task: OpenTask }) {
  const { t } = useTranslation('crisis');
  const principal = usePrincipal();
  const announce = useAnnounce();
  const command = useCommand(props.caseId);
  const holder = holderOf(props.task, principal);
  const send = (verb: 'claim' | 'release', said: string) =>
    command.mutate(
      { target: { kind: 'task', task: TASK, verb }, body: {} },
      { onSuccess: () => announce(said) },
    );
  return (
    <Section title={t('case.task')} id="crisis-task">
      <TaskFacts task={props.task} principal={principal} />
      {command.isError && <ErrorNotice error={command.error} />}
      <div className="touch-actions">
        {holder === 'nobody' && (
          <button
            type="button"
            className="button-primary"
            disabled={command.isPending}
            onClick={() => send('claim', t('case.claimedAnnounce'))}
          >
            {t('case.claim')}
          </button>
        )}
        {holder === 'me' && (
          <button
            type="button"
            disabled={command.isPending}
            onClick={() => send('release', t('case.releasedAnnounce'))}
          >
            {t('case.release')}
          </button>
        )}
      </div>
    </Section>
  );
}

function FoundSection(props: { view: CrisisServiceView }) {
  const { t } = useTranslation('crisis');
  const { view } = props;
  return (
    <Section title={t('case.found')} id="crisis-found">
      {view.foundAt.length === 0 ? (
        <p>{t('case.notFoundYet')}</p>
      ) : (
        <ul className="record-list">
          {[...view.foundAt].reverse().map((find, index) => (
            <li key={`${find.at}-${index}`}>
              <strong>{find.place}</strong> <DateTime value={find.at} relative={index === 0} />
              {index === 0 && view.foundAt.length > 1 && <span className="badge">{t('case.latest')}</span>}
            </li>
          ))}
        </ul>
      )}
      <Facts rows={[[t('case.caseId'), view.caseId]]} />
    </Section>
  );
}

function PersonSection(props: { person: CrisisServiceView['person'] }) {
  const { t } = useTranslation('crisis');
  const { person } = props;
  return (
    <Section title={t('case.person')} id="crisis-person">
      <Facts
        rows={[
          [t('case.name'), <strong>{person.name}</strong>],
          [t('case.dateOfBirth'), <BirthDate value={person.dateOfBirth} />],
          [t('case.description'), person.description],
          [t('case.languages'), person.languages.length === 0 ? null : person.languages.join(', ')],
        ]}
      />
    </Section>
  );
}

function EarlierAssessments(props: { assessments: CrisisServiceView['crisisAssessments'] }) {
  const { t } = useTranslation(['crisis', 'enums']);
  return (
    <Section title={t('case.earlier')} id="crisis-earlier">
      <ul className="record-list">
        {props.assessments.map((assessment, index) => (
          <li key={`${assessment.at}-${index}`}>
            <p>
              <strong>{t(`enums:crisisOutcome.${assessment.outcome}`)}</strong> ·{' '}
              <DateTime value={assessment.at} /> · {assessment.by.id}
            </p>
            {assessment.notes !== undefined && <p>{assessment.notes}</p>}
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** Recorded: the service's view of the case ends with its task, so nothing of it is kept here. */
function Recorded(props: { caseId: string }) {
  const { t } = useTranslation('crisis');
  const queryClient = useQueryClient();
  useEffect(() => {
    queryClient.removeQueries({ queryKey: keys.case(props.caseId) });
  }, [queryClient, props.caseId]);
  return (
    <>
      <div role="status" className="notice notice-ok">
        <p>
          <strong>{t('form.recorded')}</strong>
        </p>
        <p>{t('form.recordedNext')}</p>
      </div>
      <BackToTasks />
    </>
  );
}

function Gone() {
  const { t } = useTranslation('crisis');
  return (
    <>
      <div className="notice">
        <p>{t('case.gone')}</p>
      </div>
      <BackToTasks />
    </>
  );
}

function BackToTasks() {
  const { t } = useTranslation('crisis');
  return (
    <div className="touch-actions">
      <Link to="/crisis" className="button">
        {t('case.back')}
      </Link>
    </div>
  );
}
