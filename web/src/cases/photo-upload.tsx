import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePutPhoto } from '../api/queries';
import { useAnnounce } from '../ui/announcer';
import { ErrorNotice } from '../ui/notices';
import { BusyButton } from '../ui/busy-button';

const accepted = ['image/jpeg', 'image/png'];

/** The filing clinic puts the photo of the person: JPEG or PNG, sent as is with its own content type. */
export function PhotoUpload(props: { caseId: string }) {
  const { t } = useTranslation('cases');
  const id = useId();
  const put = usePutPhoto(props.caseId);
  const announce = useAnnounce();
  const [file, setFile] = useState<File | null>(null);
  const [wrongType, setWrongType] = useState(false);
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (file === null) return;
    put.mutate(file, {
      onSuccess: () => {
        announce(t('photo.done'));
        setFile(null);
      },
    });
  };
  return (
    <form className="form" onSubmit={submit} aria-label={t('photo.title')} noValidate>
      <div className="field">
        <label htmlFor={id}>{t('photo.choose')}</label>
        <p id={`${id}-hint`} className="hint">
          {t('photo.hint')}
        </p>
        <input
          id={id}
          type="file"
          accept={accepted.join(',')}
          aria-describedby={`${id}-hint`}
          aria-invalid={wrongType}
          onChange={(event) => {
            const chosen = event.currentTarget.files?.[0] ?? null;
            setWrongType(chosen !== null && !accepted.includes(chosen.type));
            setFile(chosen);
          }}
        />
        {wrongType && <p className="field-error">{t('photo.wrongType')}</p>}
      </div>
      {put.error !== null && <ErrorNotice error={put.error} />}
      {put.isSuccess && file === null && (
        <p role="status" className="notice notice-ok">
          {t('photo.done')}
        </p>
      )}
      <div className="form-actions">
        <BusyButton
          type="submit"
          className="button-primary"
          busy={put.isPending}
          unavailable={file === null || wrongType}
        >
          {t('photo.upload')}
        </BusyButton>
      </div>
    </form>
  );
}
