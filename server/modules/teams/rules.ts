/**
 * The team rules as pure functions (no database): China-time days and shift windows, a roster's
 * overlaps, the attendance check of a clock-in or clock-out against the shift and the
 * responsibility area, and a shift's patrol coverage of the person's grids from their track.
 * China time is UTC+8 all year (no daylight saving), so a day's start is a fixed offset.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { haversineM, pointInPolygon } from '../geo/index.ts';

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Clocking in opens this long before the shift starts. */
export const CLOCK_IN_OPENS_MIN = 120;
/** A clock-in this long after the start is still on time. */
export const LATE_GRACE_MIN = 5;
/** A clock-out this long before the end is not an early leave. */
export const EARLY_GRACE_MIN = 0;
/** Outside every grid but within this distance of one still counts as in the area. */
export const AREA_TOLERANCE_M = 200;
/** Two fixes further apart in time than this are not joined (the track has a gap there). */
export const TRACK_GAP_MS = 10 * MINUTE;
/** The step at which a segment between two fixes is sampled for coverage. */
export const SAMPLE_STEP_M = 20;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a string is a real calendar day YYYY-MM-DD of the years a roster can be about (2000–2099). */
export function isDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m || +m[1] < 2000 || +m[1] > 2099) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toISOString().slice(0, 10) === s;
}

/** The China-time day (YYYY-MM-DD) of an instant. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a China-time day starts. */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  const w = new Date(`${day}T00:00:00Z`).getUTCDay();
  return w === 0 ? 7 : w;
}

/** The Monday of the day's week. */
export function mondayOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

export function weekDays(monday: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** "HH:MM" ↔ minutes after midnight. */
export function parseHm(s: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? +m[1] * 60 + +m[2] : null;
}
export function formatHm(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}

export interface ShiftTimes {
  startMinute: number;
  endMinute: number;
}

export interface Window {
  start: Date;
  end: Date;
}

/** The shift's instants on a day: an end at or before the start is on the next day. */
export function shiftWindow(day: string, s: ShiftTimes): Window {
  const d0 = dayStart(day).getTime();
  const start = d0 + s.startMinute * MINUTE;
  const endDay = s.endMinute <= s.startMinute ? d0 + DAY_MS : d0;
  return { start: new Date(start), end: new Date(endDay + s.endMinute * MINUTE) };
}

export const crossesMidnight = (s: ShiftTimes) => s.endMinute <= s.startMinute;

export interface RosterCell {
  day: string;
  shift: (ShiftTimes & { id: string; name?: string }) | null;
}

/**
 * The pairs of one person's rostered days whose shift windows overlap (a night shift running
 * into the next morning's early shift). Rest days and unrostered days never overlap.
 */
export function rosterOverlaps(cells: readonly RosterCell[]): [string, string][] {
  const worked = cells
    .filter((c): c is RosterCell & { shift: NonNullable<RosterCell['shift']> } => c.shift !== null)
    .map((c) => ({ day: c.day, w: shiftWindow(c.day, c.shift) }))
    .sort((a, b) => a.w.start.getTime() - b.w.start.getTime());
  const out: [string, string][] = [];
  for (let i = 0; i < worked.length; i++) {
    for (let j = i + 1; j < worked.length; j++) {
      if (worked[j].w.start.getTime() >= worked[i].w.end.getTime()) break;
      out.push([worked[i].day, worked[j].day]);
    }
  }
  return out;
}

/** The rostered shift a clock at `at` belongs to, from the person's roster on the day before and the day. */
export function shiftAt(
  at: Date,
  cells: readonly RosterCell[],
  opensMin = CLOCK_IN_OPENS_MIN,
): { day: string; shiftId: string; window: Window } | null {
  const t = at.getTime();
  const candidates = cells
    .filter((c): c is RosterCell & { shift: NonNullable<RosterCell['shift']> } => c.shift !== null)
    .map((c) => ({ day: c.day, shiftId: c.shift.id, window: shiftWindow(c.day, c.shift) }))
    .filter((c) => t >= c.window.start.getTime() - opensMin * MINUTE && t < c.window.end.getTime());
  // Of two candidates (yesterday's night shift still running, today's early one opening), the
  // running one wins; of two not started yet, the sooner.
  const running = candidates.find((c) => t >= c.window.start.getTime());
  const best =
    running ?? candidates.sort((a, b) => a.window.start.getTime() - b.window.start.getTime())[0] ?? null;
  return best;
}

/** Lateness of a clock-in: after the start plus the grace. */
export function isLate(at: Date, w: Window, graceMin = LATE_GRACE_MIN): boolean {
  return at.getTime() > w.start.getTime() + graceMin * MINUTE;
}

/** An early leave: a clock-out before the end (less the grace). */
export function isEarlyLeave(at: Date, w: Window, graceMin = EARLY_GRACE_MIN): boolean {
  return at.getTime() < w.end.getTime() - graceMin * MINUTE;
}

export type AttendanceStatus =
  | 'normal'
  | 'late'
  | 'early_leave'
  | 'late_early'
  | 'absent'
  | 'no_shift'
  | 'rest'
  | 'pending'
  | 'on_duty'
  | 'missing_clock_out';

/** What a day's record amounts to, at `now`. */
export function attendanceStatus(
  r: {
    rostered: boolean;
    shiftWindow: Window | null;
    clockInAt: Date | null;
    clockOutAt: Date | null;
    late: boolean;
    earlyLeave: boolean;
    noShift: boolean;
  },
  now: Date,
): AttendanceStatus {
  if (r.noShift) return 'no_shift';
  if (!r.shiftWindow) return 'rest';
  const { start, end } = r.shiftWindow;
  if (!r.clockInAt) return now.getTime() >= end.getTime() ? 'absent' : now < start ? 'pending' : 'late';
  if (!r.clockOutAt) return now.getTime() >= end.getTime() ? 'missing_clock_out' : 'on_duty';
  if (r.late && r.earlyLeave) return 'late_early';
  if (r.late) return 'late';
  if (r.earlyLeave) return 'early_leave';
  return 'normal';
}

export interface GridShape {
  id: string;
  geometry: Polygon | MultiPolygon;
}

/** Metres from a point to a polygon's boundary (0 inside), in a local plane around the point. */
export function distanceToPolygonM(lng: number, lat: number, g: Polygon | MultiPolygon): number {
  if (pointInPolygon(lng, lat, g)) return 0;
  const kx = 111_320 * Math.cos((lat * Math.PI) / 180);
  const ky = 110_540;
  const rings: Position[][] = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  let best = Number.POSITIVE_INFINITY;
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const ax = (ring[i][0] - lng) * kx;
      const ay = (ring[i][1] - lat) * ky;
      const bx = (ring[i + 1][0] - lng) * kx;
      const by = (ring[i + 1][1] - lat) * ky;
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
      best = Math.min(best, Math.hypot(ax + u * dx, ay + u * dy));
    }
  }
  return best;
}

