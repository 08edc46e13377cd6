/**
 * The day sums of the evaluation's facts (tables.ts `evaluationFactSum`): the figures page reads a
 * month of the districts' (or townships', or units') figures from some thousands of summed rows
 * instead of counting a million facts — at 1,000,000 cases the districts' page took 0.76 s counted
 * from the facts (bench/results/evaluation.md, session 26).
 *
 * One derivation, from the indicators' own definitions: `contribFunctionSql()` renders every
 * summed indicator's denominator and numerator (indicators.ts, the SQL its figure and drill-down
 * use) into the database function `evaluation_fact_contrib(fact)` — what one fact row adds to which
 * sums. The function is installed by a migration (0032 first); sums.test.ts fails when the
 * installed function is not what the indicators render, so a changed definition needs a migration
 * that replaces the function and rebuilds the sums (`npm run gen:evaluation-sums` prints it).
 *
 * Kept in the same transaction as the record: the refresh of a case's facts (migration 0032)
 * appends the difference its rewrite made, `contrib(new rows) − contrib(old rows)`, to
 * `evaluation_fact_sum_delta`; `compactSums` folds the appended rows into the sums. A figure reads
 * the sums and the deltas in one statement, so it is exact whether or not the compaction has run.
 *
 * Not summed, counted from the facts when read (query.ts): the averages (working hours depend on
 * the calendar of the day), and, for the indicators comparing a running disposal stage's due time
 * with now(), the rows of cases with such a stage (`dispose_open_due` set).
 */
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '../../platform/db.ts';
import { everyInterval } from '../../platform/periodic.ts';
import { INDICATORS, type Indicator, type Period, type SubjectType } from './indicators.ts';

/** The subject types whose figures are read from the sums (the others count the facts). */
export const SUMMED_SUBJECT_TYPES = [
  'district',
  'township',
  'unit',
] as const satisfies readonly SubjectType[];
type SummedSubjectType = (typeof SUMMED_SUBJECT_TYPES)[number];
export const isSummedSubjectType = (t: SubjectType): t is SummedSubjectType =>
  (SUMMED_SUBJECT_TYPES as readonly string[]).includes(t);

/** The subject of a fact row per summed type (unit: null when the row is about no unit). */
const SUBJECT_COLUMN: Record<SummedSubjectType, string> = {
  district: 'f.district_code',
  township: 'f.township_code',
  unit: 'f.unit_id::text',
};

const dialect = new PgDialect();
function render(q: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(q);
  // The predicates are SQL text over the aliases f and c (indicators.ts): a parameter would be a
  // value the database function could not hold.
  if (params.length)
    throw new Error(`evaluation sums: a predicate with parameters cannot be summed: ${text}`);
  return text;
}

const readsNowOf = new WeakMap<Indicator, boolean>();
/** Compares a running disposal stage with the time of reading: such rows are counted when read. */
export function readsNow(ind: Indicator): boolean {
  let v = readsNowOf.get(ind);
  if (v === undefined) {
    // Rendered once per definition, not on every figures request.
    v = /\bnow\(\)/i.test(render(ind.denominator) + render(ind.numerator ?? ind.denominator));
    readsNowOf.set(ind, v);
  }
  return v;
}

/** The indicators kept in the day sums: those that count or rate (an average reads the calendar). */
export const summedIndicators = (): Indicator[] => INDICATORS.filter((i) => i.kind !== 'average');

export const isSummed = (ind: Indicator, type: SubjectType): boolean =>
  ind.kind !== 'average' && isSummedSubjectType(type) && ind.subjects.includes(type);

/**
 * The body of `evaluation_fact_contrib(r evaluation_fact)`: one row per (indicator, summed subject)
 * the fact counts in: its China day, the subject, the case's district, 1 (the denominator) and
 * 1/0 for the numerator (a row in no denominator is not returned; the numerator is within it).
 */
