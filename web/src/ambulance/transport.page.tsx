import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AmbulanceView } from '../../../machines/case.projections';
import type { OpenTask } from '../../../machines/case.tasks';
import { ApiError } from '../api/client';
import { keys, useCase, useCommand, usePhotoUrl } from '../api/queries';
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
import '../care/care.css';

const TASK = 'transport_patient';

/**
 * One transport as the crew works it on a phone: where from and to, its own task (claim, complete), whom
 * to call, functional risks, time-critical needs and the person with their photo. Once completed the crew
 * no longer sees the case, so the screen says so and keeps nothing of it.
 */
export function TransportPage(props: { caseId: string }) {
  const { t } = useTranslation('ambulance');
  const [completed, setCompleted] = useState(false);
  return (
    <div className="mobile-screen">
      <Page title={t('detail.title')}>
        {completed ? (
          <Completed caseId={props.caseId} />
        ) : (
          <TransportDetail caseId={props.caseId} onCompleted={() => setCompleted(true)} />
        )}
      </Page>
    </div>
  );
}

function TransportDetail(props: { caseId: string; onCompleted: () => void }) {
  const { t } = useTranslation('ambulance');
  const query = useCase(props.caseId);
  if (query.isPending) return <Loading />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) return <Gone />;
    return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  }
  const view = query.data as unknown as AmbulanceView;
  // Another role that opens this address gets its own projection, not the crew's.
  if (!('transport' in view) || !('clinicContact' in view)) return <p>{t('detail.notCrew')}</p>;
  const task = view.tasks.find((open) => open.task === TASK && open.role === 'ambulance');
  return (
    <>
      <RouteSection view={view} />
      {task === undefined ? (
        <Gone />
      ) : (
        <TaskSection caseId={props.caseId} task={task} view={view} onCompleted={props.onCompleted} />
      )}
      <WhomToCallSection contact={view.clinicContact} />
      <FunctionalRisksSection riskFactors={view.riskFactors} />
      <TimeCriticalSection needs={view.timeCriticalNeeds} medicationOnHand={view.medicationOnHand} />
      <PersonSection caseId={props.caseId} person={view.person} />
      <LegalTitleSection legal={view.legal} />
    </>
  );
}

function RouteSection(props: { view: AmbulanceView }) {
  const { t } = useTranslation(['ambulance', 'enums']);
  const { view } = props;
  const transport = view.transport;
  return (
    <Section title={t('detail.route')} id="ambulance-route">
      <p>
        {view.urgent && <span className="badge badge-danger">{t('list.urgent')}</span>}
        {view.risk !== null && (
          <span className="badge">{t('list.risk', { risk: t(`enums:risk.${view.risk}`) })}</span>
        )}
      </p>
      {transport === null ? (
        <p>{t('detail.noTransport')}</p>
      ) : (
        <Facts
          rows={[
            [t('detail.pickup'), <strong>{transport.pickup}</strong>],
            [t('detail.destination'), <strong>{transport.destination}</strong>],
            [t('detail.mode'), t(`enums:transportMode.${transport.mode}`)],
            [t('detail.locatedAt'), view.locatedAt === null ? null : <DateTime value={view.locatedAt} />],
            [t('detail.caseId'), view.caseId],
          ]}
        />
      )}
    </Section>
  );
}

