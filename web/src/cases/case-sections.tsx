import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { readRoles } from '../../../machines/case.access';
import { usePrincipal } from '../auth/auth-context';
import { usePhotoUrl, useTimeline } from '../api/queries';
import { DateTime, formatDate } from '../i18n/format';
import { ErrorNotice, Loading } from '../ui/notices';
import { Section } from '../ui/page';
import { ActorName, Entry, EntryList, Facts } from './entries';
import { personOf, type AnyCase } from './case-view';
import { ClaimButton } from './task-actions';

const riskFlags = [
  'suicideRisk',
  'dependentOnMedication',
  'vulnerable',
  'dangerToOthers',
  'substanceUse',
] as const;

/** Where the case stands: status, risk, legal basis and the moments that matter. */
export function CaseFacts(props: { view: AnyCase }) {
  const { t } = useTranslation(['cases', 'enums', 'common']);
  const v = props.view;
  const risk = v.risk ?? v.proposedRisk;
  return (
    <Facts
      rows={[
        [t('cases:facts.caseId'), v.caseId],
        [t('cases:facts.status'), t(`enums:status.${v.status}`)],
        [
          t('cases:facts.risk'),
          risk !== undefined && risk !== null ? (
            <>
              {t(`enums:risk.${risk}`)}
              {v.risk === null && ` (${t('cases:facts.proposed')})`}
            </>
          ) : null,
        ],
        [t('cases:facts.urgent'), v.urgent === undefined ? null : t(v.urgent ? 'common:yes' : 'common:no')],
        [
          t('cases:facts.kind'),
          v.kind === undefined
            ? null
            : [
                v.kind.unauthorisedAbsence && t('cases:facts.unauthorisedAbsence'),
                v.kind.missing && t('cases:facts.missing'),
              ]
                .filter(Boolean)
                .join(', '),
        ],
        [
          t('cases:facts.legal'),
          v.legal
            ? `${t(`enums:titleKind.${v.legal.title}`)} · ${t(`enums:legalStatus.${v.legal.status}`)}`
            : null,
        ],
        [t('cases:facts.reportedAt'), v.reportedAt ? <DateTime value={v.reportedAt} /> : null],
        [t('cases:facts.acknowledgedAt'), v.acknowledgedAt ? <DateTime value={v.acknowledgedAt} /> : null],
        [t('cases:facts.locatedAt'), v.locatedAt ? <DateTime value={v.locatedAt} /> : null],
        [t('cases:facts.returnedAt'), v.returnedAt ? <DateTime value={v.returnedAt} /> : null],
        [
          t('cases:facts.transportMode'),
          v.transportMode ? t(`enums:transportMode.${v.transportMode}`) : null,
        ],
        [t('cases:facts.alert'), v.alert ? `${v.alert.reference}` : null],
        [
          t('cases:facts.publicAppeal'),
          v.publicAppeal ? (
            <>
              {t('cases:facts.until')} <DateTime value={v.publicAppeal.expiresAt} />
            </>
          ) : null,
        ],
        [t('cases:facts.outcome'), v.outcome ? t(`enums:outcome.${v.outcome}`) : null],
        [t('cases:facts.closedAt'), v.closedAt ? <DateTime value={v.closedAt} /> : null],
        [t('cases:facts.region'), v.region],
        [t('cases:facts.institution'), v.institutionId],
      ]}
    />
  );
}

/** The photo of the person, fetched with the token; only for the roles that may see it. */
function PersonPhoto(props: { caseId: string; photoRef: string | undefined; name: string }) {
  const { t } = useTranslation('cases');
  const principal = usePrincipal();
  const allowed = (readRoles.photo as readonly string[]).includes(principal.role);
  const photo = usePhotoUrl(props.caseId, allowed ? props.photoRef : undefined);
  if (!allowed) return null;
  if (props.photoRef === undefined) return <p className="muted">{t('person.noPhoto')}</p>;
  if (photo.error) return <ErrorNotice error={photo.error} />;
  if (photo.url === null) return <Loading />;
  return <img src={photo.url} alt={t('person.photoOf', { name: props.name })} />;
}

