/** Calendar page data and China-time helpers (dates are China dates whatever the browser's zone). */

export type ExceptionKind = 'holiday' | 'workday';
export type DayChoice = ExceptionKind | 'default';
export const TIME_UNITS = ['urgent_hour', 'work_hour', 'work_day', 'natural_day'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export interface CalendarDay {
  date: string;
  kind: ExceptionKind;
  name: string | null;
  source: string;
  updatedBy: string | null;
  updatedAt: string;
}

export interface WorkWindow {
  start: string;
  end: string;
}

export interface DaysResult {
  year: number;
  days: CalendarDay[];
  windows: WorkWindow[];
  windowsVersion: number;
  workingWeekdays: number[];
  officialYears: { first: number; last: number };
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM-DD` of year/month (1-based)/day, computed without the browser's zone. */
export function isoDate(year: number, month: number, day: number): string {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.toISOString().slice(0, 10);
}

export function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** Weekday (0 = Sunday) of a date. */
export function weekday(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCDay();
}

/** The current year in China. */
export function chinaYear(): number {
  return new Date(Date.now() + CHINA_OFFSET_MS).getUTCFullYear();
}

/** `YYYY-MM-DD HH:mm` in China time of an ISO instant. */
export function formatChina(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const s = new Date(ms + CHINA_OFFSET_MS).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
}

/** A China wall-clock `YYYY-MM-DD HH:mm` as an ISO 8601 instant with its +08:00 offset. */
export function chinaIso(wallClock: string): string {
  return `${wallClock.replace(' ', 'T')}:00+08:00`;
}