/** The crew's own task: claim it, give it back, or complete it after a confirmation. */
function TaskSection(props: {
  caseId: string;
  task: OpenTask;
  view: AmbulanceView;
  onCompleted: () => void;
}) {
  const { t } = useTranslation('ambulance');
  const principal = usePrincipal();
  const announce = useAnnounce();
  const command = useCommand(props.caseId);
  const [confirming, setConfirming] = useState(false);
  const holder = holderOf(props.task, principal);
  const send = (verb: 'claim' | 'release' | 'complete', said: string, then?: () => void) =>
    command.mutate(
      { target: { kind: 'task', task: TASK, verb }, body: {} },
      {
        onSuccess: () => {
          announce(said);
          then?.();
        },
      },
    );
  return (
    <Section title={t('detail.task')} id="ambulance-task">
      <TaskFacts task={props.task} principal={principal} />
      {command.isError && <ErrorNotice error={command.error} />}
      {confirming ? (
        <div role="group" aria-labelledby="ambulance-confirm-question" className="notice notice-warning">
          <p id="ambulance-confirm-question">
            <strong>
              {t('detail.confirmQuestion', { destination: props.view.transport?.destination ?? '' })}
            </strong>
          </p>
          <div className="touch-actions">
            <button
              type="button"
              className="button-primary"
              autoFocus
              disabled={command.isPending}
              onClick={() => send('complete', t('detail.completedAnnounce'), props.onCompleted)}
            >
              {t('detail.confirmComplete')}
            </button>
            <button type="button" disabled={command.isPending} onClick={() => setConfirming(false)}>
              {t('detail.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <div className="touch-actions">
          {holder === 'nobody' ? (
            <button
              type="button"
              className="button-primary"
              disabled={command.isPending}
              onClick={() => send('claim', t('detail.claimedAnnounce'))}
            >
              {t('detail.claim')}
            </button>
          ) : (
            <button
              type="button"
              className="button-primary"
              disabled={command.isPending}
              onClick={() => {
                command.reset();
                setConfirming(true);
              }}
            >
              {t('detail.complete')}
            </button>
          )}
          {holder === 'me' && (
            <button
              type="button"
              disabled={command.isPending}
              onClick={() => send('release', t('detail.releasedAnnounce'))}
            >
              {t('detail.release')}
            </button>
          )}
        </div>
      )}
    </Section>
  );
}

function PersonSection(props: { caseId: string; person: AmbulanceView['person'] }) {
  const { t } = useTranslation(['ambulance', 'enums']);
  const { person } = props;
  const photo = usePhotoUrl(props.caseId, person.photoRef);
  const list = (items: readonly string[]) => (items.length === 0 ? null : items.join(', '));
  return (
    <Section title={t('detail.person')} id="ambulance-person">
      {person.photoRef === undefined ? (
        <p className="muted">{t('detail.noPhoto')}</p>
      ) : photo.url !== null ? (
        <img className="person-photo" src={photo.url} alt={t('detail.photoAlt', { name: person.name })} />
      ) : photo.error ? (
        <p className="muted">{t('detail.photoFailed')}</p>
      ) : (
        <Loading />
      )}
      <Facts
        rows={[
          [t('detail.name'), <strong>{person.name}</strong>],
          [t('detail.dateOfBirth'), <BirthDate value={person.dateOfBirth} />],
          [t('detail.sex'), person.sex === undefined ? null : t(`enums:sex.${person.sex}`)],
          [
            t('detail.height'),
            person.heightCm === undefined ? null : t('detail.cm', { cm: person.heightCm }),
          ],
          [t('detail.build'), person.build === undefined ? null : t(`enums:build.${person.build}`)],
          [t('detail.description'), person.description],
          [t('detail.clothing'), person.clothing],
          [t('detail.marks'), list(person.distinguishingMarks)],
          [t('detail.languages'), list(person.languages)],
        ]}
      />
    </Section>
  );
}

/** The transport is done: the crew's view of the case ends with it, so nothing of it is kept here. */
function Completed(props: { caseId: string }) {
  const { t } = useTranslation('ambulance');
  const queryClient = useQueryClient();
  useEffect(() => {
    queryClient.removeQueries({ queryKey: keys.case(props.caseId) });
    queryClient.removeQueries({ queryKey: ['photo', props.caseId] });
  }, [queryClient, props.caseId]);
  return (
    <>
      <div role="status" className="notice notice-ok">
        <p>
          <strong>{t('detail.completed')}</strong>
        </p>
        <p>{t('detail.completedNext')}</p>
      </div>
      <BackToTransports />
    </>
  );
}

function Gone() {
  const { t } = useTranslation('ambulance');
  return (
    <>
      <div className="notice">
        <p>{t('detail.gone')}</p>
      </div>
      <BackToTransports />
    </>
  );
}

function BackToTransports() {
  const { t } = useTranslation('ambulance');
  return (
    <div className="touch-actions">
      <Link to="/ambulance" className="button">
        {t('detail.back')}
      </Link>
    </div>
  );
}
