import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { ApiProvider } from './api/api-context';
import { LiveProvider } from './api/live';
import { ApiError, createApiClient } from './api/client';
import { AuthProvider } from './auth/auth-context';
import { loadConfig, type AppConfig } from './auth/config';
import { SILENT_PATH, createOidc, type SilentMessage } from './auth/oidc';
import { createSessionStore } from './auth/session';
import { createI18n } from './i18n/i18n';
import { clearStoredDrafts } from './clinic/report-draft';
import { createAppRouter } from './router';
import { AnnouncerProvider } from './ui/announcer';
import './styles.css';

/** Inside the hidden renewal frame: hand the provider's answer to the app and do nothing else. */
function answerSilentRenewal(): boolean {
  if (window.parent === window || window.location.pathname !== SILENT_PATH) return false;
  const message: SilentMessage = { kind: 'vermist.oidc.silent', url: window.location.href };
  window.parent.postMessage(message, window.location.origin);
  return true;
}

async function main(): Promise<void> {
  if (answerSilentRenewal()) return;
  const root = createRoot(document.getElementById('root')!);
  const i18n = await createI18n();
  let config: AppConfig;
  try {
    config = await loadConfig();
  } catch {
    root.render(
      <p role="alert" lang={i18n.language}>
        {i18n.t('configFailed')}
      </p>,
    );
    return;
  }

  const session = createSessionStore();
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again; a dropped connection may.
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
        staleTime: 10_000,
        refetchOnWindowFocus: true,
      },
    },
  });
  // Signed out for any reason: nothing of the cases stays in this tab's memory.
  session.subscribe(() => {
    if (session.get().session !== null) return;
    queryClient.clear();
    clearStoredDrafts();
  });
  const api = createApiClient(session);
  const oidc = config.signIn === 'oidc' && config.oidc !== undefined ? createOidc(config.oidc) : null;
  const router = createAppRouter({ session, queryClient });

  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <QueryClientProvider client={queryClient}>
          <ApiProvider client={api}>
            <AuthProvider store={session} config={config} oidc={oidc}>
              <LiveProvider>
                <AnnouncerProvider>
                  <RouterProvider router={router} />
                </AnnouncerProvider>
              </LiveProvider>
            </AuthProvider>
          </ApiProvider>
        </QueryClientProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}

void main();
