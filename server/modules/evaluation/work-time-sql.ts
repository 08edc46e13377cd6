/**
 * Working time in SQL: the city's working calendar (common/calendar) rendered as a small table of
 * China days — each day's working milliseconds before it, and whether it works — and its working
 * windows, so that the working time between two instants is W(b) − W(a) in one expression, for
 * every row of a query at once (no per-case loop in JavaScript). The table covers the days the
 * caller names (an evaluation's period and the year before it); instants outside are clamped to
 * its ends.
 */
import { type SQL, sql } from 'drizzle-orm';
import {
  CHINA_OFFSET_MS,
  chinaDayNumber,
  DAY_MS,
  dayNumberToDate,
  parseClock,
  type WorkCalendar,
} from '../../../common/calendar/index.ts';

export interface WorkTimeSql {
  /** The CTEs `wt_day(day, cum, working)` and `wt_win(s, e)` to put in a WITH. */
  ctes: SQL;
  /** Working milliseconds from the table's first day up to the instant `ts`. */
  workMs(ts: SQL): SQL;
}

export function workTimeSql(calendar: WorkCalendar, from: Date, to: Date): WorkTimeSql {
  const first = chinaDayNumber(from);
  const last = chinaDayNumber(to) + 1;
  const days: number[] = [];
  const cums: number[] = [];
  const working: boolean[] = [];
  let cum = 0;
  for (let d = first; d <= last; d++) {
    const works = calendar.isWorkingDate(dayNumberToDate(d));
    days.push(d);
    cums.push(cum);
    working.push(works);
    if (works) cum += calendar.workDayMs;
  }
  const windows = calendar.toData().windows;
  const starts = windows.map((w) => parseClock(w.start));
  const ends = windows.map((w) => parseClock(w.end));
  const ctes = sql`wt_day AS (
      SELECT * FROM unnest(${`{${days.join(',')}}`}::int[], ${`{${cums.join(',')}}`}::bigint[],
        ${`{${working.join(',')}}`}::boolean[]) AS t(day, cum, working)
    ), wt_win AS (
      SELECT * FROM unnest(${`{${starts.join(',')}}`}::bigint[], ${`{${ends.join(',')}}`}::bigint[]) AS t(s, e)
    )`;
  const workMs = (ts: SQL) => sql`(
    SELECT d.cum + CASE WHEN d.working THEN (
        SELECT coalesce(sum(greatest(0, least(x.off, w.e) - w.s)), 0) FROM wt_win w) ELSE 0 END
    FROM (SELECT least(greatest(x0.ms, ${first}::bigint * ${DAY_MS}), (${last}::bigint + 1) * ${DAY_MS} - 1) AS ms
          FROM (SELECT (extract(epoch FROM ${ts}) * 1000)::bigint + ${CHINA_OFFSET_MS} AS ms) x0) x1
    CROSS JOIN LATERAL (SELECT x1.ms - (x1.ms / ${DAY_MS}) * ${DAY_MS} AS off, x1.ms / ${DAY_MS} AS day) x
    JOIN wt_day d ON d.day = x.day)`;
  return { ctes, workMs };
}
