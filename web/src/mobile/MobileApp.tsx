/**
 * The field apps (/m/), one installable app for the people in the street: inspectors (城管通:
 * verify, check, fix on the spot, report on the map) and unit handlers (处置通: sign, feed back
 * with photos, return, ask for an extension). What a case offers comes from the server's case
 * detail, so the same pages serve both. My tasks, my reports, an outbox that keeps working
 * offline and syncs when the network is back; Chinese or English like the desktop.
 */
import {
  CameraOutlined,
  ClockCircleOutlined,
  CloudSyncOutlined,
  FileTextOutlined,
  LogoutOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Spin } from 'antd';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import type { Me, Role } from '../api/types';
import { fetchMatterTypes, fetchMe, mapi, matterTypesKey, setMobileUnauthorized } from './api';
import * as db from './db';
import './mobile.css';
import { useDutyTracking } from './duty-tracking';
import { LanguageToggle, mobileMeKey } from './LanguageToggle';
import { listItems, type OutboxItem, subscribe, syncOutbox } from './outbox';
import { ClockPage } from './pages/ClockPage';
import { MobileLoginPage } from './pages/MobileLoginPage';
import { MyReportsPage } from './pages/MyReportsPage';
import { OutboxPage } from './pages/OutboxPage';
import { ReportDetailPage } from './pages/ReportDetailPage';
import { ReportPage } from './pages/ReportPage';
import { TaskPage } from './pages/TaskPage';
import { TasksPage } from './pages/TasksPage';
import { registerServiceWorker } from './sw-register';

export { mobileMeKey };

interface MobileContextValue {
  me: Me;
  items: OutboxItem[];
  online: boolean;
  syncing: boolean;
  syncNow: () => Promise<void>;
}

const MobileContext = createContext<MobileContextValue | null>(null);

export function useMobile(): MobileContextValue {
  const v = useContext(MobileContext);
  if (!v) throw new Error('useMobile outside the mobile app');
  return v;
}

export default function MobileApp() {
  const navigate = useNavigate();
  useEffect(() => {
    registerServiceWorker();
    const link = document.querySelector('meta[name="viewport"]');
    const before = link?.getAttribute('content');
    link?.setAttribute('content', 'width=device-width, initial-scale=1.0, viewport-fit=cover');
    return () => {
      if (before) link?.setAttribute('content', before);
    };
  }, []);
  useEffect(() => {
    // The app lives at /m/ (the service worker's scope); the server redirects /m, the dev server does not.
    if (window.location.pathname === '/m') void navigate(`/m/${window.location.search}`, { replace: true });
  }, [navigate]);
  useEffect(() => {
    setMobileUnauthorized(() => {
      if (!window.location.pathname.startsWith('/m/login')) void navigate('/m/login', { replace: true });
    });
    return () => setMobileUnauthorized(null);
  }, [navigate]);

  return (
    <div className="m-root">
      <Routes>
        <Route path="login" element={<MobileLoginPage />} />
        <Route path="*" element={<SignedIn />} />
      </Routes>
    </div>
  );
}

function SignedIn() {
  const { t } = useTranslation();
  const me = useQuery({ queryKey: mobileMeKey, queryFn: fetchMe, staleTime: 60_000, retry: false });
  if (me.isPending) {
    return (
      <div className="m-center">
        <Spin size="large" />
      </div>
    );
  }
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to="/m/login" replace />;
    return (
      <div className="m-center" data-testid="m-start-error">
        <p>{me.error.message}</p>
        <Button size="large" onClick={() => void me.refetch()}>
          {t('mobile.retry')}
        </Button>
      </div>
    );
  }
  return <Shell me={me.data} />;
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

