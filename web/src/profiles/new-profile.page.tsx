import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { NewProfileSchema } from '../../../machines/profile.schema';
import type { AsJson } from '../api/as-json';
import { ApiError } from '../api/client';
import { useCreateProfile, type NewProfileBody } from '../api/profile-queries';
import { usePrincipal } from '../auth/auth-context';
import { SchemaForm } from '../forms/schema-form';
import { fieldsOf } from '../forms/schema-fields';
import { useAnnounce } from '../ui/announcer';
import { Page } from '../ui/page';
import { useProfileParts } from './profile-sections';

type NewProfile = z.infer<typeof NewProfileSchema>;
// The profile as the model parses it is a body the API's document accepts: a change to either that breaks
// this stops the build.
const asBody = (profile: NewProfile): NewProfileBody => profile as AsJson<NewProfile>;

/** `/clinic/profiles/new`: every field of a profile, and the patient number, which is sent once and never shown. */
export function NewProfilePage() {
  const { t } = useTranslation('profiles');
  const principal = usePrincipal();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const fields = useMemo(() => fieldsOf(NewProfileSchema), []);
  const parts = useProfileParts(fields);
  const create = useCreateProfile();
  if (principal.role !== 'clinic')
    return (
      <Page title={t('new.title')}>
        <p>{t('onlyClinics')}</p>
      </Page>
    );
  // The patient has a profile already: the way to it, rather than an error.
  const existing =
    create.error instanceof ApiError && create.error.status === 409
      ? create.error.problem?.profileId
      : undefined;
  return (
    <Page title={t('new.title')}>
      <p>{t('new.explain')}</p>
      {existing !== undefined && (
        <div role="alert" className="notice notice-warning">
          <p>
            <strong>{t('new.exists')}</strong>{' '}
            <Link to="/clinic/profiles/$profileId" params={{ profileId: existing }}>
              {t('new.openExisting')}
            </Link>
          </p>
        </div>
      )}
      <SchemaForm
        label={t('new.title')}
        schema={NewProfileSchema}
        fields={fields}
        parts={parts}
        submitLabel={t('new.save')}
        busy={create.isPending}
        submitError={existing === undefined ? create.error : null}
        onSubmit={async (profile) => {
          const view = await create.mutateAsync(asBody(profile));
          announce(t('new.saved'));
          void navigate({ to: '/clinic/profiles/$profileId', params: { profileId: view.profileId } });
        }}
      />
    </Page>
  );
}
