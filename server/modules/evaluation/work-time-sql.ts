/**
 * Working time in SQL: the city's working calendar (common/calendar) rendered as two arrays over
 * China days — each day's working milliseconds before it, and whether it works — and its working
 * windows, so that the working time between two instants is W(b) − W(a) in one expression, for
 * every row of a query at once (no per-case loop in JavaScript). The arrays cover the days the
 * caller names (an evaluation's period and the year before it); instants outside are clamped to
 * their ends.
 *
 * W(ts) is a plain per-row expression: the day's entry is read by subscript (O(1) on an array
 * without nulls) and the day's windows are summed inline. An earlier form joined a CTE of the days
 * for each instant — a scan of some 430 rows per instant, which made the average handling time of
 * a month of a big city take minutes (bench/results/evaluation.md).
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
  /** Working milliseconds from the arrays' first day up to the instant `ts`. */
  workMs(ts: SQL): SQL;
}

export function workTimeSql(calendar: WorkCalendar, from: Date, to: Date): WorkTimeSql {
  const first = chinaDayNumber(from);
  const last = chinaDayNumber(to) + 1;
  const cums: number[] = [];
  const working: boolean[] = [];
  let cum = 0;
  for (let d = first; d <= last; d++) {
    const works = calendar.isWorkingDate(dayNumberToDate(d));
    cums.push(cum);
    working.push(works);
    if (works) cum += calendar.workDayMs;
  }
  const windows = calendar.toData().windows.map((w) => ({ s: parseClock(w.start), e: parseClock(w.end) }));
  const cumArr = `{${cums.join(',')}}`;
  const workArr = `{${working.join(',')}}`;
  // Plain expressions only, no scalar subquery: a subquery per instant is a sub-plan executed per
  // row, and at 1,000,000 cases the average handling time of a month (two instants per disposal
  // stage) spent 2.2 s of a 2.5 s figures page in them (session 26). `ms` — the instant as China
  // wall-clock milliseconds, clamped to the arrays' days — is written out where it is used.
  const workMs = (ts: SQL) => {
    const ms = sql`least(greatest((date_part('epoch', ${ts}) * 1000)::bigint + ${CHINA_OFFSET_MS}::bigint,
      ${first}::bigint * ${DAY_MS}), (${last}::bigint + 1) * ${DAY_MS} - 1)`;
    const idx = sql`((${ms}) / ${DAY_MS} - ${first} + 1)::int`;
    const off = sql`((${ms}) % ${DAY_MS})`;
    // The working milliseconds of a working day up to its time of day `off`.
    const inDay = windows.length
      ? sql.join(
          windows.map((w) => sql`greatest(0, least(${off}, ${w.e}::bigint) - ${w.s}::bigint)`),
          sql` + `,
        )
      : sql`0`;
    return sql`((${cumArr}::bigint[])[${idx}]
      + CASE WHEN (${workArr}::boolean[])[${idx}] THEN ${inDay} ELSE 0 END)`;
  };
  return { workMs };
}
