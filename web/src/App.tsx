import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { isApiError, loginPathFor, setUnauthorizedHandler } from './api/client';
import { useMe } from './api/queries';
import { lazyPage } from './components/lazyPage';
import { MENU_ITEMS, menuFor } from './menu';
import { MobileEntry } from './mobile';
import { PortalEntry } from './portal';

// The login page loads only itself; the shell (menu, header) and each page come when needed.
const LoginPage = lazyPage(() => import('./pages/LoginPage'), 'LoginPage');
const AppLayout = lazyPage(() => import('./layout/AppLayout'), 'AppLayout');
const CaseDetailPage = lazyPage(() => import('./pages/cases/CaseDetailPage'), 'CaseDetailPage');
const DeviceDetailPage = lazyPage(() => import('./pages/sensors/DeviceDetailPage'), 'DeviceDetailPage');
const NotFoundPage = lazyPage(() => import('./pages/NotFoundPage'), 'NotFoundPage');

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, error) => {
        if (isApiError(error) && error.status > 0 && error.status < 500) return false;
        return count < 2;
      },
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

/**
 * A 401 anywhere means the session is gone: forget cached data and go to the login page — the
 * phone app's own (/m/login) for a page of the phone app, whichever client made the call (the
 * phone's map reuses desktop components that ask through `api`).
 */
function UnauthorizedRedirect() {
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      const login = loginPathFor(window.location.pathname);
      if (window.location.pathname === login) return;
      queryClient.clear();
      void navigate(login, { replace: true, state: { from: location.pathname + location.search } });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, location]);
  return null;
}

export function App() {
  const { i18n } = useTranslation();
  const antdLocale = i18n.language === 'en-US' ? enUS : zhCN;
  return (
    <ConfigProvider locale={antdLocale} theme={{ token: { borderRadius: 4 } }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <UnauthorizedRedirect />
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/m/*" element={<MobileEntry />} />
              <Route path="/public/*" element={<PortalEntry />} />
              {MENU_ITEMS.filter((item) => item.fullScreen).map((item) => (
                <Route key={item.key} path={item.path} element={item.element} />
              ))}
              <Route path="/" element={<AppLayout />}>
                <Route index element={<HomeRedirect />} />
                {MENU_ITEMS.filter((item) => !item.fullScreen).map((item) => (
                  <Route key={item.key} path={item.path.slice(1)} element={item.element} />
                ))}
                <Route path="cases/:id" element={<CaseDetailPage />} />
                <Route path="sensors/:id" element={<DeviceDetailPage />} />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

/** `/` opens the first page of the caller's menu. */
function HomeRedirect() {
  const { data: me } = useMe();
  const first = me ? menuFor(me.menu)[0] : undefined;
  if (!me) return null;
  if (!first) return <NotFoundPage />;
  return <Navigate to={first.path} replace />;
}