export function contribFunctionBody(): string {
  const bySource = new Map<string, Indicator[]>();
  for (const ind of summedIndicators()) bySource.set(ind.source, [...(bySource.get(ind.source) ?? []), ind]);
  const mask = (ind: Indicator) =>
    SUMMED_SUBJECT_TYPES.reduce((m, t, k) => (ind.subjects.includes(t) ? m | (1 << k) : m), 0);
  const den = (ind: Indicator) =>
    `coalesce((${render(ind.denominator)})${readsNow(ind) ? ' AND f.dispose_open_due IS NULL' : ''}, false)`;
  const num = (ind: Indicator) => `coalesce((${render(ind.numerator ?? ind.denominator)}), false)`;
  // Per source, its indicators' keys, subject types (a bit per SUMMED_SUBJECT_TYPES), denominators
  // and numerators as arrays: CASE computes only the row's own source's predicates (all of them
  // for every row took a refresh 1–1.5 ms more per case; session 27).
  const column = (f: (ind: Indicator) => string, type: string) =>
    `CASE f.source${[...bySource]
      .map(([source, inds]) => `\n      WHEN '${source}' THEN ARRAY[${inds.map(f).join(', ')}]`)
      .join('')}\n      ELSE ARRAY[]::${type}[] END`;
  // The China day of \`at\`: UTC+8 all year (no summer time), as common/calendar counts days.
  return `
  SELECT s.subject_type, ((f.at AT TIME ZONE 'UTC') + interval '8 hours')::date, x.indicator, s.subject_id,
    f.district_code, 1, x.num::int
  FROM (SELECT (r).*) f
  CROSS JOIN LATERAL (SELECT f.case_id AS id, f.district_code, f.township_code, f.community_code, f.grid_id,
    f.state, f.channel, f.filed_at, f.rework_count, f.ever_parked, f.verified_true, f.dispose_late,
    f.dispose_open_due, f.matter_code) c
  CROSS JOIN LATERAL unnest(
    ${column((i) => `'${i.key}'`, 'text')},
    ${column((i) => String(mask(i)), 'int')},
    ${column(den, 'boolean')},
    ${column(num, 'boolean')}
  ) x(indicator, mask, den, num)
  CROSS JOIN LATERAL (VALUES ${SUMMED_SUBJECT_TYPES.map((t, k) => `('${t}', ${1 << k}, ${SUBJECT_COLUMN[t]})`).join(', ')}) s(subject_type, bit, subject_id)
  WHERE x.den AND x.mask & s.bit <> 0 AND s.subject_id IS NOT NULL
`;
}

/** The statement that installs the function (a migration's text). */
export function contribFunctionSql(): string {
  return `CREATE OR REPLACE FUNCTION evaluation_fact_contrib(r evaluation_fact)
RETURNS TABLE (subject_type text, day date, indicator text, subject_id text, district_code text, den integer, num integer)
LANGUAGE sql STABLE AS $fn$${contribFunctionBody()}$fn$;`;
}

/** The statement that rebuilds the sums from the facts (after the function changed). */
export const REBUILD_SUMS_SQL = `TRUNCATE evaluation_fact_sum, evaluation_fact_sum_delta;
INSERT INTO evaluation_fact_sum (subject_type, day, indicator, subject_id, district_code, den, num)
SELECT x.subject_type, x.day, x.indicator, x.subject_id, x.district_code, sum(x.den), sum(x.num)
FROM evaluation_fact f CROSS JOIN LATERAL evaluation_fact_contrib(f) x
GROUP BY 1, 2, 3, 4, 5;`;

/** An arbitrary constant: one compaction at a time across the nodes. */
const COMPACTION_LOCK = 7032;

/**
 * Folds the appended deltas into the sums; returns the deltas folded (0 when another node is
 * compacting). One statement: a reader sees the deltas or their sums, never both or neither; a
 * delta appended meanwhile by a transaction not yet committed is not seen, so not deleted.
 */
