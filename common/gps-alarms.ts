/**
 * Geofences and GPS alarms' shared words (电子围栏与告警, issue 12 item 5): what a fence is made
 * of, what its rule says, the alarm kinds (a rule's transitions and the JT/T 808 terminal's alarm
 * bits) and an alarm's states. Pure data, shared by the server and the web client.
 */
import type { GpsTerminalKind } from './gps.ts';

/** An area (a polygon) or a route (a line with a corridor). */
export const GEOFENCE_SHAPES = ['area', 'route'] as const;
export type GeofenceShape = (typeof GEOFENCE_SHAPES)[number];

/** Where an area's outline comes from: drawn on the map, or copied from a grid/community/district. */
export const GEOFENCE_SOURCES = ['drawn', 'grid', 'community', 'district'] as const;
export type GeofenceSource = (typeof GEOFENCE_SOURCES)[number];

/** What a fence asks of whom it applies to: stay inside (leaving alarms), never enter (entering alarms), or neither (speed only). */
export const GEOFENCE_MODES = ['stay_inside', 'no_entry', 'none'] as const;
export type GeofenceMode = (typeof GEOFENCE_MODES)[number];

/** An active window in China time (UTC+8): ISO weekdays (1 Monday … 7 Sunday), `from` to `to` (HH:MM; `to` before `from` crosses midnight). */
export interface GeofenceWindow {
  days: number[];
  from: string;
  to: string;
}

/** Whom a fence applies to: terminals by kind or by id, staff by user id. Empty lists: nobody of that sort. */
export interface GeofenceTargets {
  terminalKinds: GpsTerminalKind[];
  terminalIds: string[];
  userIds: string[];
}

/** The rule on a fence. */
export interface GeofenceRule {
  mode: GeofenceMode;
  /** Speed limit in km/h inside the area or corridor (null: none). */
  speedLimitKmh: number | null;
  /** How long the speed must stay above the limit before it is an alarm (seconds). */
  overspeedSeconds: number;
  /** Empty: always active. */
  windows: GeofenceWindow[];
  targets: GeofenceTargets;
  /** Its alarms raise a case in the case loop. */
  raiseCase: boolean;
}

/** Alarms a fence's rule raises. */
export const RULE_ALARM_KINDS = ['fence_enter', 'fence_leave', 'fence_overspeed'] as const;

/**
 * Alarms a JT/T 808 terminal raises itself (its 0x0200 alarm DWORD, protocols.md §4): the bit and
 * the kind. Raised on the rising edge of the bit (one alarm per episode, not one per position).
 */
export const TERMINAL_ALARM_BITS = [
  { bit: 0, kind: 'sos' },
  { bit: 1, kind: 'overspeed' },
  { bit: 2, kind: 'fatigue' },
  { bit: 3, kind: 'danger_warning' },
  { bit: 4, kind: 'gnss_fault' },
  { bit: 5, kind: 'antenna_cut' },
  { bit: 7, kind: 'power_low' },
  { bit: 8, kind: 'power_off' },
  { bit: 18, kind: 'driving_time_exceeded' },
  { bit: 19, kind: 'overtime_parking' },
  { bit: 20, kind: 'terminal_area' },
  { bit: 21, kind: 'terminal_route' },
  { bit: 23, kind: 'route_deviation' },
  { bit: 26, kind: 'stolen' },
  { bit: 27, kind: 'illegal_ignition' },
  { bit: 28, kind: 'illegal_move' },
  { bit: 29, kind: 'collision' },
  { bit: 30, kind: 'rollover' },
] as const;
export const TERMINAL_ALARM_KINDS = TERMINAL_ALARM_BITS.map((b) => b.kind);

export const GPS_ALARM_KINDS = [...RULE_ALARM_KINDS, ...TERMINAL_ALARM_KINDS] as const;
export type GpsAlarmKind = (typeof GPS_ALARM_KINDS)[number];

/** Names of the alarm kinds (the web client's labels, the case's description). */
export const GPS_ALARM_KIND_NAMES: Record<GpsAlarmKind, { zh: string; en: string }> = {
  fence_enter: { zh: '驶入禁入区域', en: 'Entered a no-entry fence' },
  fence_leave: { zh: '驶出限定区域', en: 'Left a stay-inside fence' },
  fence_overspeed: { zh: '区域内超速', en: 'Overspeed in a fence' },
  sos: { zh: '紧急报警（SOS）', en: 'Emergency (SOS)' },
  overspeed: { zh: '终端超速报警', en: 'Terminal overspeed' },
  fatigue: { zh: '疲劳驾驶', en: 'Fatigue driving' },
  danger_warning: { zh: '危险预警', en: 'Danger warning' },
  gnss_fault: { zh: 'GNSS模块故障', en: 'GNSS fault' },
  antenna_cut: { zh: 'GNSS天线断开', en: 'GNSS antenna cut' },
  power_low: { zh: '主电源欠压', en: 'Main power low' },
  power_off: { zh: '主电源掉电', en: 'Main power off' },
  driving_time_exceeded: { zh: '当天累计驾驶超时', en: 'Daily driving time exceeded' },
  overtime_parking: { zh: '超时停车', en: 'Overtime parking' },
  terminal_area: { zh: '进出区域（终端）', en: 'Area in/out (terminal)' },
  terminal_route: { zh: '进出路线（终端）', en: 'Route in/out (terminal)' },
  route_deviation: { zh: '路线偏离', en: 'Route deviation' },
  stolen: { zh: '车辆被盗', en: 'Vehicle stolen' },
  illegal_ignition: { zh: '非法点火', en: 'Illegal ignition' },
  illegal_move: { zh: '非法位移', en: 'Illegal displacement' },
  collision: { zh: '碰撞预警', en: 'Collision' },
  rollover: { zh: '侧翻预警', en: 'Rollover' },
};

export const GPS_ALARM_SOURCES = ['terminal', 'rule'] as const;
export type GpsAlarmSource = (typeof GPS_ALARM_SOURCES)[number];

/** An alarm is open until someone acknowledges it, then closed. */
export const GPS_ALARM_STATES = ['open', 'acknowledged', 'closed'] as const;
export type GpsAlarmState = (typeof GPS_ALARM_STATES)[number];

/** Most fences a node evaluates (the whole set is held in memory). */
export const MAX_GEOFENCES = 5000;
/** Most vertices of a drawn outline or a route. */
export const MAX_FENCE_VERTICES = 5000;
