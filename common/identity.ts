/**
 * Roles, permissions and menu keys shared by server and web.
 *
 * The server decides every request (server/modules/<name>/policy.ts); the web client only uses
 * these names to label things and reads the caller's own permissions and menu from GET /api/me.
 */

export const ROLES = [
  'inspector',
  'acceptor',
  'shift_leader',
  'dispatcher',
  'unit_handler',
  'supervisor',
  'leader',
  'admin',
  /**
   * 热线话务员: answers the hotline (12345, and the merged 12319 / 96310) and calls reporters back.
   * At the city centre: the city's queue, every district's calls and cases; at a district centre
   * (a district's 12345 desk): the calls routed to the district and its cases only.
   */
  'hotline_operator',
] as const;
export type Role = (typeof ROLES)[number];

export const ORG_KINDS = ['city_center', 'district_center', 'unit'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];

/** Permissions name what a caller may do at all; policy functions add the region/unit scope. */
export const PERMISSIONS = [
  'user:read',
  'user:manage',
  'org:read',
  'org:manage',
  'apikey:manage',
  'audit:read',
  // City model (issue 3). Geography and the catalogue are the city's shared base: everyone reads
  // them; writing is scoped (a district admin imports and edits only its own district).
  'geo:read',
  'geo:manage',
  'catalog:read',
  'catalog:manage',
  'component:read',
  'component:manage',
  'routing:read',
  'routing:manage',
  // The case loop (issue 4). What a caller may do to a case is decided by the transition table
  // (common/workflow.ts); these only say who sees cases and who may submit reports at all.
  'case:read',
  'case:report',
  /** For a unit's own system (API key): sign for and feed back on cases dispatched to the unit. */
  'case:unit_feedback',
  // Working calendar (holidays, make-up days, windows) and city settings; changed by city admins only.
  'calendar:manage',
  'settings:manage',
  /** Units' own systems: endpoint URL and signing secret, deliveries and their replay (admins, in scope). */
  'endpoint:manage',
  /** Scrape /metrics from outside METRICS_ALLOW (a Prometheus with an API key); admins hold it. */
  'metrics:read',
  /**
   * Call-backs (回访) in the caller's scope: the queue of closed cases reported by the public, and
   * recording a reporter's satisfaction heard on the phone. Acceptors hold it (their district).
   */
  'callback:record',
  /** Choose the map's base map: upload offline archives, set a 天地图 key (city admins). */
  'basemap:manage',
  // Sensors (issue 10): devices, their readings and alarms, read in scope; the registry and the
  // kinds' rules changed by admins (kinds: the city's only).
  'sensor:read',
  'sensor:manage',
  /** A telephony system (API key): posts incoming calls (`POST /api/hotline/calls`) and their hang-ups. */
  'hotline:call',
  /** Hotline operators: take calls, read the calls and their callers' history, search the knowledge base. */
  'hotline:answer',
  /** Edit the hotline's knowledge base (问答知识库). */
  'knowledge:manage',
  /**
   * Online opinion (网络舆情): read the moderation queue of posts in one's district and decide on
   * them (dismiss, link to a case; turning one into a report also needs `case:report`).
   */
  'opinion:moderate',
  /** Online opinion: the feeds polled (URL, interval, district), their status; admins hold it. */
  'opinion:manage',
  /**
   * The evaluation (综合评价): indicators of regions, units and posts and their drill-down to the
   * cases counted — the city's leaders and supervisors everywhere, a district's shift leaders and
   * dispatchers their district.
   */
  'evaluation:read',
  /**
   * The evaluation's templates (weights, bands, grades: editing makes a new version) and computing a
   * period's draft ranking — the city's supervision (督查) and its leaders.
   */
  'evaluation:manage',
  /** Approve and publish a period's ranking, which freezes it (the city's leaders). */
  'evaluation:publish',
  /**
   * Unified GPS supervision (统一GPS监管, issue 12): the terminals in scope and the positions of
   * terminals and staff — the centres' command roles (acceptors send the nearest inspector, shift
   * leaders and dispatchers command, the city's supervisors and leaders watch); inspectors and
   * unit handlers only send their own positions. Admins hold both.
   */
  'gps:read',
  /** The terminal registry: register, change, disable terminals in scope (admins). */
  'gps:manage',
  /**
   * Team management (队伍管理, issue 12): the field people in scope with their posts and grids,
   * shifts, rosters, attendance, patrol coverage, the daily report, the nearest on-duty inspector —
   * the centres' command roles (acceptors send the nearest inspector), the city's supervisors and
   * leaders. Everyone clocks in and out for themselves without it.
   */
  'teams:read',
  /** Change people's posts and grids, shifts, roster templates and rosters in scope (shift leaders, admins). */
  'teams:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const EVERYONE: Permission[] = [
  'org:read',
  'geo:read',
  'catalog:read',
  'component:read',
  'routing:read',
  'case:read',
  'sensor:read',
];
const REPORTERS: Permission[] = [...EVERYONE, 'case:report'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  inspector: REPORTERS,
  acceptor: [...REPORTERS, 'callback:record', 'opinion:moderate', 'gps:read', 'teams:read'],
  shift_leader: [
    ...EVERYONE,
    'opinion:moderate',
    'evaluation:read',
    'gps:read',
    'teams:read',
    'teams:manage',
  ],
  dispatcher: [...EVERYONE, 'evaluation:read', 'gps:read', 'teams:read'],
  unit_handler: REPORTERS,
  supervisor: [...EVERYONE, 'audit:read', 'evaluation:read', 'evaluation:manage', 'gps:read', 'teams:read'],
  leader: [
    ...EVERYONE,
    'evaluation:read',
    'evaluation:manage',
    'evaluation:publish',
    'gps:read',
    'teams:read',
  ],
  admin: [...PERMISSIONS],
  hotline_operator: [...REPORTERS, 'callback:record', 'hotline:answer', 'knowledge:manage'],
};

