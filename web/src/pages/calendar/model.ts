/** Calendar page data and China-time helpers (dates are China dates whatever the browser's zone). */

import { TIME_UNITS, type TimeUnit } from '../../../../common/time-units.ts';
import type { ApiResponse } from '../../api/types';
import { chinaYear, formatChina as formatChinaTime } from '../../components/china-time';

/** The current year in China. */
export { chinaYear };

// The contract's types (generated from the server's OpenAPI document) under the page's names.
export type DaysResult = ApiResponse<'/api/calendar/days', 'get'>;
export type CalendarDay = DaysResult['days'][number];
export type WorkWindow = DaysResult['windows'][number];
export type ExceptionKind = CalendarDay['kind'];
export type DayChoice = ExceptionKind | 'default';
export { TIME_UNITS, type TimeUnit };

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
