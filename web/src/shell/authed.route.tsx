import {
  Link,
  Navigate,
  Outlet,
  createRoute,
  redirect,
  useLocation,
  useRouter,
} from '@tanstack/react-router';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/auth-context';
import { Page } from '../ui/page';
import { navFor } from './nav';
import { rootRoute } from './root.route';

/** The signed-in part of the app: without a session, every route in it leads to the sign-in page. */
export const authedRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'authed',
  beforeLoad: ({ context, location }) => {
    if (context.session.token() === null)
      // TanStack Router's redirect is thrown by design.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw redirect({ to: '/sign-in', search: { redirect: location.href } });
  },
  component: Authed,
});

function Authed() {
  const { session, reason } = useAuth();
  const router = useRouter();
  const href = useLocation({ select: (location) => location.href });
  // Signed out while here (expired, or signed out): to the sign-in page once, and back here after it.
  useEffect(() => {
    if (session === null)
      void router.navigate({
        to: '/sign-in',
        search: reason === 'signed_out' ? {} : { redirect: href },
        replace: reason !== 'signed_out',
      });
    // Only a change of session sends the user away; the address they were at goes along.
  }, [session, router]);
  return session === null ? null : <Outlet />;
}

/** `/`: each role's own first screen. */
export const homeRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/',
  component: Home,
});

function Home() {
  const { t } = useTranslation();
  const { session } = useAuth();
  const first = session ? navFor(session.principal.role)[0] : undefined;
  if (first !== undefined) return <Navigate to={first.to} replace />;
  return (
    <Page title={t('home.title')}>
      <p>{t('home.nothing')}</p>
      <p>
        <Link to="/sign-in">{t('home.signIn')}</Link>
      </p>
    </Page>
  );
}