/** Who to look for: photo, signalement and what keeps them safe, as much as the projection holds. */
export function PersonSection(props: { view: AnyCase }) {
  const { t, i18n } = useTranslation(['cases', 'fields', 'enums', 'common']);
  const v = props.view;
  const person = personOf(v);
  if (person === undefined) return null;
  const report = v.report;
  const riskFactors = report?.riskFactors ?? v.riskFactors;
  const flags = riskFactors ? riskFlags.filter((flag) => riskFactors[flag]) : [];
  const needs = report?.timeCriticalNeeds ?? v.timeCriticalNeeds;
  const contact = report?.clinicContact ?? v.clinicContact;
  const medication = report?.medicationOnHand ?? v.medicationOnHand;
  const lastSeen = v.lastSeen ?? report?.lastSeen;
  const list = (items: readonly string[] | undefined) =>
    items && items.length > 0 ? items.join(', ') : null;
  return (
    <Section title={t('cases:person.title')} id="case-person">
      <div className="person">
        <PersonPhoto caseId={v.caseId} photoRef={person.photoRef} name={person.name} />
        <Facts
          rows={[
            [t('fields:person.name'), person.name],
            [t('fields:person.dateOfBirth'), formatDate(person.dateOfBirth, i18n.language)],
            [t('fields:person.description'), person.description],
            [t('fields:person.clothing'), person.clothing],
            [t('fields:person.sex'), person.sex ? t(`enums:sex.${person.sex}`) : null],
            [t('fields:person.heightCm'), person.heightCm],
            [t('fields:person.build'), person.build ? t(`enums:build.${person.build}`) : null],
            [t('fields:person.distinguishingMarks'), list(person.distinguishingMarks)],
            [t('fields:person.languages'), list(person.languages)],
            [t('fields:person.phone'), person.phone],
            [
              t('fields:lastSeen._'),
              lastSeen ? (
                <>
                  <DateTime value={lastSeen.at} />, {lastSeen.place}
                </>
              ) : null,
            ],
            [t('fields:likelyPlaces'), list(report?.likelyPlaces)],
            [t('fields:associates'), list(report?.associates)],
            [
              t('fields:travel.means'),
              report ? list(report.travel.means.map((m) => t(`enums:travelMeans.${m}`))) : null,
            ],
            [
              t('fields:riskFactors._'),
              riskFactors ? (list(flags.map((f) => t(`fields:riskFactors.${f}`))) ?? t('common:none')) : null,
            ],
            [t('fields:riskFactors.notes'), report?.riskFactors.notes],
            [
              t('fields:timeCriticalNeeds._'),
              needs && needs.length > 0
                ? needs.map((n) => (n.urgency ? `${n.need} (${n.urgency})` : n.need)).join('; ')
                : null,
            ],
            [t('fields:medicationOnHand'), medication],
            [t('fields:peopleAtRisk'), list(report?.peopleAtRisk)],
            [
              t('fields:clinicContact._'),
              contact ? (
                <>
                  {contact.ward}, {contact.responsibleClinician},{' '}
                  <a href={`tel:${contact.phone24x7.replace(/[^+\d]/g, '')}`}>{contact.phone24x7}</a>
                </>
              ) : null,
            ],
            [t('fields:clinical.diagnosis'), report?.clinical?.diagnosis],
            [t('fields:clinical.treatmentNotes'), report?.clinical?.treatmentNotes],
          ]}
        />
      </div>
    </Section>
  );
}

/** The legal basis: which title, from when, until when, and where it stands. */
export function LegalSection(props: { view: AnyCase }) {
  const { t } = useTranslation(['cases', 'enums']);
  const legal = props.view.legal;
  if (!legal) return null;
  return (
    <Section title={t('cases:legal.title')} id="case-legal">
      <Facts
        rows={[
          [t('cases:legal.kind'), t(`enums:titleKind.${legal.title}`)],
          [t('cases:legal.status'), t(`enums:legalStatus.${legal.status}`)],
          [t('cases:legal.startsAt'), legal.startsAt ? <DateTime value={legal.startsAt} /> : null],
          [t('cases:legal.endsAt'), legal.endsAt ? <DateTime value={legal.endsAt} /> : null],
          [
            t('cases:legal.requestFiledAt'),
            legal.requestFiledAt ? <DateTime value={legal.requestFiledAt} /> : null,
          ],
        ]}
      />
    </Section>
  );
}