export async function compactSums(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = (
      (await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${COMPACTION_LOCK}) AS ok`)) as unknown as {
        rows: { ok: boolean }[];
      }
    ).rows;
    if (!lock.ok) return 0;
    const res = (await tx.execute(sql`
      WITH moved AS (DELETE FROM evaluation_fact_sum_delta RETURNING *),
      g AS (
        SELECT subject_type, day, indicator, subject_id, district_code, sum(den) AS den, sum(num) AS num,
          count(*) AS n
        FROM moved GROUP BY 1, 2, 3, 4, 5
      ),
      put AS (
        INSERT INTO evaluation_fact_sum AS s (subject_type, day, indicator, subject_id, district_code, den, num)
        SELECT subject_type, day, indicator, subject_id, district_code, den, num FROM g
        WHERE den <> 0 OR num <> 0
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (subject_type, day, indicator, subject_id, district_code)
        DO UPDATE SET den = s.den + EXCLUDED.den, num = s.num + EXCLUDED.num
      )
      SELECT coalesce(sum(n), 0)::int AS n FROM g`)) as unknown as { rows: { n: number }[] };
    // Sums back at zero (a case moved away) are dropped: a subject with nothing counted has no row.
    await tx.execute(sql`DELETE FROM evaluation_fact_sum WHERE den = 0 AND num = 0`);
    return Number(res.rows[0].n);
  });
}

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const isChinaMidnight = (d: Date) => (d.getTime() + CHINA_OFFSET_MS) % DAY_MS === 0;
const chinaDate = (d: Date) => new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);

/** Whether a period is whole China days (the sums hold days; any other period counts the facts). */
export const periodOfWholeDays = (p: Period) => isChinaMidnight(p.from) && isChinaMidnight(p.to);

/**
 * The summed part of the figures of `inds` (summed ones) for the subjects of a type over whole
 * days, in the caller's scope (a filter on `c.district_code`): per indicator, per subject, the
 * denominator and numerator.
 */
export async function summedFigures(
  db: Db,
  q: {
    indicators: readonly Indicator[];
    subjectType: SummedSubjectType;
    period: Period;
    scope: SQL | undefined;
  },
): Promise<Map<string, Map<string, { den: number; num: number }>>> {
  const out = new Map<string, Map<string, { den: number; num: number }>>(
    q.indicators.map((i) => [i.key, new Map()]),
  );
  if (!q.indicators.length) return out;
  const keys = q.indicators.map((i) => i.key);
  const from = chinaDate(q.period.from);
  const to = chinaDate(q.period.to);
  const scope = q.scope ? sql`AND ${q.scope}` : sql``;
  const part = (table: string) => sql`SELECT c.indicator, c.subject_id, c.den, c.num FROM ${sql.raw(table)} c
    WHERE c.subject_type = ${q.subjectType} AND c.day >= ${from}::date AND c.day < ${to}::date
      AND c.indicator IN (${sql.join(
        keys.map((k) => sql`${k}`),
        sql`, `,
      )}) ${scope}`;
  const res = (await db.execute(sql`
    SELECT indicator, subject_id, sum(den)::bigint AS den, sum(num)::bigint AS num
    FROM (${part('evaluation_fact_sum')} UNION ALL ${part('evaluation_fact_sum_delta')}) s
    GROUP BY 1, 2`)) as unknown as {
    rows: { indicator: string; subject_id: string; den: string; num: string }[];
  };
  for (const r of res.rows) {
    const den = Number(r.den);
    const num = Number(r.num);
    if (den === 0) continue;
    out.get(r.indicator)!.set(r.subject_id, { den, num });
  }
  return out;
}

/** Compacts every `intervalMs` on every node (the advisory lock lets one at a time do it). */
export function startSumCompaction(db: Db, intervalMs: number, onError: (err: unknown) => void) {
  return everyInterval(intervalMs, async () => {
    try {
      await compactSums(db);
    } catch (err) {
      onError(err);
    }
  });
}
