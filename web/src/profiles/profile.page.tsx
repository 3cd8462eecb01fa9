import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProfileSchema, type Profile } from '../../../machines/profile.schema';
import type { AsJson } from '../api/as-json';
import { useProfileAbsences, useReloadProfileAbsences } from '../api/profile-absences';
import {
  isStale,
  useProfile,
  useReloadProfile,
  useReviewProfile,
  useUpdateProfile,
  type ProfileBody,
  type ProfileView,
} from '../api/profile-queries';
import {
  useCompleteRepeatReview,
  useProfileTasks,
  useReloadProfileTasks,
  type ProfileTaskItem,
} from '../api/profile-tasks';
import { ActorName, Facts } from '../cases/entries';
import { fromBody } from '../forms/form-values';
import { SchemaForm } from '../forms/schema-form';
import { fieldsOf } from '../forms/schema-fields';
import { DateTime } from '../i18n/format';
import { useAnnounce } from '../ui/announcer';
import { BusyButton } from '../ui/busy-button';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page, Section } from '../ui/page';
import { AbsenceHistory } from './absence-history';
import { ProfileParts, useProfileParts } from './profile-sections';
import { ProfileVersions } from './profile-versions';
import { RepeatWarning } from './repeat-warning';
import { RetentionSection } from './retention.section';
import { ReportMissing } from './report-missing.form';
import { TaskBadges } from './task-badges';

// The profile as the model parses it is a body the API's document accepts: a change to either that breaks
// this stops the build.
const asBody = (profile: Profile): ProfileBody => profile as AsJson<Profile>;

/** `/clinic/profiles/$profileId`: a profile's latest version, its history, and what the clinic does with it. */
export function ProfilePage(props: { profileId: string }) {
  const { t } = useTranslation('profiles');
  const query = useProfile(props.profileId);
  if (query.isLoading)
    return (
      <Page title={t('page.loading')}>
        <Loading />
      </Page>
    );
  if (query.error || !query.data)
    return (
      <Page title={t('page.loading')}>
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      </Page>
    );
  return <LoadedProfile view={query.data} />;
}

type Mode = 'read' | 'edit' | 'report';

