/** Calendar page data and China-time helpers (dates are China dates whatever the browser's zone). */

import { chinaYear, formatChina as formatChinaTime } from '../../components/china-time';

/** The current year in China. */
export { chinaYear };

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

/** `YYYY-MM-DD HH:mm` in China time of an ISO instant. */
export function formatChina(iso: string): string {
  return formatChinaTime(iso, 'YYYY-MM-DD HH:mm');
}