function Shell({ me }: { me: Me }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const location = useLocation();
  const online = useOnline();
  const [items, setItems] = useState<OutboxItem[]>([]);
  const [syncing, setSyncing] = useState(false);
  const userId = me.user.id;
  // While clocked in, the phone's positions go to the platform (the live map, coverage, nearest).
  const onDuty = useDutyTracking(userId);

  const reload = useCallback(() => {
    void listItems(userId).then(setItems, () => setItems([]));
  }, [userId]);

  const syncNow = useCallback(async () => {
    setSyncing(true);
    try {
      const res = await syncOutbox(userId);
      if (res.sent > 0) await qc.invalidateQueries({ queryKey: ['mobile', 'data'] });
    } finally {
      setSyncing(false);
      reload();
    }
  }, [userId, qc, reload]);

  useEffect(() => {
    reload();
    return subscribe(reload);
  }, [reload]);

  // The matter types, kept for suggesting a type while reporting without a network.
  useEffect(() => {
    void qc.prefetchQuery({
      queryKey: matterTypesKey(userId),
      queryFn: () => fetchMatterTypes(userId),
      staleTime: 3600_000,
    });
  }, [qc, userId]);

  // Sync at start, whenever the network comes back, and every minute while something waits.
  useEffect(() => {
    void syncNow();
    const onOnline = () => void syncNow();
    window.addEventListener('online', onOnline);
    const timer = window.setInterval(() => {
      if (navigator.onLine) void syncOutbox(userId).then(reload);
    }, 60_000);
    return () => {
      window.removeEventListener('online', onOnline);
      window.clearInterval(timer);
    };
  }, [syncNow, userId, reload]);

  const value = useMemo(
    () => ({ me, items, online, syncing, syncNow }),
    [me, items, online, syncing, syncNow],
  );
  const waiting = items.filter((i) => i.status === 'pending').length;
  const refused = items.filter((i) => i.status === 'conflict' || i.status === 'failed').length;
  const drafts = items.filter((i) => i.status === 'draft').length;
  const roles = fieldRoles(me.user.roles);

  return (
    <MobileContext.Provider value={value}>
      <header className="m-header">
        <div className="m-header-title">
          <div className="m-brand" data-testid="m-brand">
            {t(
              roles.includes('unit_handler') && !roles.includes('inspector')
                ? 'mobile.brandUnit'
                : 'mobile.brand',
            )}
          </div>
          <div className="m-user-row">
            <span className="m-role" data-testid="m-role" data-roles={roles.join(' ')}>
              {roles.map((r) => t(`role.${r}`)).join('、')}
            </span>
            <span className="m-user" data-testid="m-user">
              {me.user.displayName} · {me.org.name}
            </span>
          </div>
        </div>
        <LanguageToggle save={online} />
        <NavLink
          to="/m/outbox"
          className={`m-sync ${waiting ? 'm-sync-waiting' : ''} ${refused ? 'm-sync-refused' : ''}`}
          data-testid="m-pending"
          data-count={waiting}
          data-syncing={syncing}
          data-refused={refused}
          data-drafts={drafts}
          aria-label={t('mobile.outbox.title')}
        >
          <CloudSyncOutlined spin={syncing && waiting > 0} />
          <span>
            {waiting > 0
              ? t('mobile.pending', { n: waiting })
              : refused > 0
                ? t('mobile.refusedShort', { n: refused })
                : drafts > 0
                  ? t('mobile.draftsShort', { n: drafts })
                  : online
                    ? t('mobile.synced')
                    : t('mobile.offline')}
          </span>
          {refused > 0 && waiting > 0 && <Badge count={refused} size="small" data-testid="m-refused" />}
        </NavLink>
      </header>
      {!online && (
        <div className="m-offline" data-testid="m-offline">
          {t('mobile.offlineHint')}
        </div>
      )}
      {refused > 0 && !location.pathname.startsWith('/m/outbox') && (
        <NavLink to="/m/outbox" className="m-refused-bar" data-testid="m-refused-bar">
          {t('mobile.refusedHint', { n: refused })}
        </NavLink>
      )}
      <main className="m-main">
        <Routes>
          <Route index element={<TasksPage />} />
          <Route path="tasks/:id" element={<TaskPage />} />
          <Route path="report" element={<ReportPage />} />
          <Route path="reports" element={<MyReportsPage />} />
          <Route path="reports/:id" element={<ReportDetailPage />} />
          <Route path="outbox" element={<OutboxPage />} />
          <Route path="clock" element={<ClockPage />} />
          <Route path="*" element={<Navigate to="/m/" replace />} />
        </Routes>
      </main>
      <nav className="m-tabs">
        <NavLink to="/m/" end className="m-tab" data-testid="m-tab-tasks">
          <UnorderedListOutlined />
          <span>{t('mobile.tabs.tasks')}</span>
        </NavLink>
        <NavLink to="/m/report" className="m-tab" data-testid="m-tab-report">
          <CameraOutlined />
          <span>{t('mobile.tabs.report')}</span>
        </NavLink>
        <NavLink to="/m/reports" className="m-tab" data-testid="m-tab-reports">
          <FileTextOutlined />
          <span>{t('mobile.tabs.reports')}</span>
        </NavLink>
        <NavLink to="/m/clock" className="m-tab" data-testid="m-tab-clock">
          <ClockCircleOutlined />
          <span>{t('mobile.tabs.clock')}</span>
          {onDuty && (
            <span className="m-duty-dot" title={t('teams.clock.tracking')} data-testid="m-duty-tracking" />
          )}
        </NavLink>
        <LogoutTab />
      </nav>
    </MobileContext.Provider>
  );
}

/** The roles the field apps are for, first; a user with none of them sees all their roles. */
function fieldRoles(roles: readonly Role[]): Role[] {
  const field = roles.filter((r) => r === 'inspector' || r === 'unit_handler');
  return field.length > 0 ? field : [...roles];
}

function LogoutTab() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const logout = async () => {
    await mapi.post('/api/auth/logout').catch(() => undefined);
    await db.clear('snapshots').catch(() => undefined);
    if ('caches' in window) await caches.delete('cityops-photos').catch(() => false);
    qc.removeQueries({ queryKey: ['mobile'] });
    qc.removeQueries({ queryKey: ['me'] });
    void navigate('/m/login', { replace: true });
  };
  return (
    <button type="button" className="m-tab" onClick={() => void logout()} data-testid="m-logout">
      <LogoutOutlined />
      <span>{t('mobile.tabs.logout')}</span>
    </button>
  );
}
