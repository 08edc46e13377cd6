import type { ApiResponse } from '../../api/types';

export type Member = ApiResponse<'/api/teams/members', 'get'>['items'][number];
export type Candidate = ApiResponse<'/api/teams/candidates', 'get'>['items'][number];
export type Shift = ApiResponse<'/api/teams/shifts', 'get'>['items'][number];
export type Template = ApiResponse<'/api/teams/templates', 'get'>['items'][number];
export type Week = ApiResponse<'/api/teams/roster', 'get'>;
export type Cell = Week['cells'][number];
export type Attendance = ApiResponse<'/api/teams/attendance', 'get'>['items'][number];
export type Coverage = ApiResponse<'/api/teams/coverage', 'get'>['items'][number];
export type Nearest = ApiResponse<'/api/teams/nearest', 'get'>['items'][number];

export const teamsKey = ['teams'] as const;
export const POSTS = ['inspector', 'officer', 'sanitation', 'gardener', 'other'] as const;

export const STATUS_COLOUR: Record<string, string> = {
  normal: 'green',
  on_duty: 'blue',
  late: 'orange',
  early_leave: 'orange',
  late_early: 'red',
  absent: 'red',
  no_shift: 'purple',
  rest: 'default',
  pending: 'default',
  missing_clock_out: 'gold',
};

const DAY_MS = 86_400_000;
/** The day n days after a YYYY-MM-DD day. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}
/** The Monday of a day's week. */
export function mondayOf(day: string): string {
  const w = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, w === 0 ? -6 : 1 - w);
}