export function permissionsOf(roles: readonly Role[]): Permission[] {
  const set = new Set<Permission>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role] ?? []) set.add(p);
  return PERMISSIONS.filter((p) => set.has(p));
}

export const MENU_KEYS = [
  'dashboard',
  'cases',
  'intake',
  'map',
  'sensors',
  'gpsLive',
  'gpsReplay',
  'gpsTerminals',
  'components',
  'catalog',
  'routing',
  'calendar',
  'imports',
  'users',
  'orgs',
  'apiKeys',
  'endpoints',
  'basemap',
  'audit',
  'hotline',
  'callbacks',
  'knowledge',
  'opinion',
  'opinionFeeds',
  'departmentChecks',
  'evaluation',
  'warnings',
  'decision',
  'screen',
  'gpsAlarms',
  'gpsGeofences',
  'teams',
] as const;
export type MenuKey = (typeof MENU_KEYS)[number];

/**
 * Which menu entries a holder of these permissions sees; the web menu is built from this list.
 * `level` is the caller's: what only the city's staff may use is not offered below it, and a unit
 * that may report has its own checks screen (部门自查).
 */
export function menuOf(
  permissions: readonly Permission[],
  level: 'city' | 'district' | 'unit' = 'city',
): MenuKey[] {
  const has = (p: Permission) => permissions.includes(p);
  const menu: MenuKey[] = ['dashboard'];
  if (has('case:read')) menu.push('cases');
  if (has('hotline:answer')) menu.push('hotline');
  if (has('callback:record')) menu.push('callbacks');
  if (has('evaluation:read') && level !== 'unit') menu.push('evaluation');
  // Early warnings (预警) are read with the evaluation, by the same people.
  if (has('evaluation:read') && level !== 'unit') menu.push('warnings');
  // Decision support (决策辅助) reads the same record for the same readers as the evaluation.
  if (has('evaluation:read') && level !== 'unit') menu.push('decision');
  // The command big screen (指挥大屏): the centre's picture of its area, for the same readers.
  if (has('evaluation:read') && has('case:read') && level !== 'unit') menu.push('screen');
  if (has('case:report')) menu.push('intake');
  if (has('case:report') && level === 'unit') menu.push('departmentChecks');
  if (has('opinion:moderate')) menu.push('opinion');
  if (has('geo:read')) menu.push('map');
  if (has('sensor:read')) menu.push('sensors');
  // 统一GPS监管: the live map, the replay and the terminals' registry, one group in the web menu.
  if (has('gps:read')) menu.push('gpsLive', 'gpsReplay', 'gpsTerminals');
  // GPS alarms are watched by whoever reads GPS (the dispatcher); fences are set by its managers.
  if (has('gps:read')) menu.push('gpsAlarms');
  if (has('gps:manage')) menu.push('gpsGeofences');
  // Team management (队伍管理): people, shifts, rosters, attendance, coverage.
  if (has('teams:read')) menu.push('teams');
  if (has('component:read')) menu.push('components');
  if (has('catalog:read')) menu.push('catalog');
  if (has('routing:read')) menu.push('routing');
  if (has('calendar:manage')) menu.push('calendar');
  if (has('geo:manage')) menu.push('imports');
  if (has('user:read')) menu.push('users');
  if (has('org:read')) menu.push('orgs');
  if (has('apikey:manage')) menu.push('apiKeys');
  if (has('endpoint:manage')) menu.push('endpoints');
  if (has('basemap:manage')) menu.push('basemap');
  // The knowledge base is edited at the city (a district's operators search it from the console).
  if (has('knowledge:manage') && level === 'city') menu.push('knowledge');
  if (has('opinion:manage')) menu.push('opinionFeeds');
  if (has('audit:read')) menu.push('audit');
  return menu;
}

/** Where a caller may act: the city sees everything, a district its district, a unit its own work. */
export type Scope =
  | { kind: 'city' }
  | { kind: 'district'; districtCode: string }
  | { kind: 'unit'; orgId: string; districtCode: string | null };

/** The six central districts of the demo city with the pinyin used in demo account names. */
export const DEMO_DISTRICTS = [
  { code: '330203', name: '海曙区', pinyin: 'haishu' },
  { code: '330205', name: '江北区', pinyin: 'jiangbei' },
  { code: '330206', name: '北仑区', pinyin: 'beilun' },
  { code: '330211', name: '镇海区', pinyin: 'zhenhai' },
  { code: '330212', name: '鄞州区', pinyin: 'yinzhou' },
  { code: '330213', name: '奉化区', pinyin: 'fenghua' },
] as const;

/** The district-centre roles a demo district gets one account for. */
export const DISTRICT_CENTRE_ROLES: Role[] = ['inspector', 'acceptor', 'shift_leader', 'dispatcher'];
