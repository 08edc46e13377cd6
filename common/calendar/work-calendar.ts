/**
 * Working-time calendar (工作时 / 工作日 / 紧急工作时 / 自然日), pure and data-driven.
 *
 * A {@link WorkCalendar} is built from {@link WorkCalendarData} (what the database stores and an
 * administrator edits): working windows, holiday dates, make-up working dates (调休上班) and the
 * weekdays that work by default. Every rule is evaluated in China time (UTC+8, no DST) on UTC
 * instants shifted by +8 h, never in the process's local zone.
 *
 * Internally time is counted in integer milliseconds: amounts are converted once
 * (`Math.round(amount × unit length)`), so `elapsed(start, addTime(start, x))` returns `x`
 * up to the millisecond.
 */

// 紧急工作时 · 工作时 · 工作日 · 自然日: the one list lives in common/ (the web asks for them too).
import { TIME_UNITS, type TimeUnit } from '../time-units.ts';
import {
  chinaMs,
  DAY_MS,
  dateToDayNumber,
  dayNumberToDate,
  formatClock,
  fromChinaMs,
  HOUR_MS,
  parseClock,
  weekdayOfDayNumber,
} from './china-time.ts';

export { TIME_UNITS, type TimeUnit };

/** A working window in China wall-clock time, `HH:MM` (end exclusive; `24:00` allowed). */
export interface WorkWindow {
  start: string;
  end: string;
}

/** What is stored and edited: plain JSON. */
export interface WorkCalendarData {
  /** Working windows of a working day, sorted and non-overlapping. */
  windows: WorkWindow[];
  /** Non-working dates (`YYYY-MM-DD`, China time), e.g. official holidays. */
  holidays: string[];
  /** Make-up working dates (调休上班), working even if their weekday is not. */
  workdays: string[];
  /** Weekdays (0 = Sunday … 6 = Saturday) that work when a date is in neither set. */
  workingWeekdays: number[];
}

export const DEFAULT_WINDOWS: readonly WorkWindow[] = Object.freeze([
  { start: '08:00', end: '12:00' },
  { start: '14:00', end: '18:00' },
]);
export const DEFAULT_WORKING_WEEKDAYS: readonly number[] = Object.freeze([1, 2, 3, 4, 5]);

/** Default calendar: 08:00–12:00, 14:00–18:00, Mon–Fri, no holidays. */
export function defaultCalendarData(): WorkCalendarData {
  return {
    windows: DEFAULT_WINDOWS.map((w) => ({ ...w })),
    holidays: [],
    workdays: [],
    workingWeekdays: [...DEFAULT_WORKING_WEEKDAYS],
  };
}

export type DayKind = 'holiday' | 'workday' | 'default_working' | 'default_rest';

/** Edit one date of calendar data (pure): mark it a holiday, a make-up workday, or back to the default rule. */
export function setDateKind(
  data: WorkCalendarData,
  date: string,
  kind: 'holiday' | 'workday' | 'default',
): WorkCalendarData {
  dateToDayNumber(date);
  const holidays = data.holidays.filter((d) => d !== date);
  const workdays = data.workdays.filter((d) => d !== date);
  if (kind === 'holiday') holidays.push(date);
  if (kind === 'workday') workdays.push(date);
  holidays.sort();
  workdays.sort();
  return { ...data, holidays, workdays };
}

/** A paused interval (e.g. a parked case); an open pause (`to` undefined) lasts until "now". */
export interface Pause {
  from: Date;
  to?: Date | null;
}

export type Light = 'green' | 'yellow' | 'red';

export interface LightOptions {
  /** How the limit is measured; work units count only working time. Default `work_hour`. */
  unit?: TimeUnit;
  /** Paused intervals that do not count as used time. */
  pauses?: readonly Pause[];
}

/** Consecutive days without any working time after which a search gives up (misconfiguration). */
const MAX_IDLE_DAYS = 3660;

function isWorkUnit(unit: TimeUnit): boolean {
  return unit === 'work_hour' || unit === 'work_day';
}

