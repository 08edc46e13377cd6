import {
  AlertOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  BranchesOutlined,
  BuildOutlined,
  CalendarOutlined,
  CarOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  DesktopOutlined,
  EnvironmentOutlined,
  FileAddOutlined,
  FundOutlined,
  GatewayOutlined,
  GlobalOutlined,
  HistoryOutlined,
  ImportOutlined,
  KeyOutlined,
  MessageOutlined,
  NotificationOutlined,
  PhoneOutlined,
  ProfileOutlined,
  ReadOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  TeamOutlined,
  WarningOutlined,
  WifiOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import { lazyPage } from './components/lazyPage';
// The map page is already a small shell that loads MapLibre and the map on first visit.
import { MapPage } from './pages/map';

// Each page is its own chunk, loaded on first visit (the login page and the shell do not carry them).
const ApiKeysPage = lazyPage(() => import('./pages/ApiKeysPage'), 'ApiKeysPage');
const AuditPage = lazyPage(() => import('./pages/AuditPage'), 'AuditPage');
const BaseMapPage = lazyPage(() => import('./pages/basemap/BaseMapPage'), 'BaseMapPage');
const CalendarPage = lazyPage(() => import('./pages/calendar/CalendarPage'), 'CalendarPage');
const CallbacksPage = lazyPage(() => import('./pages/hotline/CallbacksPage'), 'CallbacksPage');
const CasesPage = lazyPage(() => import('./pages/cases/CasesPage'), 'CasesPage');
const CatalogPage = lazyPage(() => import('./pages/catalog/CatalogPage'), 'CatalogPage');
const ComponentsPage = lazyPage(() => import('./pages/components/ComponentsPage'), 'ComponentsPage');
const DashboardPage = lazyPage(() => import('./pages/DashboardPage'), 'DashboardPage');
const DepartmentChecksPage = lazyPage(
  () => import('./pages/department/DepartmentChecksPage'),
  'DepartmentChecksPage',
);
const DecisionPage = lazyPage(() => import('./pages/decision/DecisionPage'), 'DecisionPage');
const GeofencesPage = lazyPage(() => import('./pages/gps/GeofencesPage'), 'GeofencesPage');
const GpsAlarmsPage = lazyPage(() => import('./pages/gps/AlarmsPage'), 'AlarmsPage');
const EvaluationPage = lazyPage(() => import('./pages/evaluation/EvaluationPage'), 'EvaluationPage');
const EndpointsPage = lazyPage(() => import('./pages/endpoints/EndpointsPage'), 'EndpointsPage');
const GpsLiveMapPage = lazyPage(() => import('./pages/gps/LiveMapPage'), 'LiveMapPage');
const GpsReplayPage = lazyPage(() => import('./pages/gps/ReplayPage'), 'ReplayPage');
const GpsTerminalsPage = lazyPage(() => import('./pages/gps/TerminalsPage'), 'TerminalsPage');
const HotlinePage = lazyPage(() => import('./pages/hotline/HotlinePage'), 'HotlinePage');
const ImportsPage = lazyPage(() => import('./pages/imports/ImportsPage'), 'ImportsPage');
const IntakePage = lazyPage(() => import('./pages/intake/IntakePage'), 'IntakePage');
const KnowledgePage = lazyPage(() => import('./pages/hotline/KnowledgePage'), 'KnowledgePage');
const OpinionFeedsPage = lazyPage(() => import('./pages/opinion/FeedsPage'), 'FeedsPage');
const OpinionPage = lazyPage(() => import('./pages/opinion/OpinionPage'), 'OpinionPage');
const OrgsPage = lazyPage(() => import('./pages/OrgsPage'), 'OrgsPage');
const ScreenPage = lazyPage(() => import('./pages/screen/ScreenPage'), 'ScreenPage');
const RoutingPage = lazyPage(() => import('./pages/routing/RoutingPage'), 'RoutingPage');
const SensorsPage = lazyPage(() => import('./pages/sensors/SensorsPage'), 'SensorsPage');
const TeamsPage = lazyPage(() => import('./pages/teams/TeamsPage'), 'TeamsPage');
const UsersPage = lazyPage(() => import('./pages/UsersPage'), 'UsersPage');
const WarningsPage = lazyPage(() => import('./pages/warnings/WarningsPage'), 'WarningsPage');

export interface MenuItemDef {
  /** The key the server sends in `me.menu`. */
  key: string;
  path: string;
  icon: ReactNode;
  /** i18n key of the label. */
  label: string;
  element: ReactNode;
  /** Rendered outside the app's shell (no menu, no header): the command big screen. */
  fullScreen?: true;
  /** A submenu it sits in (MENU_GROUPS), at the place of the group's first entry. */
  group?: MenuGroupKey;
}

/** Submenus: their i18n label and icon. */
export const MENU_GROUPS = {
  gps: { label: 'gps.menu', icon: <CarOutlined /> },
} as const;
export type MenuGroupKey = keyof typeof MENU_GROUPS;

/** Every menu key this client knows. The menu shows only the keys the server sends in `me.menu`. */
export const MENU_ITEMS: MenuItemDef[] = [
  {
    key: 'dashboard',
    path: '/dashboard',
    icon: <DashboardOutlined />,
    label: 'menu.dashboard',
    element: <DashboardPage />,
  },
  { key: 'cases', path: '/cases', icon: <ProfileOutlined />, label: 'case.menu', element: <CasesPage /> },
  {
    key: 'intake',
    path: '/intake',
    icon: <FileAddOutlined />,
    label: 'intake.menu',
    element: <IntakePage />,
  },
  {
    key: 'departmentChecks',
    path: '/department-checks',
    icon: <SafetyCertificateOutlined />,
    label: 'departmentChecks.menu',
    element: <DepartmentChecksPage />,
  },
  {
    key: 'opinion',
    path: '/opinion',
    icon: <MessageOutlined />,
    label: 'opinion.menu',
    element: <OpinionPage />,
  },
  { key: 'map', path: '/map', icon: <EnvironmentOutlined />, label: 'map.title', element: <MapPage /> },
  {
    key: 'sensors',
    path: '/sensors',
    icon: <WifiOutlined />,
    label: 'sensors.title',
    element: <SensorsPage />,
  },
  {
    key: 'gpsLive',
    path: '/gps/live',
    icon: <EnvironmentOutlined />,
    label: 'gps.live.menu',
    element: <GpsLiveMapPage />,
    group: 'gps',
  },
  {
    key: 'gpsReplay',
    path: '/gps/replay',
    icon: <HistoryOutlined />,
    label: 'gps.replay.menu',
    element: <GpsReplayPage />,
    group: 'gps',
  },
  {
    key: 'gpsTerminals',
    path: '/gps/terminals',
    icon: <CarOutlined />,
    label: 'gps.terminals.menu',
    element: <GpsTerminalsPage />,
    group: 'gps',
  },
  {
    key: 'gpsAlarms',
    path: '/gps/alarms',
    icon: <AlertOutlined />,
    label: 'gpsAlarms.menu',
    element: <GpsAlarmsPage />,
    group: 'gps',
  },
  {
    key: 'gpsGeofences',
    path: '/gps/geofences',
    icon: <GatewayOutlined />,
    label: 'geofences.menu',
    element: <GeofencesPage />,
    group: 'gps',
  },
  {
    key: 'teams',
    path: '/teams',
    icon: <ScheduleOutlined />,
    label: 'teams.menu',
    element: <TeamsPage />,
  },
  {
    key: 'components',
    path: '/components',
    icon: <BuildOutlined />,
    label: 'components.title',
    element: <ComponentsPage />,
  },
  {
    key: 'imports',
    path: '/imports',
    icon: <ImportOutlined />,
    label: 'imports.title',
    element: <ImportsPage />,
  },
  {
    key: 'catalog',
    path: '/catalog',
    icon: <BookOutlined />,
    label: 'catalog.title',
    element: <CatalogPage />,
  },
  {
    key: 'routing',
    path: '/routing',
    icon: <BranchesOutlined />,
    label: 'routing.title',
    element: <RoutingPage />,
  },
  {
    key: 'calendar',
    path: '/calendar',
    icon: <CalendarOutlined />,
    label: 'calendar.title',
    element: <CalendarPage />,
  },
  { key: 'users', path: '/users', icon: <TeamOutlined />, label: 'menu.users', element: <UsersPage /> },
  { key: 'orgs', path: '/orgs', icon: <ApartmentOutlined />, label: 'menu.orgs', element: <OrgsPage /> },
  {
    key: 'apiKeys',
    path: '/api-keys',
    icon: <KeyOutlined />,
    label: 'menu.apiKeys',
    element: <ApiKeysPage />,
  },
  {
    key: 'endpoints',
    path: '/endpoints',
    icon: <ApiOutlined />,
    label: 'endpoints.title',
    element: <EndpointsPage />,
  },
  {
    key: 'basemap',
    path: '/basemap',
    icon: <GlobalOutlined />,
    label: 'basemap.menu',
    element: <BaseMapPage />,
  },
  {
    key: 'opinionFeeds',
    path: '/opinion-feeds',
    icon: <NotificationOutlined />,
    label: 'opinionFeeds.menu',
    element: <OpinionFeedsPage />,
  },
  { key: 'audit', path: '/audit', icon: <AuditOutlined />, label: 'menu.audit', element: <AuditPage /> },
  {
    key: 'hotline',
    path: '/hotline',
    icon: <PhoneOutlined />,
    label: 'hotline.menu',
    element: <HotlinePage />,
  },
  {
    key: 'callbacks',
    path: '/callbacks',
    icon: <CustomerServiceOutlined />,
    label: 'callback.menu',
    element: <CallbacksPage />,
  },
  {
    key: 'evaluation',
    path: '/evaluation',
    icon: <BarChartOutlined />,
    label: 'evaluation.menu',
    element: <EvaluationPage />,
  },
  {
    key: 'warnings',
    path: '/warnings',
    icon: <WarningOutlined />,
    label: 'warnings.menu',
    element: <WarningsPage />,
  },
  {
    key: 'decision',
    path: '/decision',
    icon: <FundOutlined />,
    label: 'decision.menu',
    element: <DecisionPage />,
  },
  {
    key: 'screen',
    path: '/screen',
    icon: <DesktopOutlined />,
    label: 'screen.menu',
    element: <ScreenPage />,
    fullScreen: true,
  },
  {
    key: 'knowledge',
    path: '/knowledge',
    icon: <ReadOutlined />,
    label: 'knowledge.menu',
    element: <KnowledgePage />,
  },
];

const byKey = new Map(MENU_ITEMS.map((m) => [m.key, m]));

/** The server's menu keys mapped to known entries, in the server's order; unknown keys are dropped. */
export function menuFor(keys: readonly string[]): MenuItemDef[] {
  const out: MenuItemDef[] = [];
  for (const k of keys) {
    const item = byKey.get(k);
    if (item && !out.includes(item)) out.push(item);
  }
  return out;
}

/** The known entry whose route contains this pathname. */
export function menuItemForPath(pathname: string): MenuItemDef | undefined {
  return MENU_ITEMS.find((m) => pathname === m.path || pathname.startsWith(`${m.path}/`));
}

/** The menu's entries with each group's entries gathered in one submenu, where its first entry is. */
export function menuTree<T>(
  items: readonly MenuItemDef[],
  entry: (m: MenuItemDef) => T,
): ({ item: T } | { group: MenuGroupKey; children: T[] })[] {
  const out: ({ item: T } | { group: MenuGroupKey; children: T[] })[] = [];
  const groups = new Map<MenuGroupKey, T[]>();
  for (const m of items) {
    if (!m.group) {
      out.push({ item: entry(m) });
      continue;
    }
    let children = groups.get(m.group);
    if (!children) {
      children = [];
      groups.set(m.group, children);
      out.push({ group: m.group, children });
    }
    children.push(entry(m));
  }
  return out;
}
