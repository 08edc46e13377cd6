/**
 * The one query behind every figure and its drill-down: `factRows` selects an indicator's rows for
 * a subject type and period — each with its subject, whether it is in the denominator and in the
 * numerator, and its value — from the indicator's definition (indicators.ts); `drill` lists the
 * rows of one subject and part. `sourceFigures` counts the same definitions per subject, every
 * indicator of a source in one pass (the property test compares figures with drill-downs).
 *
 * The rows come from the evaluation's facts (tables.ts `evaluationFact`), which the database keeps
 * from the case loop's tables and the call-backs' satisfactions (migration 0031); only the average
 * handling time still reads `case_stage` (working hours depend on the calendar of the day).
 */
import { type SQL, sql } from 'drizzle-orm';
import type { WorkCalendar } from '../../../common/calendar/index.ts';
import type { Db } from '../../platform/db.ts';
import {
  type Indicator,
  type Period,
  POST_TYPES,
  type PostType,
  REGION_COLUMN,
  type RegionType,
  SOURCES,
  type SubjectType,
} from './indicators.ts';
import { workTimeSql } from './work-time-sql.ts';

async function rowsOf<T>(db: Db, q: SQL): Promise<T[]> {
  const res = await db.execute(q);
  return (res as unknown as { rows: T[] }).rows;
}

/** Working time is measured over the period and the year before it (older instants are clamped). */
const WORK_TIME_LOOKBACK_MS = 400 * 86_400_000;

export const isPost = (t: SubjectType): t is PostType => (POST_TYPES as readonly string[]).includes(t);

function subjectExpr(type: SubjectType): SQL {
  if (type === 'unit') return sql.raw('f.unit_id::text');
  if (isPost(type)) return sql.raw('f.actor');
  return sql.raw(REGION_COLUMN[type as RegionType]);
}

/**
 * The alias `c` the predicates read: the case as its fact row holds it (the row carries the case's
 * regions and the facts the indicators need), so no source joins the case table.
 */
const CASE_OF_FACT = sql.raw(`CROSS JOIN LATERAL (SELECT f.case_id AS id, f.district_code, f.township_code,
  f.community_code, f.grid_id, f.state, f.channel, f.filed_at, f.rework_count, f.ever_parked,
  f.verified_true, f.dispose_late, f.dispose_open_due, f.matter_code) c`);

export interface FactQuery {
  indicator: Indicator;
  subjectType: SubjectType;
  period: Period;
  /** The caller's scope over the cases (`c.district_code`, policy.ts); undefined: every case. */
  scope: SQL | undefined;
  calendar: WorkCalendar;
}

/**
 * The CTE `facts(case_id, at, item, subject, den, num, value, matter_code)` of an indicator (the
 * matter type for decision support's grouping, and for a scope that names a family).
 */
export function factRows(q: FactQuery): SQL {
  const { indicator: ind } = q;
  const wt = workTimeSql(q.calendar, new Date(q.period.from.getTime() - WORK_TIME_LOOKBACK_MS), q.period.to);
  const source = SOURCES[ind.source].rows(q.period, wt.workMs);
  const num = ind.numerator ?? ind.denominator;
  const value = ind.value ?? sql`NULL::double precision`;
  const scope = q.scope ? sql`AND ${q.scope}` : sql``;
  return sql`WITH facts AS (
    SELECT f.case_id, f.at, f.item, ${subjectExpr(q.subjectType)} AS subject,
      coalesce((${ind.denominator}), false) AS den,
      coalesce((${ind.denominator}) AND (${num}), false) AS num,
      (${value})::double precision AS value, c.matter_code
    FROM (${source}) f ${CASE_OF_FACT}
    WHERE true ${scope}
  )`;
}

export interface FigureRow {
  subject: string;
  numerator: number;
  denominator: number;
  /** Sum of the values of the denominator's rows (averages). */
  total: number | null;
}

/**
 * The figures of several indicators of ONE source in one pass: the source's rows are selected and
 * joined to their cases once, each indicator's denominator, numerator and value are columns of
 * that pass, and one GROUP BY counts them per subject. The same definitions as `factRows` (a
 * figure still counts exactly what its drill-down lists — indicators.test.ts compares the two);
 * what it saves is the source's scan and per-case look-ups being repeated per indicator (the
 * `filed` source has six indicators, `dispatched` four).
 */
