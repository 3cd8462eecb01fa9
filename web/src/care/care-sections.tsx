import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AmbulanceView, CrisisServiceView } from '../../../machines/case.projections';
import { DateTime, formatDate } from '../i18n/format';
import { Section } from '../ui/page';
import './care.css';

/** What the crew and the crisis service both read: the parts of their projections that keep someone safe. */
type CareView = Pick<
  AmbulanceView & CrisisServiceView,
  'clinicContact' | 'riskFactors' | 'timeCriticalNeeds' | 'medicationOnHand' | 'legal'
>;

const riskFlags = [
  'suicideRisk',
  'dependentOnMedication',
  'vulnerable',
  'dangerToOthers',
  'substanceUse',
] as const satisfies readonly (keyof CareView['riskFactors'])[];

/** Label and value pairs as a description list; rows without a value are left out. */
export function Facts(props: { rows: readonly (readonly [string, ReactNode | undefined | null])[] }) {
  const rows = props.rows.filter(([, value]) => value !== undefined && value !== null && value !== '');
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <Fragment key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** The ward and the clinician to call, with the 24/7 number as a link a phone can dial. */
export function WhomToCallSection(props: { contact: CareView['clinicContact'] }) {
  const { t } = useTranslation('care');
  const { contact } = props;
  return (
    <Section title={t('whomToCall.title')} id="care-whom-to-call">
      <Facts
        rows={[
          [t('whomToCall.ward'), contact.ward],
          [t('whomToCall.clinician'), contact.responsibleClinician],
          [
            t('whomToCall.phone'),
            <a className="tel-link" href={`tel:${contact.phone24x7.replace(/[^+\d]/g, '')}`}>
              {t('whomToCall.call', { phone: contact.phone24x7 })}
            </a>,
          ],
        ]}
      />
    </Section>
  );
}

/** Functional risks only (never a diagnosis): the ones that apply, or that none is known. */
export function FunctionalRisksSection(props: { riskFactors: CareView['riskFactors']; level?: 2 | 3 }) {
  const { t } = useTranslation('care');
  const present = riskFlags.filter((flag) => props.riskFactors[flag]);
  return (
    <Section title={t('risks.title')} id="care-risks" level={props.level ?? 2}>
      {present.length === 0 ? (
        <p>{t('risks.none')}</p>
      ) : (
        <ul className="care-list">
          {present.map((flag) => (
            <li key={flag}>
              <strong>{t(`risks.${flag}`)}</strong>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** What the person needs on time, and the medication they carry. */
export function TimeCriticalSection(props: {
  needs: CareView['timeCriticalNeeds'];
  medicationOnHand: string | undefined;
  level?: 2 | 3;
}) {
  const { t } = useTranslation('care');
  return (
    <Section title={t('needs.title')} id="care-needs" level={props.level ?? 2}>
      {props.needs.length === 0 ? (
        <p>{t('needs.none')}</p>
      ) : (
        <ul className="care-list">
          {props.needs.map((need, index) => (
            <li key={index}>
              <strong>{need.need}</strong>
              {need.urgency !== undefined && <> ({t('needs.urgency', { urgency: need.urgency })})</>}
            </li>
          ))}
        </ul>
      )}
      <Facts rows={[[t('needs.medicationOnHand'), props.medicationOnHand]]} />
    </Section>
  );
}

/** The legal title: which, where it stands, and when the power to bring the person back ends or ended. */
export function LegalTitleSection(props: { legal: CareView['legal'] }) {
  const { t } = useTranslation(['care', 'enums']);
  const { legal } = props;
  return (
    <Section title={t('legal.title')} id="care-legal">
      <Facts
        rows={[
          [t('legal.kind'), t(`enums:titleKind.${legal.title}`)],
          [t('legal.status'), t(`enums:legalStatus.${legal.status}`)],
          [t('legal.endsAt'), legal.endsAt === null ? null : <DateTime value={legal.endsAt} relative />],
        ]}
      />
    </Section>
  );
}

/** A date of birth as written in the current language. */
export function BirthDate(props: { value: string }) {
  const { i18n } = useTranslation();
  return <time dateTime={props.value}>{formatDate(props.value, i18n.language)}</time>;
}
