import { useQuery } from '@tanstack/react-query';
import { createRoute, useNavigate, useRouter } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { rootRoute } from '../shell/root.route';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page } from '../ui/page';
import { tenantOf, useAuth } from './auth-context';
import { loadDevIdentities, type DevIdentity } from './config';
import { localSession } from './local';
import { CALLBACK_PATH } from './oidc';
import { BusyButton } from '../ui/busy-button';

/** Where to go after signing in: a path of this app only, never another origin. */
const ReturnToSchema = z
  .string()
  .regex(/^\/(?!\/)(?!sign-in)(?!auth\/)/)
  .optional()
  .catch(undefined);

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: z.object({ redirect: ReturnToSchema }),
  component: SignInPage,
});

function SignInPage() {
  const { t } = useTranslation('auth');
  const { config, session, reason } = useAuth();
  const { redirect } = signInRoute.useSearch();
  const router = useRouter();
  const navigate = useNavigate();
  const returnTo = redirect ?? '/';

  useEffect(() => {
    if (session !== null) router.history.replace(returnTo);
  }, [session, returnTo, router, navigate]);

  return (
    <Page title={t('title')}>
      {reason !== null && reason !== 'signed_out' && (
        <p role="alert" className="notice notice-warning">
          {t(`reason.${reason}`)}
        </p>
      )}
      {reason === 'signed_out' && (
        <p role="status" className="notice">
          {t('reason.signed_out')}
        </p>
      )}
      <p>{t('inMemory')}</p>
      {config.signIn === 'local' ? <LocalSignIn /> : <OidcSignIn returnTo={returnTo} />}
    </Page>
  );
}

/** The embedded default: one button per demo identity. */
function LocalSignIn() {
  const { t } = useTranslation(['auth', 'enums']);
  const { store } = useAuth();
  const identities = useQuery({
    queryKey: ['dev-identities'],
    queryFn: loadDevIdentities,
    staleTime: Infinity,
  });
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const signIn = async (identity: DevIdentity) => {
    setBusy(identity.id);
    setFailure(null);
    try {
      store.signIn(await localSession(identity.id));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
    }
  };
  if (identities.isLoading) return <Loading />;
  if (identities.error)
    return <ErrorNotice error={identities.error} onRetry={() => void identities.refetch()} />;
  return (
    <section aria-labelledby="demo-identities">
      <h2 id="demo-identities">{t('local.heading')}</h2>
      <p>{t('local.explain')}</p>
      <ul className="identity-list">
        {(identities.data ?? []).map((identity) => (
          <li key={identity.id}>
            <BusyButton
              className="button-primary"
              busy={busy === identity.id}
              unavailable={busy !== null}
              onClick={() => void signIn(identity)}
            >
              {t('local.identity', {
                role: t(`enums:role.${identity.principal.role}`),
                tenant: tenantOf(identity.principal),
              })}
            </BusyButton>
          </li>
        ))}
      </ul>
      {failure !== null && <ErrorNotice error={failure} />}
    </section>
  );
}

/** Production: off to the organisation's identity provider, and back to CALLBACK_PATH. */
function OidcSignIn(props: { returnTo: string }) {
  const { t } = useTranslation('auth');
  const { oidc } = useAuth();
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const begin = async () => {
    if (oidc === null) return;
    setBusy(true);
    try {
      await oidc.begin(props.returnTo);
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  };
  return (
    <>
      <BusyButton className="button-primary" busy={busy} onClick={() => void begin()}>
        {t('oidc.button')}
      </BusyButton>
      {failure !== null && <ErrorNotice error={failure} />}
    </>
  );
}

export const callbackRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: CALLBACK_PATH,
  component: OidcCallback,
});

/** The identity provider's way back: the code is exchanged once, and the user goes where they were going. */
function OidcCallback() {
  const { t } = useTranslation('auth');
  const { oidc, store } = useAuth();
  const router = useRouter();
  const [failure, setFailure] = useState<unknown>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current || oidc === null) return;
    started.current = true;
    oidc
      .complete(new URL(window.location.href))
      .then(({ session, returnTo }) => {
        store.signIn(session);
        router.history.replace(ReturnToSchema.parse(returnTo) ?? '/');
      })
      .catch(setFailure);
  }, [oidc, store, router]);
  return (
    <Page title={t('callback.title')}>
      {failure === null ? <Loading /> : <ErrorNotice error={failure} />}
    </Page>
  );
}
