/**
 * The pure part of geofences (电子围栏): checking an outline or a route, whether a point is in a
 * fence (bounding box first, then point-in-polygon or the distance to the route's line), whether a
 * rule's window is active at an instant (China time, UTC+8 all year), and the transitions of one
 * subject against one fence, position after position — entering, leaving, sustained overspeed —
 * plus the rising edges of a JT/T 808 terminal's alarm bits. No database, no clock: the engine
 * (alarm-engine.ts) feeds it and stores what it returns.
 */
import type { LineString, MultiPolygon, Polygon } from 'geojson';
import {
  type GeofenceRule,
  type GeofenceWindow,
  MAX_FENCE_VERTICES,
  TERMINAL_ALARM_BITS,
} from '../../../common/gps-alarms.ts';
import { pointInPolygon, validateGeometry } from '../geo/index.ts';

export type FenceGeometry = Polygon | MultiPolygon | LineString;

/** What is wrong with a fence, in both languages (the service makes it a 4xx). */
export interface FenceProblem {
  field: string;
  zh: string;
  en: string;
}

const METRES_PER_DEGREE = 111_320;

/** A fence as the evaluation holds it: its bounding box (corridor included) and its test. */
export interface PreparedFence {
  id: string;
  bbox: [number, number, number, number];
  contains(lng: number, lat: number): boolean;
}

/** Distance in metres from a point to a segment, on a local equirectangular projection (fine for a city). */
function segmentDistanceM(
  lng: number,
  lat: number,
  a: readonly number[],
  b: readonly number[],
  kx: number,
): number {
  const ax = (a[0] - lng) * kx;
  const ay = (a[1] - lat) * METRES_PER_DEGREE;
  const bx = (b[0] - lng) * kx;
  const by = (b[1] - lat) * METRES_PER_DEGREE;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  const x = ax + t * dx;
  const y = ay + t * dy;
  return Math.sqrt(x * x + y * y);
}

/** Distance in metres from a point to a line. */
export function distanceToLineM(lng: number, lat: number, line: readonly (readonly number[])[]): number {
  const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < line.length; i++)
    best = Math.min(best, segmentDistanceM(lng, lat, line[i - 1], line[i], kx));
  return best;
}

function coordsOf(g: FenceGeometry): number[][] {
  if (g.type === 'LineString') return g.coordinates;
  if (g.type === 'Polygon') return g.coordinates.flat();
  return g.coordinates.flat(2);
}

/** The fence's test, with a bounding box grown by the corridor's half width for a route. */
export function prepareFence(id: string, geometry: FenceGeometry, corridorM: number | null): PreparedFence {
  const pts = coordsOf(geometry);
  let w = Number.POSITIVE_INFINITY;
  let s = Number.POSITIVE_INFINITY;
  let e = Number.NEGATIVE_INFINITY;
  let n = Number.NEGATIVE_INFINITY;
  for (const p of pts) {
    w = Math.min(w, p[0]);
    e = Math.max(e, p[0]);
    s = Math.min(s, p[1]);
    n = Math.max(n, p[1]);
  }
  if (geometry.type === 'LineString') {
    const half = (corridorM ?? 0) / 2;
    const dLat = half / METRES_PER_DEGREE;
    const dLng = half / (METRES_PER_DEGREE * Math.cos((((s + n) / 2) * Math.PI) / 180));
    const line = geometry.coordinates;
    return {
      id,
      bbox: [w - dLng, s - dLat, e + dLng, n + dLat],
      contains: (lng, lat) => distanceToLineM(lng, lat, line) <= half,
    };
  }
  const area = geometry;
  return { id, bbox: [w, s, e, n], contains: (lng, lat) => pointInPolygon(lng, lat, area) };
}

/** Whether the point is in the fence: its bounding box first (most fences are far away). */
export function inFence(f: PreparedFence, lng: number, lat: number): boolean {
  const [w, s, e, n] = f.bbox;
  if (lng < w || lng > e || lat < s || lat > n) return false;
  return f.contains(lng, lat);
}

const finitePair = (p: unknown): p is [number, number] =>
  Array.isArray(p) &&
  p.length >= 2 &&
  Number.isFinite(p[0]) &&
  Number.isFinite(p[1]) &&
  Math.abs(p[0] as number) <= 180 &&
  Math.abs(p[1] as number) <= 90;

