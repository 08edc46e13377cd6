/**
 * The counts the early warning judges, each ONE grouped SQL query over the case loop's tables
 * (read through `evaluationReads`, never written): cases reported per grid × family × window and
 * per district × family × window over the baseline and the current window; a unit's open
 * disposals per district with how many are yellow or overdue. No per-case loop: the statistics in
 * rule.ts run on these grouped rows.
 */
import { sql } from 'drizzle-orm';
import { TERMINAL_STATES } from '../../../common/workflow.ts';
import type { Db } from '../../platform/db.ts';
import { evaluationReads } from '../cases/index.ts';
import { orgRelation } from '../org/index.ts';
import type { WarningRules } from '../settings/index.ts';

const { caseFile: c, caseStage: s } = evaluationReads;
const DAY_MS = 86_400_000;

/**
 * One subject × family (`matter:06`, `component:01`: the type's kind and major category, 大类 —
 * the kinds number their majors separately): its counts per window, `counts[0]` the current one,
 * then older ones.
 */
export interface RiseRow {
  subjectId: string;
  districtCode: string;
  family: string;
  counts: number[];
}

/**
 * Cases reported in (now − (baselinePeriods + 1) × window, now], per subject × family × window
 * index (0: the current window (now − window, now]; k: the k-th window before it). Which cases
 * count: every report that became a case with a matter type, but not the rejected (no problem),
 * merged (the same problem twice) or voided (not ours) ones. A subject × family with fewer than
 * `minCount` cases in the current window is left out in SQL: it can raise no warning.
 */
export async function riseCounts(
  db: Db,
  level: 'grid' | 'district',
  now: Date,
  r: WarningRules,
): Promise<RiseRow[]> {
  const windowMs = r.windowDays * DAY_MS;
  const from = new Date(now.getTime() - (r.baselinePeriods + 1) * windowMs);
  const subject = level === 'grid' ? c.gridId : c.districtCode;
  const excluded = TERMINAL_STATES.filter((x) => x !== 'closed');
  const res = await db.execute(sql`
    WITH counted AS (
      SELECT ${subject} AS subject_id, min(${c.districtCode}) AS district_code,
             coalesce(${c.matterKind}, 'matter') || ':' || substr(${c.matterCode}, 1, 2) AS family,
             floor(extract(epoch FROM (${now}::timestamptz - ${c.createdAt})) * 1000 / ${windowMs})::int AS w,
             count(*)::int AS n
      FROM ${c}
      WHERE ${c.createdAt} > ${from} AND ${c.createdAt} <= ${now}
        AND ${c.matterCode} IS NOT NULL
        AND ${c.state} NOT IN (${sql.join(
          excluded.map((x) => sql`${x}`),
          sql`, `,
        )})
      GROUP BY 1, 3, 4
    )
    SELECT subject_id, min(district_code) AS district_code, family,
           json_object_agg(w, n) AS counts
    FROM counted
    GROUP BY subject_id, family
    HAVING coalesce(sum(n) FILTER (WHERE w = 0), 0) >= ${r.minCount}`);
  const rows = (
    res as unknown as {
      rows: { subject_id: string; district_code: string; family: string; counts: Record<string, number> }[];
    }
  ).rows;
  return rows.map((row) => {
    const counts = Array.from({ length: r.baselinePeriods + 1 }, () => 0);
    const byWindow = typeof row.counts === 'string' ? JSON.parse(row.counts) : row.counts;
    for (const [k, v] of Object.entries(byWindow as Record<string, number>)) {
      const i = Number(k);
      // An instant exactly (baselinePeriods + 1) windows back falls in no window.
      if (i >= 0 && i < counts.length) counts[i] += Number(v);
    }
    return { subjectId: row.subject_id, districtCode: row.district_code, family: row.family, counts };
  });
}

export interface UnitRiskRow {
  unitId: string;
  unitName: string;
  districtCode: string;
  open: number;
  near: number;
  overdue: number;
}

/**
 * A unit's running disposals (the dispose stage's clock running: not stopped, not parked) of open
 * cases, per unit × case district: how many are overdue (due time passed) and how many are near
 * it — their yellow light is on (the stage's warning fired, or the case's current light time
 * `current_warn_at` at the city's `case.warnShare` has passed), i.e. less than 1 − warnShare of
 * their time left in working time, as the case loop's own lights say.
 */
export async function unitRisks(db: Db, now: Date): Promise<UnitRiskRow[]> {
  const res = await db.execute(sql`
    SELECT ${c.unitId}::text AS unit_id, ${orgRelation.name} AS unit_name, ${c.districtCode} AS district_code,
           count(*)::int AS open,
           count(*) FILTER (WHERE ${s.dueAt} <= ${now})::int AS overdue,
           count(*) FILTER (WHERE ${s.dueAt} > ${now} AND (${s.warnedAt} IS NOT NULL
             OR (${c.currentStage} = 'dispose' AND ${c.currentWarnAt} <= ${now})))::int AS near
    FROM ${s}
    JOIN ${c} ON ${c.id} = ${s.caseId}
    JOIN ${orgRelation} ON ${orgRelation.id} = ${c.unitId}
    WHERE ${s.stage} = 'dispose' AND ${s.stoppedAt} IS NULL AND ${s.pausedAt} IS NULL
      AND ${c.unitId} IS NOT NULL
      AND ${c.state} NOT IN (${sql.join(
        TERMINAL_STATES.map((x) => sql`${x}`),
        sql`, `,
      )})
    GROUP BY ${c.unitId}, ${orgRelation.name}, ${c.districtCode}`);
  const rows = (
    res as unknown as {
      rows: {
        unit_id: string;
        unit_name: string;
        district_code: string;
        open: number;
        near: number;
        overdue: number;
      }[];
    }
  ).rows;
  return rows.map((x) => ({
    unitId: x.unit_id,
    unitName: x.unit_name,
    districtCode: x.district_code,
    open: Number(x.open),
    near: Number(x.near),
    overdue: Number(x.overdue),
  }));
}
