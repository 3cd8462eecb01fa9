import { useNavigate } from '@tanstack/react-router';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { dateAt } from '../../../machines/amsterdam-time';
import {
  erasureReasons,
  refusalReason,
  useDischarge,
  useForgetProfile,
  useReadmit,
  useRequestErasure,
  type ErasureReason,
} from '../api/profile-retention';
import { formatDate, formatDateTime } from '../i18n/format';
import { useAnnounce } from '../ui/announcer';
import { BusyButton } from '../ui/busy-button';
import { ErrorNotice } from '../ui/notices';
import { Section } from '../ui/page';

/**
 * A profile's retention: the clinic records a discharge or a readmission, and forwards its patient's request
 * for erasure. The profile's machine decides each (when erasure falls, whether the law allows it now); this
 * shows its answer, or its refusal with the API's own words.
 */
export function RetentionSection(props: { profileId: string }) {
  const { t, i18n } = useTranslation(['profiles', 'common']);
  const { profileId } = props;
  const id = useId();
  const announce = useAnnounce();
  const navigate = useNavigate();
  const discharge = useDischarge(profileId);
  const readmit = useReadmit(profileId);
  const erasure = useRequestErasure(profileId);
  const forget = useForgetProfile(profileId);
  const [dischargedOn, setDischargedOn] = useState(() => dateAt(new Date().toISOString()));
  const [reason, setReason] = useState<ErasureReason>('consent_withdrawn');
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);

  // The confirm step takes the focus, so a keyboard or screen-reader user meets its warning first.
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const done = (text: string) => {
    setNote(text);
    announce(text);
  };
  const resetAll = () => {
    setNote(null);
    discharge.reset();
    readmit.reset();
    erasure.reset();
  };

  const recordDischarge = async (event: FormEvent) => {
    event.preventDefault();
    resetAll();
    try {
      const answer = await discharge.mutateAsync(dischargedOn);
      done(
        t('profiles:retention.discharged', {
          date: formatDate(answer.dischargedOn, i18n.language),
          eraseAt: formatDateTime(answer.eraseAt, i18n.language),
        }),
      );
    } catch {
      // Shown from the mutation's error.
    }
  };

  const recordReadmission = async () => {
    resetAll();
    try {
      await readmit.mutateAsync();
      done(t('profiles:retention.readmitted'));
    } catch {
      // Shown from the mutation's error.
    }
  };

  const erase = async () => {
    try {
      await erasure.mutateAsync(reason);
      announce(t('profiles:retention.erased'));
      await navigate({ to: '/clinic/profiles', state: { profileErased: true } });
      forget();
    } catch {
      setConfirming(false);
    }
  };

  const error = discharge.error ?? readmit.error ?? erasure.error;
  const refused = refusalReason(error);
  return (
    <Section title={t('profiles:retention.title')} id="profile-retention">
      <p>{t('profiles:retention.explain')}</p>
      <form
        className="form"
        aria-label={t('profiles:retention.discharge')}
        onSubmit={(event) => void recordDischarge(event)}
      >
        <div className="field">
          <label htmlFor={`${id}-discharged`}>{t('profiles:retention.dischargedOn')}</label>
          <input
            id={`${id}-discharged`}
            type="date"
            required
            value={dischargedOn}
            onChange={(event) => setDischargedOn(event.target.value)}
          />
        </div>
        <div className="form-actions">
          <BusyButton type="submit" busy={discharge.isPending}>
            {t('profiles:retention.discharge')}
          </BusyButton>
          <BusyButton busy={readmit.isPending} onClick={() => void recordReadmission()}>
            {t('profiles:retention.readmit')}
          </BusyButton>
        </div>
      </form>
      <div className="form">
        <div className="field">
          <label htmlFor={`${id}-ground`}>{t('profiles:retention.ground')}</label>
          <select
            id={`${id}-ground`}
            value={reason}
            onChange={(event) => setReason(event.target.value as ErasureReason)}
          >
            {erasureReasons.map((option) => (
              <option key={option} value={option}>
                {t(`profiles:retention.grounds.${option}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button
            type="button"
            aria-expanded={confirming}
            onClick={() => {
              resetAll();
              setConfirming(!confirming);
            }}
          >
            {t('profiles:retention.requestErasure')}
          </button>
        </div>
        {confirming && (
          <div
            ref={confirmRef}
            tabIndex={-1}
            role="group"
            aria-labelledby={`${id}-confirm`}
            className="notice notice-warning"
          >
            <p id={`${id}-confirm`}>
              <strong>{t('profiles:retention.confirmTitle')}</strong>
            </p>
            <p>
              {t('profiles:retention.confirmBody', { ground: t(`profiles:retention.grounds.${reason}`) })}
            </p>
            <div className="form-actions">
              <BusyButton className="button-danger" busy={erasure.isPending} onClick={() => void erase()}>
                {t('profiles:retention.confirm')}
              </BusyButton>
              <button type="button" onClick={() => setConfirming(false)}>
                {t('common:cancel')}
              </button>
            </div>
          </div>
        )}
      </div>
      {refused === 'case_open' && (
        <p className="notice notice-error">{t('profiles:retention.refused.case_open')}</p>
      )}
      {error !== null && <ErrorNotice error={error} />}
      {note !== null && (
        <p role="status" className="notice notice-ok">
          {note}
        </p>
      )}
    </Section>
  );
}
