import { Link, Outlet } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useAuth, tenantOf } from '../auth/auth-context';
import { useLive } from '../api/live';
import { languages } from '../i18n/i18n';
import { Page } from '../ui/page';
import { navFor } from './nav';

/** Every screen: skip link, header (name, navigation, language, who is signed in), and the main region. */
export function Layout() {
  const { t } = useTranslation();
  const focusMain = (event: React.MouseEvent) => {
    event.preventDefault();
    const main = document.getElementById('main');
    main?.focus();
    main?.scrollIntoView();
  };
  return (
    <>
      <a className="skip-link" href="#main" onClick={focusMain}>
        {t('skipToContent')}
      </a>
      <header className="app-header">
        <div className="brand">{t('appName')}</div>
        <MainNav />
        <div className="header-tools">
          <LanguageSwitch />
          <UserBox />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

function MainNav() {
  const { t } = useTranslation();
  const { session } = useAuth();
  if (session === null) return null;
  const items = navFor(session.principal.role);
  if (items.length === 0) return null;
  return (
    <nav aria-label={t('nav.label')}>
      <ul className="nav-list">
        {items.map((item) => (
          <li key={item.to}>
            <Link to={item.to} activeOptions={{ exact: true }} activeProps={{ 'aria-current': 'page' }}>
              {t(`nav.${item.label}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The two languages, each named in itself; the pressed one is in use. */
function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div role="group" aria-label={t('language.label')} className="language-switch">
      {languages.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          aria-pressed={i18n.language === lng}
          onClick={() => void i18n.changeLanguage(lng)}
        >
          {t(`language.${lng}`)}
        </button>
      ))}
    </div>
  );
}

function UserBox() {
  const { t } = useTranslation(['common', 'enums']);
  const { session, store } = useAuth();
  const live = useLive();
  if (session === null) return null;
  const { principal } = session;
  // Case data must not outlive the session in this tab: the store's listener empties the cache, and the
  // signed-in part of the app sends the user to the sign-in page.
  const signOut = () => store.signOut('signed_out');
  return (
    <div className="user-box">
      <span className={`live live-${live.state}`}>{t(`live.${live.state}`)}</span>
      <span>{t('signedInAs', { role: t(`enums:role.${principal.role}`), tenant: tenantOf(principal) })}</span>
      <button type="button" onClick={signOut}>
        {t('signOut')}
      </button>
    </div>
  );
}

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </Page>
  );
}