/** What is wrong with a fence's geometry (null when nothing is). */
export function fenceGeometryProblem(
  shape: 'area' | 'route',
  geometry: FenceGeometry | null | undefined,
  corridorM: number | null | undefined,
): FenceProblem | null {
  const field = 'body.geometry';
  if (!geometry || typeof geometry !== 'object') {
    return { field, zh: '缺少围栏几何', en: 'The fence needs a geometry' };
  }
  if (shape === 'route') {
    if (geometry.type !== 'LineString') {
      return {
        field,
        zh: '路线围栏的几何须为线（LineString）',
        en: 'A route fence’s geometry must be a LineString',
      };
    }
    const c = geometry.coordinates;
    if (!Array.isArray(c) || c.length < 2) {
      return { field, zh: '路线至少需要 2 个点', en: 'A route needs at least 2 points' };
    }
    if (c.length > MAX_FENCE_VERTICES) {
      return {
        field,
        zh: `路线最多 ${MAX_FENCE_VERTICES} 个点`,
        en: `A route has at most ${MAX_FENCE_VERTICES} points`,
      };
    }
    if (!c.every(finitePair)) {
      return { field, zh: '坐标须为有效的经纬度', en: 'Every coordinate must be a valid longitude/latitude' };
    }
    if (!corridorM || corridorM <= 0) {
      return {
        field: 'body.corridorM',
        zh: '路线围栏须给出走廊宽度（米）',
        en: 'A route fence needs a corridor width (metres)',
      };
    }
    return null;
  }
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
    return {
      field,
      zh: '区域围栏的几何须为面（Polygon/MultiPolygon）',
      en: 'An area fence’s geometry must be a Polygon or MultiPolygon',
    };
  }
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : (geometry.coordinates ?? []).flat();
  if (!Array.isArray(rings) || rings.length === 0 || rings.some((r) => !Array.isArray(r) || r.length === 0)) {
    return { field, zh: '坐标环为空', en: 'A ring is empty' };
  }
  if (rings.reduce((n, r) => n + r.length, 0) > MAX_FENCE_VERTICES) {
    return {
      field,
      zh: `区域最多 ${MAX_FENCE_VERTICES} 个顶点`,
      en: `An area has at most ${MAX_FENCE_VERTICES} vertices`,
    };
  }
  if (!rings.every((r) => r.every(finitePair))) {
    return { field, zh: '坐标须为有效的经纬度', en: 'Every coordinate must be a valid longitude/latitude' };
  }
  const [finding] = validateGeometry('fence', geometry);
  if (finding) {
    return {
      field,
      zh: finding.message_zh.replace(/^fence /, '围栏'),
      en: finding.message_en.replace(/^geometry of fence/, 'the fence’s geometry'),
    };
  }
  // Points in a line (or all on one spot) enclose nothing: no position could ever be inside.
  const outers =
    geometry.type === 'Polygon' ? [geometry.coordinates[0]] : geometry.coordinates.map((p) => p[0]);
  if (outers.some((r) => ringAreaM2(r) < 1)) {
    return {
      field,
      zh: '围栏面积为零（顶点共线或重合）',
      en: 'The area encloses nothing (its vertices are in a line or on one spot)',
    };
  }
  return null;
}

/** A ring's area in square metres (shoelace on a local equirectangular plane: fine at a fence's size). */
function ringAreaM2(ring: readonly (readonly number[])[]): number {
  if (ring.length < 3) return 0;
  const lat0 = (ring[0][1] * Math.PI) / 180;
  const mx = 111_320 * Math.cos(lat0);
  const my = 110_540;
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    sum +=
      (x1 - ring[0][0]) * mx * ((y2 - ring[0][1]) * my) - (x2 - ring[0][0]) * mx * ((y1 - ring[0][1]) * my);
  }
  return Math.abs(sum) / 2;
}

// ---- windows (China time) --------------------------------------------------------------------

const CHINA_OFFSET_MS = 8 * 3_600_000;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const minutesOf = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** What is wrong with a rule's windows (null when nothing is). */
export function windowsProblem(windows: readonly GeofenceWindow[]): FenceProblem | null {
  for (const [i, w] of windows.entries()) {
    const field = `body.rule.windows.${i}`;
    if (
      !Array.isArray(w.days) ||
      w.days.length === 0 ||
      !w.days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)
    ) {
      return {
        field,
        zh: '时段的星期须为 1（周一）至 7（周日），至少一天',
        en: 'A window’s days are 1 (Monday) to 7 (Sunday), at least one',
      };
    }
    if (!HHMM.test(w.from) || !HHMM.test(w.to) || w.from === '24:00') {
      return { field, zh: '时段的起止时间须为 HH:MM', en: 'A window’s times are HH:MM' };
    }
    if (w.from === w.to) {
      return { field, zh: '时段的开始与结束不能相同', en: 'A window cannot start and end at the same time' };
    }
  }
  return null;
}

