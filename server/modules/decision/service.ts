/**
 * Decision support (决策辅助, issue 11 item 5): what the case record says to the city's leaders —
 * trends per matter-type family and region with the same bucket a year earlier, hotspots (grids
 * and components with repeated problems) and recurrence after closing, the units and types that
 * drive overdue disposal, and a heat map. Every figure is one GROUP BY in SQL over the case table
 * (read through cases' `evaluationReads`), never a loop over cases in JavaScript; the overdue
 * drivers group the evaluation's own rows (`factRows` of its indicators), so "overdue" and "on time"
 * mean here exactly what they mean in the evaluation.
 *
 * Which cases count: trends, hotspots and the heat map count cases by when they were reported
 * (`created_at`, China time), less cases merged into another (a duplicate is the same problem,
 * counted once in the case it joined). The overdue drivers count what the evaluation's disposal
 * indicators count: cases dispatched in the period.
 */
import { and, getTableName, inArray, type SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { periodOfDates } from '../../platform/period.ts';
import { getCalendar } from '../calendar/index.ts';
import { evaluationReads as caseTables } from '../cases/index.ts';
import { referenceCatalogue, typesOfKind } from '../catalog/index.ts';
import { type FactQuery, factRows, INDICATORS } from '../evaluation/index.ts';
import { divisionNames, isDistrictCode } from '../geo/index.ts';
import { orgRelation } from '../org/index.ts';
import { decisionRead, requireDecisionRead, requireDistrictInScope } from './policy.ts';
import type { HeatQueryT, HotspotQueryT, OverdueQueryT, TrendQueryT } from './schemas.ts';

/** A half-open period [from, to) of instants, as the evaluation's queries take it. */
type Period = FactQuery['period'];

const CASE = sql.raw(getTableName(caseTables.caseFile));
const CHINA_TZ = sql.raw(`'Asia/Shanghai'`);

export const MAX_PERIOD_DAYS = 400;
export const DEFAULT_THRESHOLD = 3;
export const DEFAULT_RECURRENCE_DAYS = 30;
const LIST_LIMIT = 200;
const HEAT_CELL_LIMIT = 5000;

async function rowsOf<T>(db: Db, q: SQL): Promise<T[]> {
  const res = await db.execute(q);
  return (res as unknown as { rows: T[] }).rows;
}

function invalid(field: string, zh: string, en: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { zh, en, details: [{ field: `querystring.${field}`, message }] });
}

function periodOf(from: string, to: string): Period {
  return periodOfDates(from, to, MAX_PERIOD_DAYS);
}

/** The families: the catalogue's matter majors and 99, the city's local types. */
function familyNames(): Map<string, string> {
  const m = new Map(referenceCatalogue().matterMajors.map((x) => [x.code, x.name]));
  m.set('99', '本地扩展');
  return m;
}

interface Filters {
  period: Period;
  /** Scope, district and family over the case `c` (no period). */
  where: SQL;
}

/**
 * The caller's cases of the query: its scope (policy.ts), and the district and family asked for,
 * each checked — an unknown code is 400 naming the field, another district's is 404.
 */
async function filtersOf(
  db: Db,
  ctx: RequestContext,
  q: { from: string; to: string; districtCode?: string; family?: string },
): Promise<Filters> {
  requireDecisionRead(ctx.actor);
  const period = periodOf(q.from, q.to);
  const conds: (SQL | undefined)[] = [decisionRead.filter(ctx.actor)];
  if (q.districtCode !== undefined) {
    const known =
      isDistrictCode(q.districtCode) && (await divisionNames(db, [q.districtCode])).has(q.districtCode);
    if (!known) {
      throw invalid(
        'districtCode',
        `没有这个区：${q.districtCode}`,
        `No such district: ${q.districtCode}`,
        'unknown district code',
      );
    }
    requireDistrictInScope(ctx.actor, q.districtCode);
    conds.push(sql`c.district_code = ${q.districtCode}`);
  }
  if (q.family !== undefined) {
    if (!familyNames().has(q.family)) {
      throw invalid(
        'family',
        `没有这个事项大类：${q.family}`,
        `No such matter-type family: ${q.family}`,
        'a major class of the catalogue: 01 … 10, or 99',
      );
    }
    conds.push(sql`left(c.matter_code, 2) = ${q.family}`);
  }
  return { period, where: and(...conds) ?? sql`true` };
}