type HistoryKey =
  | 'assessments'
  | 'sightings'
  | 'information'
  | 'finds'
  | 'transports'
  | 'alerts'
  | 'custody'
  | 'releases'
  | 'rejections'
  | 'rejectionRoutes'
  | 'disputes'
  | 'rejectionReviews'
  | 'debriefs'
  | 'followUps'
  | 'crisisAssessments'
  | 'withdrawals'
  | 'corrections';

/** One list of the case's history, newest first, when the projection holds it. */
export function HistorySection(props: { view: AnyCase; list: HistoryKey; always?: boolean }) {
  const { t } = useTranslation('cases');
  const entries = props.view[props.list] as readonly object[] | undefined;
  if (entries === undefined || (entries.length === 0 && props.always !== true)) return null;
  return (
    <Section title={t(`history.${props.list}`)} id={`case-${props.list}`}>
      <EntryList entries={entries} empty={t('history.none')} />
    </Section>
  );
}

/** Where a crew or the crisis service learns where the person was found. */
export function FoundAtSection(props: { view: AnyCase }) {
  const { t } = useTranslation('cases');
  const found = props.view.foundAt;
  if (found === undefined || found.length === 0) return null;
  return (
    <Section title={t('history.finds')} id="case-found-at">
      <EntryList entries={found} empty={t('history.none')} />
    </Section>
  );
}