/** The China-time weekday (1 Monday … 7 Sunday) and minute of the day of an instant. */
export function chinaClock(at: Date): { day: number; minute: number } {
  const t = new Date(at.getTime() + CHINA_OFFSET_MS);
  const dow = t.getUTCDay();
  return { day: dow === 0 ? 7 : dow, minute: t.getUTCHours() * 60 + t.getUTCMinutes() };
}

/**
 * Whether any window is active at the instant (no windows: always). A window whose `to` is before
 * its `from` runs past midnight: it belongs to the day it starts on, so 22:00–06:00 on Friday
 * covers Friday 22:00 to Saturday 06:00.
 */
export function windowActive(windows: readonly GeofenceWindow[], at: Date): boolean {
  if (windows.length === 0) return true;
  const { day, minute } = chinaClock(at);
  const previous = day === 1 ? 7 : day - 1;
  return windows.some((w) => {
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (from < to) return w.days.includes(day) && minute >= from && minute < to;
    return (w.days.includes(day) && minute >= from) || (w.days.includes(previous) && minute < to);
  });
}

// ---- transitions ------------------------------------------------------------------------------

/** Where one subject stands against one fence, after its newest evaluated position. */
export interface FenceState {
  inside: boolean | null;
  /** When the speed went above the limit (null: not above). */
  overSince: Date | null;
  /** The overspeed of this episode has been alarmed. */
  overRaised: boolean;
  /** The newest position evaluated (older ones, a blind area's back-fill, are not). */
  at: Date | null;
}

export const freshState = (): FenceState => ({ inside: null, overSince: null, overRaised: false, at: null });

export interface FencePosition {
  time: Date;
  lng: number;
  lat: number;
  speed: number | null;
}

export type RuleAlarm = 'fence_enter' | 'fence_leave' | 'fence_overspeed';

/**
 * One position against one fence: the new state and the alarm it raises, if any. Entering a
 * no-entry fence and leaving a stay-inside one are alarms when the rule's window is active at the
 * position's instant; a first position (no state) counts as coming from outside a no-entry fence
 * and from inside a stay-inside one, so a vehicle first seen in violation is alarmed once.
 * Overspeed: inside the fence, above the limit continuously for `overspeedSeconds` (one alarm per
 * episode, the episode ends when the speed is at or below the limit or the vehicle leaves).
 * A position not newer than the state's is ignored.
 */
export function step(
  state: FenceState,
  fence: PreparedFence,
  rule: GeofenceRule,
  p: FencePosition,
): { state: FenceState; alarms: RuleAlarm[] } {
  if (state.at && p.time.getTime() <= state.at.getTime()) return { state, alarms: [] };
  const inside = inFence(fence, p.lng, p.lat);
  const active = windowActive(rule.windows, p.time);
  const alarms: RuleAlarm[] = [];
  if (rule.mode === 'no_entry' && inside && state.inside !== true && active) alarms.push('fence_enter');
  if (rule.mode === 'stay_inside' && !inside && state.inside !== false && active) alarms.push('fence_leave');
  let overSince = state.overSince;
  let overRaised = state.overRaised;
  const limit = rule.speedLimitKmh;
  if (limit !== null && inside && p.speed !== null && p.speed > limit) {
    overSince ??= p.time;
    if (!overRaised && active && p.time.getTime() - overSince.getTime() >= rule.overspeedSeconds * 1000) {
      alarms.push('fence_overspeed');
      overRaised = true;
    }
  } else {
    overSince = null;
    overRaised = false;
  }
  return { state: { inside, overSince, overRaised, at: p.time }, alarms };
}

/** The terminal alarm bits that rise from `before` to `now` (unknown before: every set bit rises). */
export function risingAlarmBits(before: number | null, now: number): (typeof TERMINAL_ALARM_BITS)[number][] {
  const prev = before ?? 0;
  return TERMINAL_ALARM_BITS.filter((b) => (now & (2 ** b.bit)) !== 0 && (prev & (2 ** b.bit)) === 0);
}