function LoadedProfile(props: { view: ProfileView }) {
  const { t } = useTranslation(['profiles', 'common']);
  const { view } = props;
  const { profileId } = view;
  const announce = useAnnounce();
  const fields = useMemo(() => fieldsOf(ProfileSchema), []);
  const parts = useProfileParts(fields);
  const update = useUpdateProfile(profileId);
  const review = useReviewProfile(profileId);
  const reload = useReloadProfile(profileId);
  const tasks = useProfileTasks(profileId);
  const reloadTasks = useReloadProfileTasks();
  const completeRepeat = useCompleteRepeatReview(profileId);
  const absences = useProfileAbsences(profileId);
  const reloadAbsences = useReloadProfileAbsences(profileId);
  const [mode, setMode] = useState<Mode>('read');
  const [stale, setStale] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const toggle = (next: Mode) => {
    setNote(null);
    setMode(mode === next ? 'read' : next);
  };
  const done = (text: string) => {
    setNote(text);
    announce(text);
  };

  // The page's reads go together: the absences count towards the repeat review the tasks may hold.
  const reloadAll = () => Promise.all([reload(), reloadAbsences(), reloadTasks()]);

  const reloadProfile = async () => {
    await reloadAll();
    update.reset();
    review.reset();
    setStale(false);
    // A change begun on the older version is made again on the newer; the last-seen facts still hold.
    if (mode === 'edit') setMode('read');
  };

  const markReviewed = async () => {
    setNote(null);
    try {
      const next = await review.mutateAsync(view.version);
      done(t('profiles:page.reviewed', { version: next.version }));
      // The profile's machine closes the review it asked for, or not (a photo still too old): read it back.
      void reloadTasks();
    } catch (error) {
      if (isStale(error)) setStale(true);
    }
  };

  const holdReview = async (task: ProfileTaskItem) => {
    setNote(null);
    try {
      await completeRepeat.mutateAsync(task);
      done(t('profiles:repeat.done'));
    } catch {
      // Shown from the mutation's error, which outlives the warning a refusal (409) may take away.
    }
  };

  const open = tasks.data?.items ?? [];
  const repeat = open.find((task) => task.kind === 'repeat_review');
  return (
    <Page
      title={t('profiles:page.title', { name: view.profile.person.name })}
      actions={
        <button
          type="button"
          className="button-danger"
          aria-expanded={mode === 'report'}
          onClick={() => toggle('report')}
        >
          {t('profiles:report.open')}
        </button>
      }
    >
      {stale && <StaleNotice onReload={() => void reloadProfile()} />}
      {repeat !== undefined && (
        <RepeatWarning task={repeat} busy={completeRepeat.isPending} onHeld={() => void holdReview(repeat)} />
      )}
      {completeRepeat.error !== null && <ErrorNotice error={completeRepeat.error} />}
      {tasks.error !== null && <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />}
      {mode === 'report' && (
        <ReportMissing profileId={profileId} version={view.version} onStale={() => setStale(true)} />
      )}
      <Section title={t('profiles:page.about')} id="profile-about">
        <Facts
          rows={[
            [t('profiles:page.version'), String(view.version)],
            [
              t('profiles:page.recorded'),
              <>
                <DateTime value={view.recordedAt} />, <ActorName actor={view.recordedBy} />
              </>,
            ],
            [
              t('profiles:page.reviewedAt'),
              <>
                <DateTime value={view.reviewedAt} />, <ActorName actor={view.reviewedBy} />
              </>,
            ],
            [t('profiles:list.attention'), open.length > 0 ? <TaskBadges tasks={open} /> : null],
          ]}
        />
        <div className="form-actions">
          <button type="button" aria-expanded={mode === 'edit'} onClick={() => toggle('edit')}>
            {t('profiles:page.edit')}
          </button>
          <BusyButton busy={review.isPending} onClick={() => void markReviewed()}>
            {t('profiles:page.review')}
          </BusyButton>
        </div>
        {review.error !== null && !isStale(review.error) && <ErrorNotice error={review.error} />}
        {note !== null && (
          <p role="status" className="notice notice-ok">
            {note}
          </p>
        )}
      </Section>
      {mode === 'edit' ? (
        <SchemaForm
          // A new version read again starts the form anew from it.
          key={view.version}
          label={t('profiles:page.edit')}
          schema={ProfileSchema}
          fields={fields}
          parts={parts}
          initial={fromBody(fields, view.profile)}
          submitLabel={t('profiles:page.save')}
          busy={update.isPending}
          submitError={isStale(update.error) ? null : update.error}
          onSubmit={async (profile) => {
            try {
              const next = await update.mutateAsync({ version: view.version, body: asBody(profile) });
              setMode('read');
              done(t('profiles:page.saved', { version: next.version }));
            } catch (error) {
              if (isStale(error)) setStale(true);
              throw error;
            }
          }}
          actions={
            <button type="button" onClick={() => setMode('read')}>
              {t('common:cancel')}
            </button>
          }
        />
      ) : (
        <ProfileParts fields={fields} profile={view.profile} />
      )}
      <AbsenceHistory
        profileId={profileId}
        refreshing={absences.isFetching || tasks.isFetching}
        onRefresh={() => void Promise.all([reloadAbsences(), reloadTasks()])}
      />
      <ProfileVersions profileId={profileId} />
      <RetentionSection profileId={profileId} />
    </Page>
  );
}

/** Said when a change was refused because someone else changed the profile since this page read it. */
function StaleNotice(props: { onReload: () => void }) {
  const { t } = useTranslation('profiles');
  return (
    <div role="alert" className="notice notice-error">
      <p>
        <strong>{t('stale.title')}</strong>
      </p>
      <p>{t('stale.body')}</p>
      <button type="button" onClick={props.onReload}>
        {t('stale.reload')}
      </button>
    </div>
  );
}