/** Deadlines that passed with their task still open, and deliveries that failed for good. */
export function EscalationsSection(props: { view: AnyCase }) {
  const { t } = useTranslation(['cases', 'enums']);
  const escalations = props.view.escalations;
  if (escalations === undefined || escalations.length === 0) return null;
  return (
    <Section title={t('cases:history.escalations')} id="case-escalations">
      <ul className="record-list">
        {[...escalations].reverse().map((e, i) => (
          <li key={i}>
            <DateTime value={e.at} /> ·{' '}
            {e.reason === 'delivery_failed'
              ? t('cases:escalation.delivery', { role: t(`enums:role.${e.to}`) })
              : t('cases:escalation.overdue', {
                  deadline: t(
                    `enums:deadline.${e.reason.replace(/_overdue$/, '')}` as 'enums:deadline.review',
                  ),
                  role: t(`enums:role.${e.to}`),
                })}
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** The case's open tasks: what, due when, escalated or not, who holds it; open it, claim or release it. */
export function TasksSection(props: { view: AnyCase }) {
  const { t } = useTranslation(['cases', 'enums']);
  const tasks = props.view.tasks;
  if (tasks === undefined) return null;
  const now = new Date().toISOString();
  return (
    <Section title={t('cases:tasks.title')} id="case-tasks">
      {tasks.length === 0 ? (
        <p className="muted">{t('cases:tasks.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('cases:tasks.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases:tasks.task')}</th>
                <th scope="col">{t('cases:tasks.role')}</th>
                <th scope="col">{t('cases:tasks.due')}</th>
                <th scope="col">{t('cases:tasks.signals')}</th>
                <th scope="col">{t('cases:tasks.holder')}</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((task) => (
                <tr key={task.task}>
                  <th scope="row">
                    <Link
                      to="/cases/$caseId/tasks/$task"
                      params={{ caseId: props.view.caseId, task: task.task }}
                    >
                      {t(`enums:task.${task.task}`)}
                    </Link>
                  </th>
                  <td>{t(`enums:role.${task.role}`)}</td>
                  <td>{task.dueAt ? <DateTime value={task.dueAt} relative /> : t('cases:tasks.noDue')}</td>
                  <td>
                    <TaskSignals
                      overdue={task.escalatedTo !== null || (task.dueAt !== null && task.dueAt < now)}
                      escalatedTo={task.escalatedTo}
                    />
                  </td>
                  <td>
                    <ClaimButton caseId={props.view.caseId} task={task} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** Overdue and escalated, as badges with words (never colour alone). */
export function TaskSignals(props: { overdue: boolean; escalatedTo: string | null }) {
  const { t } = useTranslation(['cases', 'enums']);
  return (
    <>
      {props.overdue && <span className="badge badge-danger">{t('cases:tasks.overdue')}</span>}
      {props.escalatedTo !== null && (
        <span className="badge badge-warn">
          {t('cases:tasks.escalatedTo', {
            role: t(`enums:role.${props.escalatedTo}` as 'enums:role.clinic'),
          })}
        </span>
      )}
    </>
  );
}

/** What a timeline entry put on the record, without what the entry already says (who, when, what kind). */
function recordFields(record: Record<string, unknown>): Record<string, unknown> {
  const inner = record.kind === 'correction' ? (record.correction as Record<string, unknown>) : record;
  const { kind: _kind, by: _by, at: _at, field: _field, ...rest } = inner;
  return rest;
}

/** Every event of the case with who and when; fetched only for the roles that may read it. */
export function TimelineSection(props: { caseId: string }) {
  const { t } = useTranslation(['cases', 'enums']);
  const principal = usePrincipal();
  const allowed = (readRoles.timeline as readonly string[]).includes(principal.role);
  const timeline = useTimeline(props.caseId, allowed);
  if (!allowed) return null;
  const tx = t as unknown as (key: string, options?: Record<string, unknown>) => string;
  return (
    <Section title={t('cases:timeline.title')} id="case-timeline">
      {timeline.isLoading && <Loading />}
      {timeline.error && <ErrorNotice error={timeline.error} onRetry={() => void timeline.refetch()} />}
      {timeline.data && (
        <ol className="record-list">
          {[...timeline.data.entries].reverse().map((entry, i) => (
            <li key={i}>
              <strong>{tx(`enums:timeline.${entry.type}`, { defaultValue: entry.type })}</strong>
              <p className="muted">
                <DateTime value={entry.at} /> · <ActorName actor={entry.by} />
              </p>
              {entry.recorded?.map((record, j) => (
                <Entry key={j} entry={recordFields(record)} bare />
              ))}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

/** Every notification the case sent or tried to send, and where each stands. */
export function DeliveriesSection(props: { view: AnyCase }) {
  const { t } = useTranslation(['cases', 'enums']);
  const deliveries = props.view.deliveries;
  if (deliveries === undefined) return null;
  return (
    <Section title={t('cases:deliveries.title')} id="case-deliveries">
      {deliveries.length === 0 ? (
        <p className="muted">{t('cases:deliveries.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('cases:deliveries.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases:deliveries.event')}</th>
                <th scope="col">{t('cases:deliveries.party')}</th>
                <th scope="col">{t('cases:deliveries.channel')}</th>
                <th scope="col">{t('cases:deliveries.status')}</th>
                <th scope="col">{t('cases:deliveries.attempts')}</th>
                <th scope="col">{t('cases:deliveries.updatedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {[...deliveries].reverse().map((d) => (
                <tr key={d.id}>
                  <td>{t(`enums:announcement.${d.event}`)}</td>
                  <td>{t(`enums:role.${d.party}`)}</td>
                  <td>{t(`enums:channel.${d.channel}`)}</td>
                  <td>
                    <span
                      className={
                        d.status === 'failed'
                          ? 'badge badge-danger'
                          : d.status === 'delivered'
                            ? 'badge badge-ok'
                            : 'badge'
                      }
                    >
                      {t(`enums:deliveryStatus.${d.status}`)}
                    </span>
                    {d.reason !== undefined && (
                      <span className="muted" lang="en">
                        {' '}
                        {d.reason}
                      </span>
                    )}
                  </td>
                  <td>{d.attempts}</td>
                  <td>
                    <DateTime value={d.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