function assertDate(d: Date, name: string): number {
  const ms = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is not a valid Date`);
  return ms;
}

function assertUnit(unit: TimeUnit): void {
  if (!TIME_UNITS.includes(unit)) throw new RangeError(`unknown time unit: ${String(unit)}`);
}

export class WorkCalendar {
  /** Windows as [start, end) milliseconds since China midnight. */
  private readonly win: ReadonlyArray<readonly [number, number]>;
  private readonly holidaySet: ReadonlySet<number>;
  private readonly workdaySet: ReadonlySet<number>;
  private readonly weekdayWorks: readonly boolean[];
  /** Working milliseconds in one working day (8 h by default): the length of a 工作日. */
  readonly workDayMs: number;

  constructor(data: WorkCalendarData = defaultCalendarData()) {
    if (!data.windows.length) throw new RangeError('a work calendar needs at least one working window');
    const win = data.windows.map((w) => [parseClock(w.start), parseClock(w.end)] as const);
    let prevEnd = 0;
    for (const [i, [s, e]] of win.entries()) {
      if (s >= e) throw new RangeError(`working window ${i} ends before it starts`);
      if (s < prevEnd) throw new RangeError(`working window ${i} overlaps or is out of order`);
      prevEnd = e;
    }
    this.win = win;
    this.workDayMs = win.reduce((sum, [s, e]) => sum + e - s, 0);
    this.holidaySet = new Set(data.holidays.map(dateToDayNumber));
    this.workdaySet = new Set(data.workdays.map(dateToDayNumber));
    for (const d of this.holidaySet) {
      if (this.workdaySet.has(d)) {
        throw new RangeError(`${dayNumberToDate(d)} is both a holiday and a make-up workday`);
      }
    }
    const weekdayWorks = [false, false, false, false, false, false, false];
    for (const wd of data.workingWeekdays) {
      if (!Number.isInteger(wd) || wd < 0 || wd > 6) throw new RangeError(`invalid weekday: ${wd}`);
      weekdayWorks[wd] = true;
    }
    this.weekdayWorks = weekdayWorks;
  }

  /** The data this calendar was built from, normalised (sorted, deduplicated). */
  toData(): WorkCalendarData {
    return {
      windows: this.win.map(([s, e]) => ({ start: formatClock(s), end: formatClock(e) })),
      holidays: [...this.holidaySet].sort((a, b) => a - b).map(dayNumberToDate),
      workdays: [...this.workdaySet].sort((a, b) => a - b).map(dayNumberToDate),
      workingWeekdays: this.weekdayWorks.flatMap((w, i) => (w ? [i] : [])),
    };
  }

  /** Why a date works or not. */
  dayKind(date: string): DayKind {
    return this.kindOfDay(dateToDayNumber(date));
  }

  /** Whether a `YYYY-MM-DD` (China time) is a working day. */
  isWorkingDate(date: string): boolean {
    return this.isWorkingDay(dateToDayNumber(date));
  }

  /** Whether an instant lies inside a working window of a working day. */
  isWorkingTime(instant: Date): boolean {
    const t = chinaMs(assertDate(instant, 'instant'));
    const day = Math.floor(t / DAY_MS);
    if (!this.isWorkingDay(day)) return false;
    const off = t - day * DAY_MS;
    return this.win.some(([s, e]) => off >= s && off < e);
  }

  /** The instant itself if it is working time, else the next window opening. */
  nextWorkingTime(instant: Date): Date {
    const t = chinaMs(assertDate(instant, 'instant'));
    return fromChinaMs(this.skipToWork(t));
  }

  /**
   * `start + amount` in `unit`.
   * - `urgent_hour`: continuous hours; `natural_day`: continuous 24 h days.
   * - `work_hour`: working time only; a start outside a window starts at the next opening.
   * - `work_day`: `amount × workDayMs` of working time (8 work hours by default).
   * A zero amount returns `start` unchanged. Amounts may be fractional; negative amounts throw.
   */
  addTime(start: Date, amount: number, unit: TimeUnit): Date {
    const s = assertDate(start, 'start');
    assertUnit(unit);
    if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`invalid amount: ${amount}`);
    const ms = Math.round(amount * this.unitMs(unit));
    if (!isWorkUnit(unit)) return new Date(s + ms);
    return fromChinaMs(this.addWorkMs(chinaMs(s), ms));
  }

  /**
   * How much of `unit` passes between two instants (signed: negative when `to < from`).
   * Work units count only working time. Paused intervals are not counted.
   */
  elapsedWorkTime(from: Date, to: Date, unit: TimeUnit, pauses: readonly Pause[] = []): number {
    assertUnit(unit);
    const a = assertDate(from, 'from');
    const b = assertDate(to, 'to');
    if (b < a) return -this.elapsedWorkTime(to, from, unit, pauses);
    return this.measureMs(a, b, isWorkUnit(unit), pauses) / this.unitMs(unit);
  }

  /** Share (0…, may exceed 1) of the limit [start, due] used at `now`. */
  usedShare(start: Date, due: Date, now: Date, opts: LightOptions = {}): number {
    const unit = opts.unit ?? 'work_hour';
    assertUnit(unit);
    const s = assertDate(start, 'start');
    const d = assertDate(due, 'due');
    const n = assertDate(now, 'now');
    const work = isWorkUnit(unit);
    const pauses = opts.pauses ?? [];
    const total = d > s ? this.measureMs(s, d, work, pauses) : 0;
    const used = n > s ? this.measureMs(s, n, work, pauses) : 0;
    if (total <= 0) return n >= d ? 1 : 0;
    return used / total;
  }

  /**
   * Traffic light of a limit: red once `now` is past `due`, yellow once `warnShare` of the
   * limit is used, else green.
   */
  light(start: Date, due: Date, now: Date, warnShare = 0.8, opts: LightOptions = {}): Light {
    if (assertDate(now, 'now') > assertDate(due, 'due')) return 'red';
    return this.usedShare(start, due, now, opts) >= warnShare ? 'yellow' : 'green';
  }

  /**
   * The first instant at which `light(start, due, t, warnShare, { unit })` is yellow: the least
   * `t` with `usedShare ≥ warnShare` (to the millisecond). Stored beside a deadline, it lets a
   * database count and filter lights without the calendar. `null` when the light never turns
   * yellow (a share above 1: it goes from green straight to red after `due`).
   */
  warnAt(start: Date, due: Date, warnShare = 0.8, unit: TimeUnit = 'work_hour'): Date | null {
    const s = assertDate(start, 'start');
    const d = assertDate(due, 'due');
    assertUnit(unit);
    if (!(warnShare <= 1)) return null;
    if (warnShare <= 0) return new Date(s);
    const total = d > s ? this.measureMs(s, d, isWorkUnit(unit), []) : 0;
    if (total <= 0) return new Date(d);
    // usedShare is monotone in t and reaches 1 at `due`: bisect on whole milliseconds.
    let lo = s;
    let hi = d;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.usedShare(start, due, new Date(mid), { unit }) >= warnShare) hi = mid;
      else lo = mid + 1;
    }
    return new Date(lo);
  }

  /**
   * New due time after a pause (a parked case): the clock stops at `pausedAt` and restarts at
   * `resumedAt` with the remaining time carried over. A limit already expired when paused keeps
   * its due time (a pause forgives nothing).
   */
  dueAfterPause(due: Date, pausedAt: Date, resumedAt: Date, unit: TimeUnit): Date {
    assertUnit(unit);
    const d = assertDate(due, 'due');
    const p = assertDate(pausedAt, 'pausedAt');
    const r = assertDate(resumedAt, 'resumedAt');
    if (r < p) throw new RangeError('resumedAt is before pausedAt');
    if (p >= d) return new Date(d);
    if (!isWorkUnit(unit)) return new Date(r + (d - p));
    const remaining = this.workMsBetween(chinaMs(p), chinaMs(d));
    // No working time was left: the old due still holds unless the pause outlasted it.
    if (remaining === 0) return new Date(Math.max(d, r));
    return fromChinaMs(this.addWorkMs(chinaMs(r), remaining));
  }

  /** Remaining time of a limit at `now` in `unit` (negative once overdue). */
  remaining(now: Date, due: Date, unit: TimeUnit): number {
    return this.elapsedWorkTime(now, due, unit);
  }

  // ---- internals (China milliseconds) ----

  private unitMs(unit: TimeUnit): number {
    switch (unit) {
      case 'urgent_hour':
      case 'work_hour':
        return HOUR_MS;
      case 'work_day':
        return this.workDayMs;
      case 'natural_day':
        return DAY_MS;
    }
  }

  private kindOfDay(day: number): DayKind {
    if (this.holidaySet.has(day)) return 'holiday';
    if (this.workdaySet.has(day)) return 'workday';
    return this.weekdayWorks[weekdayOfDayNumber(day)] ? 'default_working' : 'default_rest';
  }

  private isWorkingDay(day: number): boolean {
    const k = this.kindOfDay(day);
    return k === 'workday' || k === 'default_working';
  }

  private skipToWork(t: number): number {
    let day = Math.floor(t / DAY_MS);
    let cur = t;
    for (let idle = 0; idle <= MAX_IDLE_DAYS; idle++) {
      if (this.isWorkingDay(day)) {
        const base = day * DAY_MS;
        for (const [ws, we] of this.win) {
          if (cur < base + we) return Math.max(cur, base + ws);
        }
      }
      day++;
      cur = day * DAY_MS;
    }
    throw new RangeError('no working time found: check the calendar data');
  }

  /** China ms after adding `ms` of working time to China ms `t`. */
  private addWorkMs(t: number, ms: number): number {
    if (ms === 0) return t;
    let remaining = ms;
    let day = Math.floor(t / DAY_MS);
    let cur = t;
    let idle = 0;
    for (;;) {
      if (this.isWorkingDay(day)) {
        idle = 0;
        const base = day * DAY_MS;
        // Whole working day from its start: skip in one step.
        if (cur <= base + this.win[0][0] && remaining > this.workDayMs) {
          remaining -= this.workDayMs;
        } else {
          for (const [ws, we] of this.win) {
            const end = base + we;
            if (cur >= end) continue;
            const s = Math.max(cur, base + ws);
            const avail = end - s;
            if (remaining <= avail) return s + remaining;
            remaining -= avail;
            cur = end;
          }
        }
      } else if (++idle > MAX_IDLE_DAYS) {
        throw new RangeError('no working time found: check the calendar data');
      }
      day++;
      cur = day * DAY_MS;
    }
  }

  /** Working milliseconds in [a, b) (China ms, a <= b). */
  private workMsBetween(a: number, b: number): number {
    if (b <= a) return 0;
    let sum = 0;
    const lastDay = Math.floor((b - 1) / DAY_MS);
    for (let day = Math.floor(a / DAY_MS); day <= lastDay; day++) {
      if (!this.isWorkingDay(day)) continue;
      const base = day * DAY_MS;
      if (a <= base && b >= base + DAY_MS) {
        sum += this.workDayMs;
        continue;
      }
      for (const [ws, we] of this.win) {
        const s = Math.max(a, base + ws);
        const e = Math.min(b, base + we);
        if (e > s) sum += e - s;
      }
    }
    return sum;
  }

  /** Milliseconds counted in [a, b) (UTC ms, a <= b) minus paused intervals. */
  private measureMs(a: number, b: number, work: boolean, pauses: readonly Pause[]): number {
    const span = (x: number, y: number) => (work ? this.workMsBetween(chinaMs(x), chinaMs(y)) : y - x);
    let total = span(a, b);
    for (const [x, y] of mergePauses(pauses, a, b)) total -= span(x, y);
    return total;
  }
}

/** Pauses clipped to [a, b], sorted and merged (so overlaps are not subtracted twice). */
function mergePauses(pauses: readonly Pause[], a: number, b: number): Array<[number, number]> {
  const clipped: Array<[number, number]> = [];
  for (const p of pauses) {
    const x = Math.max(a, assertDate(p.from, 'pause.from'));
    const y = Math.min(b, p.to ? assertDate(p.to, 'pause.to') : b);
    if (y > x) clipped.push([x, y]);
  }
  clipped.sort((p, q) => p[0] - q[0]);
  const merged: Array<[number, number]> = [];
  for (const [x, y] of clipped) {
    const last = merged[merged.length - 1];
    if (last && x <= last[1]) last[1] = Math.max(last[1], y);
    else merged.push([x, y]);
  }
  return merged;
}