export async function sourceFigures(
  db: Db,
  q: Omit<FactQuery, 'indicator'> & {
    indicators: readonly Indicator[];
    /** A further condition on the rows (sums.ts: only those of a running disposal stage). */
    only?: SQL;
  },
): Promise<Map<string, FigureRow[]>> {
  const inds = q.indicators;
  const out = new Map<string, FigureRow[]>(inds.map((i) => [i.key, []]));
  if (!inds.length) return out;
  const source = inds[0].source;
  if (inds.some((i) => i.source !== source)) throw new Error('sourceFigures: indicators of one source only');
  const wt = workTimeSql(q.calendar, new Date(q.period.from.getTime() - WORK_TIME_LOOKBACK_MS), q.period.to);
  const rowsSql = SOURCES[source].rows(q.period, wt.workMs);
  const scope = q.scope ? sql`AND ${q.scope}` : sql``;
  const only = q.only ? sql`AND ${q.only}` : sql``;
  const cols = sql.join(
    inds.map((ind, k) => {
      const num = ind.numerator ?? ind.denominator;
      const value = ind.value ?? sql`NULL::double precision`;
      return sql`coalesce((${ind.denominator}), false) AS ${sql.raw(`d${k}`)},
        coalesce((${ind.denominator}) AND (${num}), false) AS ${sql.raw(`n${k}`)},
        (${value})::double precision AS ${sql.raw(`v${k}`)}`;
    }),
    sql`, `,
  );
  const aggs = sql.join(
    inds.map((_, k) =>
      sql.raw(`count(*) FILTER (WHERE n${k})::int AS n${k}, count(*) FILTER (WHERE d${k})::int AS d${k},
        sum(v${k}) FILTER (WHERE d${k}) AS t${k}`),
    ),
    sql`, `,
  );
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`WITH facts AS (
      SELECT ${subjectExpr(q.subjectType)} AS subject, ${cols}
      FROM (${rowsSql}) f ${CASE_OF_FACT}
      WHERE true ${scope} ${only}
    )
    SELECT subject, ${aggs} FROM facts WHERE subject IS NOT NULL GROUP BY subject ORDER BY subject`,
  );
  for (const r of rows) {
    inds.forEach((ind, k) => {
      const den = Number(r[`d${k}`]);
      if (den === 0) return;
      const total = r[`t${k}`];
      out.get(ind.key)!.push({
        subject: String(r.subject),
        numerator: Number(r[`n${k}`]),
        denominator: den,
        total: total === null || total === undefined ? null : Number(total),
      });
    });
  }
  return out;
}

export interface DrillRow {
  caseId: string;
  item: string;
  at: Date;
  value: number | null;
}

export type DrillPart = 'numerator' | 'denominator' | 'unmet';

/** The rows of one subject's numerator, denominator or unmet rows, oldest first, paged. */
export async function drill(
  db: Db,
  q: FactQuery & { subject: string; part: DrillPart; page: number; pageSize: number },
): Promise<{ total: number; rows: DrillRow[] }> {
  // `unmet`: due but not met (a rate's denominator less its numerator: the overdue of an on-time rate).
  const part = q.part === 'numerator' ? sql`num` : q.part === 'unmet' ? sql`(den AND NOT num)` : sql`den`;
  const rows = await rowsOf<{
    case_id: string;
    item: string;
    at: Date | string;
    value: number | null;
    total: number;
  }>(
    db,
    sql`${factRows(q)}
    SELECT case_id, item, at, value, count(*) OVER ()::int AS total FROM facts
    WHERE subject = ${q.subject} AND ${part}
    ORDER BY at, item LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
  );
  let total = rows[0] ? Number(rows[0].total) : 0;
  if (!rows.length && q.page > 1) {
    const [c] = await rowsOf<{ n: number }>(
      db,
      sql`${factRows(q)} SELECT count(*)::int AS n FROM facts WHERE subject = ${q.subject} AND ${part}`,
    );
    total = Number(c.n);
  }
  return {
    total,
    rows: rows.map((r) => ({
      caseId: r.case_id,
      item: r.item,
      at: r.at instanceof Date ? r.at : new Date(r.at),
      value: r.value === null ? null : Number(r.value),
    })),
  };
}