/** Cases of the period by report time, less those merged into another. */
const reportedIn = (p: Period) =>
  sql`c.created_at >= ${p.from} AND c.created_at < ${p.to} AND c.merged_into IS NULL`;

// ---- trends -----------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const dayOf = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The first China day of every bucket meeting [from, to), and of the bucket a year earlier. */
export function bucketsOf(
  from: string,
  to: string,
  granularity: 'week' | 'month',
): { buckets: string[]; lastYear: string[] } {
  const buckets: string[] = [];
  const lastYear: string[] = [];
  if (granularity === 'week') {
    const first = dayOf(from);
    // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
    for (let d = first - ((first + 3) % 7); d < dayOf(to); d += 7) {
      buckets.push(dateOf(d));
      lastYear.push(dateOf(d - 364));
    }
    return { buckets, lastYear };
  }
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const pad = (n: number) => String(n).padStart(2, '0');
  for (;;) {
    const start = `${y}-${pad(m)}-01`;
    if (start >= to) break;
    buckets.push(start);
    lastYear.push(`${y - 1}-${pad(m)}-01`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return { buckets, lastYear };
}

const TREND_KEY: Record<'family' | 'district' | 'township', string> = {
  family: 'left(c.matter_code, 2)',
  district: 'c.district_code',
  township: 'c.township_code',
};

/**
 * Cases reported per bucket (a China week from Monday, or a China month) and key (family, district
 * or township), beside the same bucket a year earlier: a year for months, 52 weeks for weeks (the
 * same weekdays). The year before is counted over the same part of its buckets as the period
 * covers of this year's, so a partial first or last bucket is compared like with like.
 */
export async function trends(db: Db, ctx: RequestContext, q: TrendQueryT) {
  const { period, where } = await filtersOf(db, ctx, q);
  const granularity = q.granularity ?? 'month';
  const by = q.by ?? 'family';
  const unit = sql.raw(`'${granularity}'`);
  const shift = sql.raw(granularity === 'week' ? `interval '364 days'` : `interval '1 year'`);
  const key = sql.raw(TREND_KEY[by]);
  const bucket = (s: SQL) =>
    sql`to_char(date_trunc(${unit}, (c.created_at AT TIME ZONE ${CHINA_TZ}) + ${s}), 'YYYY-MM-DD')`;
  const rows = await rowsOf<{ yr: number; bucket: string; key: string | null; n: number }>(
    db,
    sql`
    SELECT 0 AS yr, ${bucket(sql`interval '0'`)} AS bucket, ${key} AS key, count(*)::int AS n
      FROM ${CASE} c WHERE ${reportedIn(period)} AND ${where} GROUP BY 2, 3
    UNION ALL
    SELECT 1 AS yr, ${bucket(shift)} AS bucket, ${key} AS key, count(*)::int AS n
      FROM ${CASE} c
      WHERE c.created_at >= ${period.from}::timestamptz - ${shift} AND c.created_at < ${period.to}::timestamptz - ${shift}
        AND c.merged_into IS NULL AND ${where}
      GROUP BY 2, 3`,
  );
  const { buckets, lastYear } = bucketsOf(q.from, q.to, granularity);
  const index = new Map(buckets.map((b, i) => [b, i]));
  const series = new Map<string, { key: string | null; counts: number[]; lastYear: number[] }>();
  const total = { counts: buckets.map(() => 0), lastYear: buckets.map(() => 0) };
  for (const r of rows) {
    const i = index.get(r.bucket);
    if (i === undefined) continue;
    const id = r.key ?? '';
    let s = series.get(id);
    if (!s) {
      s = { key: r.key, counts: buckets.map(() => 0), lastYear: buckets.map(() => 0) };
      series.set(id, s);
    }
    const n = Number(r.n);
    if (Number(r.yr) === 0) {
      s.counts[i] += n;
      total.counts[i] += n;
    } else {
      s.lastYear[i] += n;
      total.lastYear[i] += n;
    }
  }
  const names =
    by === 'family'
      ? familyNames()
      : await divisionNames(
          db,
          [...series.values()].map((s) => s.key).filter((k): k is string => k !== null),
        );
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    from: q.from,
    to: q.to,
    granularity,
    by,
    buckets,
    lastYearBuckets: lastYear,
    series: [...series.values()]
      .map((s) => ({
        key: s.key,
        label: s.key === null ? '未分类' : (names.get(s.key) ?? s.key),
        counts: s.counts,
        lastYear: s.lastYear,
      }))
      .sort((a, b) => sum(b.counts) - sum(a.counts) || String(a.key).localeCompare(String(b.key))),
    total,
    definition: {
      zh: '期间内上报的案件数（按上报时间、北京时间分桶；并入其他案件的重复案件不计），同比为上一年同期',
      en: 'Cases reported in each bucket (China time; cases merged into another not counted), beside the same bucket a year earlier',
    },
  };
}

// ---- hotspots and recurrence ------------------------------------------------------------------

async function matterNames(db: Db): Promise<Map<string, string>> {
  return new Map((await typesOfKind(db, 'matter')).map((t) => [t.code, t.name]));
}

/**
 * Grids and components with at least `threshold` cases reported in the period, most first; and
 * recurrences: a case of the period of the same matter type on the same grid or component as an
 * earlier case, reported within `recurrenceDays` after that one was closed (the latest such
 * closing is its earlier case).
 */
export async function hotspots(db: Db, ctx: RequestContext, q: HotspotQueryT) {
  const { period, where } = await filtersOf(db, ctx, q);
  const threshold = q.threshold ?? DEFAULT_THRESHOLD;
  const days = q.recurrenceDays ?? DEFAULT_RECURRENCE_DAYS;
  const grids = await rowsOf<{
    grid_id: string;
    district_code: string;
    n: number;
    types: number;
    top: string | null;
    top_n: number;
    lng: number;
    lat: number;
  }>(
    db,
    sql`
    WITH g AS (
      SELECT c.grid_id, min(c.district_code) AS district_code, count(*)::int AS n,
        count(DISTINCT c.matter_code)::int AS types, avg(c.lng) AS lng, avg(c.lat) AS lat
      FROM ${CASE} c WHERE ${reportedIn(period)} AND ${where}
      GROUP BY c.grid_id HAVING count(*) >= ${threshold}
    ), t AS (
      SELECT DISTINCT ON (c.grid_id) c.grid_id, c.matter_code AS top, count(*)::int AS top_n
      FROM ${CASE} c WHERE ${reportedIn(period)} AND ${where} AND c.matter_code IS NOT NULL
        AND c.grid_id IN (SELECT grid_id FROM g)
      GROUP BY c.grid_id, c.matter_code ORDER BY c.grid_id, count(*) DESC, c.matter_code
    )
    SELECT g.*, t.top, coalesce(t.top_n, 0) AS top_n FROM g LEFT JOIN t USING (grid_id)
    ORDER BY g.n DESC, g.grid_id LIMIT ${LIST_LIMIT}`,
  );
  const components = await rowsOf<{
    component_id: string;
    grid_id: string;
    district_code: string;
    n: number;
    top: string | null;
    lng: number;
    lat: number;
  }>(
    db,
    sql`
    SELECT c.component_id, min(c.grid_id) AS grid_id, min(c.district_code) AS district_code, count(*)::int AS n,
      mode() WITHIN GROUP (ORDER BY c.matter_code) AS top, avg(c.lng) AS lng, avg(c.lat) AS lat
    FROM ${CASE} c WHERE ${reportedIn(period)} AND ${where} AND c.component_id IS NOT NULL
    GROUP BY c.component_id HAVING count(*) >= ${threshold}
    ORDER BY n DESC, c.component_id LIMIT ${LIST_LIMIT}`,
  );
  const recurrences = await rowsOf<{
    later_id: string;
    later_code: string;
    later_at: Date | string;
    earlier_id: string;
    earlier_code: string;
    earlier_closed_at: Date | string;
    matter_code: string;
    grid_id: string;
    component_id: string | null;
  }>(
    db,
    sql`
    SELECT c.id AS later_id, c.code AS later_code, c.created_at AS later_at, a.id AS earlier_id,
      a.code AS earlier_code, a.closed_at AS earlier_closed_at, c.matter_code, c.grid_id,
      CASE WHEN a.component_id = c.component_id THEN c.component_id END AS component_id
    FROM ${CASE} c
    -- The latest closing of the same type on the same grid or component within the days before
    -- the report: two probes of the partial indexes of closed cases (migration 0030), newest
    -- first, instead of a join on the type alone (minutes for a month of a big city).
    CROSS JOIN LATERAL (
      SELECT x.* FROM (
        (SELECT a.id, a.code, a.closed_at, a.component_id FROM ${CASE} a
          WHERE a.grid_id = c.grid_id AND a.matter_code = c.matter_code AND a.state = 'closed'
            AND a.merged_into IS NULL AND a.id <> c.id AND a.district_code = c.district_code
            AND a.closed_at < c.created_at AND a.closed_at >= c.created_at - make_interval(days => ${days}::int)
          ORDER BY a.closed_at DESC LIMIT 1)
        UNION ALL
        (SELECT a.id, a.code, a.closed_at, a.component_id FROM ${CASE} a
          WHERE c.component_id IS NOT NULL AND a.component_id = c.component_id AND a.matter_code = c.matter_code
            AND a.state = 'closed' AND a.merged_into IS NULL AND a.id <> c.id AND a.district_code = c.district_code
            AND a.closed_at < c.created_at AND a.closed_at >= c.created_at - make_interval(days => ${days}::int)
          ORDER BY a.closed_at DESC LIMIT 1)
      ) x ORDER BY x.closed_at DESC LIMIT 1
    ) a
    WHERE ${reportedIn(period)} AND ${where} AND c.matter_code IS NOT NULL
    ORDER BY c.created_at DESC, c.code LIMIT ${LIST_LIMIT}`,
  );
  const names = await matterNames(db);
  const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();
  return {
    from: q.from,
    to: q.to,
    threshold,
    recurrenceDays: days,
    grids: grids.map((g) => ({
      gridId: g.grid_id,
      districtCode: g.district_code,
      count: Number(g.n),
      types: Number(g.types),
      topMatterCode: g.top,
      topMatterName: g.top ? (names.get(g.top) ?? null) : null,
      topCount: Number(g.top_n),
      lng: Number(g.lng),
      lat: Number(g.lat),
    })),
    components: components.map((c) => ({
      componentId: c.component_id,
      gridId: c.grid_id,
      districtCode: c.district_code,
      count: Number(c.n),
      topMatterCode: c.top,
      topMatterName: c.top ? (names.get(c.top) ?? null) : null,
      lng: Number(c.lng),
      lat: Number(c.lat),
    })),
    recurrences: recurrences.map((r) => ({
      earlier: { id: r.earlier_id, code: r.earlier_code },
      later: { id: r.later_id, code: r.later_code },
      matterCode: r.matter_code,
      matterName: names.get(r.matter_code) ?? null,
      gridId: r.grid_id,
      componentId: r.component_id,
      earlierClosedAt: iso(r.earlier_closed_at),
      laterReportedAt: iso(r.later_at),
      daysAfter:
        Math.round(((Date.parse(iso(r.later_at)) - Date.parse(iso(r.earlier_closed_at))) / DAY_MS) * 100) /
        100,
    })),
  };
}

// ---- overdue drivers --------------------------------------------------------------------------

/** The evaluation's indicators whose rows the drivers group: one definition of each. */
const OVERDUE = 'overdueDisposalRate';
const ON_TIME = 'onTimeDisposalRate';

function indicator(key: string) {
  const ind = INDICATORS.find((i) => i.key === key);
  // The evaluation defines both; their absence is a programming error, not the caller's.
  if (!ind) throw new Error(`the evaluation has no indicator ${key}`);
  return ind;
}

interface Group {
  unit: string | null;
  matter: string | null;
  num: number;
  den: number;
}

/** One indicator's rows (factRows) grouped by unit and matter type: numerator and denominator. */
async function groupedFacts(db: Db, key: string, period: Period, scope: SQL): Promise<Group[]> {
  const q = {
    indicator: indicator(key),
    subjectType: 'unit' as const,
    period,
    scope,
    calendar: await getCalendar(db),
  };
  const rows = await rowsOf<{ unit: string | null; matter: string | null; num: number; den: number }>(
    db,
    // The matter type is on the facts (migration 0032): no look-up of each row's case.
    sql`${factRows(q)}
    SELECT f.subject AS unit, f.matter_code AS matter, count(*) FILTER (WHERE f.num)::int AS num,
      count(*) FILTER (WHERE f.den)::int AS den
    FROM facts f GROUP BY 1, 2`,
  );
  return rows.map((r) => ({ unit: r.unit, matter: r.matter, num: Number(r.num), den: Number(r.den) }));
}

/**
 * The units and the matter types behind overdue disposal: of the cases dispatched in the period
 * (the evaluation's 超期处置率 and 按期处置率, their very rows), per unit and per type the overdue
 * count, its share of all overdue, the due count and the on-time rate, most overdue first.
 */
export async function overdueDrivers(db: Db, ctx: RequestContext, q: OverdueQueryT) {
  const { period, where } = await filtersOf(db, ctx, q);
  const [overdue, onTime] = await Promise.all([
    groupedFacts(db, OVERDUE, period, where),
    groupedFacts(db, ON_TIME, period, where),
  ]);
  type Acc = { overdue: number; due: number; onTime: number };
  const byUnit = new Map<string | null, Acc>();
  const byType = new Map<string | null, Acc>();
  const add = (m: Map<string | null, Acc>, k: string | null, f: (a: Acc) => void) => {
    const a = m.get(k) ?? { overdue: 0, due: 0, onTime: 0 };
    f(a);
    m.set(k, a);
  };
  // Both indicators count the same rows (cases dispatched in the period): the due count is taken
  // from one of them, the numerators from each.
  for (const g of overdue) {
    add(byUnit, g.unit, (a) => {
      a.overdue += g.num;
      a.due += g.den;
    });
    add(byType, g.matter, (a) => {
      a.overdue += g.num;
      a.due += g.den;
    });
  }
  for (const g of onTime) {
    add(byUnit, g.unit, (a) => {
      a.onTime += g.num;
    });
    add(byType, g.matter, (a) => {
      a.onTime += g.num;
    });
  }
  const totalOverdue = overdue.reduce((s, g) => s + g.num, 0);
  const totalDue = overdue.reduce((s, g) => s + g.den, 0);
  const totalOnTime = onTime.reduce((s, g) => s + g.num, 0);
  const unitIds = [...byUnit.keys()].filter((k): k is string => k !== null);
  const unitNames = new Map(
    unitIds.length
      ? (
          await db
            .select({ id: orgRelation.id, name: orgRelation.name })
            .from(orgRelation)
            .where(inArray(orgRelation.id, unitIds))
        ).map((o) => [o.id, o.name])
      : [],
  );
  const types = await matterNames(db);
  const rowsOfMap = (m: Map<string | null, Acc>, label: (k: string | null) => string) =>
    [...m.entries()]
      .map(([key, a]) => ({
        key,
        label: label(key),
        overdue: a.overdue,
        share: totalOverdue ? a.overdue / totalOverdue : null,
        due: a.due,
        onTime: a.onTime,
        onTimeRate: a.due ? a.onTime / a.due : null,
      }))
      .sort((x, y) => y.overdue - x.overdue || y.due - x.due || String(x.key).localeCompare(String(y.key)));
  return {
    from: q.from,
    to: q.to,
    totalOverdue,
    totalDue,
    totalOnTime,
    units: rowsOfMap(byUnit, (k) => (k === null ? '—' : (unitNames.get(k) ?? k))),
    types: rowsOfMap(byType, (k) => (k === null ? '未分类' : `${k} ${types.get(k) ?? ''}`.trim())),
    definitions: { overdue: indicator(OVERDUE).description, onTime: indicator(ON_TIME).description },
  };
}

// ---- heat map ---------------------------------------------------------------------------------

/** Cases reported in the period counted in cells of rounded lng/lat (WGS84), busiest first. */
export async function heat(db: Db, ctx: RequestContext, q: HeatQueryT) {
  const { period, where } = await filtersOf(db, ctx, q);
  const precision = q.precision ?? 3;
  // `total` is over every cell, also those past the limit (the window runs before LIMIT).
  const cells = await rowsOf<{ lng: number; lat: number; n: number; total: number }>(
    db,
    sql`
    SELECT round(c.lng::numeric, ${precision}::int)::float8 AS lng, round(c.lat::numeric, ${precision}::int)::float8 AS lat,
      count(*)::int AS n, (sum(count(*)) OVER ())::int AS total
    FROM ${CASE} c WHERE ${reportedIn(period)} AND ${where}
    GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ${HEAT_CELL_LIMIT}`,
  );
  const list = cells.map((c) => ({ lng: Number(c.lng), lat: Number(c.lat), count: Number(c.n) }));
  return {
    from: q.from,
    to: q.to,
    precision,
    total: cells[0] ? Number(cells[0].total) : 0,
    max: list.reduce((m, c) => Math.max(m, c.count), 0),
    cells: list,
  };
}