/** Whether a position is in the responsibility area: inside one of the grids, or within the tolerance of one. */
export function areaCheck(
  lng: number,
  lat: number,
  grids: readonly GridShape[],
  toleranceM = AREA_TOLERANCE_M,
): { inside: boolean; gridId: string | null; distanceM: number | null } {
  let nearest: { id: string; d: number } | null = null;
  for (const g of grids) {
    const d = distanceToPolygonM(lng, lat, g.geometry);
    if (!nearest || d < nearest.d) nearest = { id: g.id, d };
    if (d === 0) break;
  }
  if (!nearest) return { inside: false, gridId: null, distanceM: null };
  return { inside: nearest.d <= toleranceM, gridId: nearest.id, distanceM: Math.round(nearest.d) };
}

export interface TrackPoint {
  time: Date;
  lat: number;
  lng: number;
}

/**
 * Patrol coverage: which of the grids the track passed through. Each fix counts, and so do points
 * sampled every SAMPLE_STEP_M along the straight line between two consecutive fixes less than
 * TRACK_GAP_MS apart (a patrol walking through a small grid between two fixes still covers it).
 */
export function coverage(
  grids: readonly GridShape[],
  track: readonly TrackPoint[],
  opts: { gapMs?: number; stepM?: number } = {},
): { covered: string[]; total: number; ratio: number } {
  const gapMs = opts.gapMs ?? TRACK_GAP_MS;
  const stepM = opts.stepM ?? SAMPLE_STEP_M;
  const left = new Map(grids.map((g) => [g.id, g.geometry]));
  const covered: string[] = [];
  const visit = (lng: number, lat: number) => {
    for (const [id, geom] of left) {
      if (pointInPolygon(lng, lat, geom)) {
        covered.push(id);
        left.delete(id);
      }
    }
  };
  const sorted = [...track].sort((a, b) => a.time.getTime() - b.time.getTime());
  for (let i = 0; i < sorted.length && left.size > 0; i++) {
    const p = sorted[i];
    visit(p.lng, p.lat);
    const q = sorted[i + 1];
    if (!q || q.time.getTime() - p.time.getTime() > gapMs) continue;
    const d = haversineM(p.lng, p.lat, q.lng, q.lat);
    const n = Math.min(500, Math.floor(d / stepM));
    for (let k = 1; k <= n && left.size > 0; k++) {
      const f = k / (n + 1);
      visit(p.lng + (q.lng - p.lng) * f, p.lat + (q.lat - p.lat) * f);
    }
  }
  const total = grids.length;
  return { covered: covered.sort(), total, ratio: total === 0 ? 0 : covered.length / total };
}
