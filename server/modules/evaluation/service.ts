/**
 * The evaluation's use cases: the indicators' definitions, every subject's figures for a period,
 * and one figure's drill-down to the cases it counted. Scope through policy.ts; the figures and
 * the drill-down come from query.ts's one `factRows`.
 */
import { inArray, type SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { type PeriodSource, periodOfDates } from '../../platform/period.ts';
import { getCalendar } from '../calendar/index.ts';
import { evaluationReads as caseTables } from '../cases/index.ts';
import { divisionNames } from '../geo/index.ts';
import { enabledUsersWithOrg } from '../identity/index.ts';
import { orgRelation } from '../org/index.ts';
import {
  INDICATORS,
  type Indicator,
  indicatorByKey,
  type Period,
  REGION_TYPES,
  SOURCES,
  type SubjectType,
} from './indicators.ts';
import { evaluationRead, requireEvaluationRead, subjectInScope } from './policy.ts';
import { drill, type FactQuery, type FigureRow, sourceFigures } from './query.ts';
import type { DrillQueryT, FiguresQueryT } from './schemas.ts';
import { isSummed, isSummedSubjectType, periodOfWholeDays, readsNow, summedFigures } from './sums.ts';

/** The definitions as the API and the screen show them. */
export function indicatorDefinitions(ctx: RequestContext) {
  requireEvaluationRead(ctx.actor);
  return {
    items: INDICATORS.map((i) => {
      const src = SOURCES[i.source] as (typeof SOURCES)[keyof typeof SOURCES] & {
        actor?: { zh: string; en: string };
      };
      return {
        key: i.key,
        kind: i.kind,
        name: i.name,
        description: i.description,
        counts: src.item,
        countsIn: src.countsIn,
        clock: i.clock,
        subjects: [...i.subjects],
        post: src.actor ?? null,
        unit: i.unit ?? null,
        lacks: i.lacks ?? null,
      };
    }),
  };
}

const MAX_PERIOD_DAYS = 400;

export function periodOf(from: string, to: string, source: PeriodSource = 'querystring'): Period {
  return periodOfDates(from, to, MAX_PERIOD_DAYS, source);
}

function indicatorFor(key: string, subjectType: SubjectType): Indicator {
  const ind = indicatorByKey(key);
  if (!ind) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `没有这个指标：${key}`,
      en: `No such indicator: ${key}`,
      details: [{ field: 'querystring.indicator', message: 'unknown indicator' }],
    });
  }
  if (!ind.subjects.includes(subjectType)) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `指标 ${key} 不适用于 ${subjectType}`,
      en: `Indicator ${key} does not apply to ${subjectType}`,
      details: [{ field: 'querystring.subjectType', message: `valid: ${ind.subjects.join(', ')}` }],
    });
  }
  return ind;
}

/** The district the caller is confined to (its cases only), if any. */
const districtOf = (ctx: RequestContext) =>
  ctx.actor.scope.kind === 'district' ? ctx.actor.scope.districtCode : undefined;

interface SubjectInfo {
  label: string;
  /** The subject's district (null: a city-level unit or person). */
  districtCode: string | null;
}

/**
 * Of the subjects `ids` of a type, those the caller may see, with their labels: regions of its
 * district (a code's first six characters are its district), units of its district or the city's,
 * people of its district's centre holding the post's role.
 */
async function subjectsInScope(
  db: Db,
  ctx: RequestContext,
  type: SubjectType,
  ids: readonly string[],
): Promise<Map<string, SubjectInfo>> {
  const out = new Map<string, SubjectInfo>();
  if (ids.length === 0) return out;
  if ((REGION_TYPES as readonly string[]).includes(type)) {
    const names = type === 'grid' ? new Map<string, string>() : await divisionNames(db, ids);
    for (const id of ids) {
      const districtCode = id.slice(0, 6);
      if (subjectInScope(ctx.actor, districtCode, false))
        out.set(id, { label: names.get(id) ?? id, districtCode });
    }
    return out;
  }
  if (type === 'unit') {
    const uuids = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (!uuids.length) return out;
    const orgs = await db
      .select({
        id: orgRelation.id,
        name: orgRelation.name,
        kind: orgRelation.kind,
        districtCode: orgRelation.districtCode,
      })
      .from(orgRelation)
      .where(inArray(orgRelation.id, uuids));
    for (const o of orgs) {
      if (o.kind === 'unit' && subjectInScope(ctx.actor, o.districtCode, true))
        out.set(o.id, { label: o.name, districtCode: o.districtCode });
    }
    return out;
  }
  for (const { user, org } of await enabledUsersWithOrg(db, ids)) {
    if (!user.roles.includes(type)) continue;
    if (org.kind === 'unit') continue;
    if (subjectInScope(ctx.actor, org.districtCode, false) || (org.districtCode === null && !districtOf(ctx)))
      out.set(user.id, { label: `${user.displayName}（${user.username}）`, districtCode: org.districtCode });
  }
  return out;
}

async function baseQuery(
  db: Db,
  ctx: RequestContext,
  ind: Indicator,
  subjectType: SubjectType,
  period: Period,
) {
  const q: FactQuery = {
    indicator: ind,
    subjectType,
    period,
    scope: evaluationRead.filter(ctx.actor),
    calendar: await getCalendar(db),
  };
  return q;
}

const figureValue = (ind: Indicator, num: number, den: number, total: number | null): number | null => {
  if (ind.kind === 'count') return den;
  if (den === 0) return null;
  if (ind.kind === 'average') return total === null ? null : total / den;
  return num / den;
};

export interface FigureOut {
  indicator: string;
  numerator: number;
  denominator: number;
  value: number | null;
}

/** How many sources' passes of one figures request run at once (the pool has 10 connections). */
const SOURCE_PASSES_AT_ONCE = 3;

/**
 * Every subject's figures of the indicators `inds` over the period, in the caller's scope, with
 * their labels and districts: what the figures API answers and what a ranking scores.
 */
export async function computeFigures(
  db: Db,
  ctx: RequestContext,
  subjectType: SubjectType,
  period: Period,
  inds: readonly Indicator[],
) {
  const bySubject = new Map<string, FigureOut[]>();
  const calendar = await getCalendar(db);
  const scope = evaluationRead.filter(ctx.actor);
  // Districts, townships and units over whole days read the day sums (sums.ts) for the indicators
  // that count or rate; the rest is one pass over the facts per source (query.ts `sourceFigures`):
  // the averages, the other subject types, and — for the indicators comparing a running disposal
  // stage with now() — the rows of cases with such a stage, which the sums leave out.
  const summed = periodOfWholeDays(period) ? inds.filter((i) => isSummed(i, subjectType)) : [];
  const passes: { inds: Indicator[]; only?: SQL }[] = [];
  const bySource = new Map<string, Indicator[]>();
  const openBySource = new Map<string, Indicator[]>();
  for (const ind of inds) {
    const map = !summed.includes(ind) ? bySource : readsNow(ind) ? openBySource : undefined;
    if (map) map.set(ind.source, [...(map.get(ind.source) ?? []), ind]);
  }
  for (const g of bySource.values()) passes.push({ inds: g });
  for (const g of openBySource.values()) passes.push({ inds: g, only: sql`f.dispose_open_due IS NOT NULL` });
  // The passes are independent reads: on PostgreSQL they run side by side on the pool's
  // connections, at most SOURCE_PASSES_AT_ONCE per request so one leader's page leaves the pool
  // to everyone else; in a transaction or on PGlite they queue on the one connection.
  const computed = new Map<string, FigureRow[]>();
  const add = (key: string, rows: FigureRow[]) => {
    const byId = new Map((computed.get(key) ?? []).map((r) => [r.subject, r]));
    for (const r of rows) {
      const had = byId.get(r.subject);
      byId.set(
        r.subject,
        had
          ? { ...had, numerator: had.numerator + r.numerator, denominator: had.denominator + r.denominator }
          : r,
      );
    }
    computed.set(key, [...byId.values()]);
  };
  const tasks: (() => Promise<void>)[] = passes.map((pass) => async () => {
    const res = await sourceFigures(db, {
      indicators: pass.inds,
      only: pass.only,
      subjectType,
      period,
      scope,
      calendar,
    });
    for (const [k, rows] of res) add(k, rows);
  });
  if (summed.length && isSummedSubjectType(subjectType)) {
    tasks.unshift(async () => {
      const res = await summedFigures(db, { indicators: summed, subjectType, period, scope });
      for (const [k, bySubject] of res)
        add(
          k,
          [...bySubject].map(([subject, f]) => ({
            subject,
            numerator: f.num,
            denominator: f.den,
            total: null,
          })),
        );
    });
  }
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(SOURCE_PASSES_AT_ONCE, tasks.length) }, worker));
  for (const ind of inds) {
    const rows = computed.get(ind.key) ?? [];
    for (const r of rows) {
      const list = bySubject.get(r.subject) ?? [];
      list.push({
        indicator: ind.key,
        numerator:
          ind.kind === 'count' ? r.denominator : ind.kind === 'average' ? r.denominator : r.numerator,
        denominator: r.denominator,
        value: figureValue(ind, r.numerator, r.denominator, r.total),
      });
      bySubject.set(r.subject, list);
    }
  }
  const seen = await subjectsInScope(db, ctx, subjectType, [...bySubject.keys()]);
  return [...bySubject.entries()]
    .filter(([id]) => seen.has(id))
    .map(([id, list]) => ({ subject: id, ...seen.get(id)!, figures: list }))
    .sort((a, b) => a.subject.localeCompare(b.subject));
}

/** Every subject's figures of a type for the period (one indicator, or every one of the type). */
export async function subjectFigures(db: Db, ctx: RequestContext, input: FiguresQueryT) {
  requireEvaluationRead(ctx.actor);
  const period = periodOf(input.from, input.to);
  const inds = input.indicator
    ? [indicatorFor(input.indicator, input.subjectType)]
    : INDICATORS.filter((i) => i.subjects.includes(input.subjectType));
  const subjects = await computeFigures(db, ctx, input.subjectType, period, inds);
  return {
    subjectType: input.subjectType,
    from: input.from,
    to: input.to,
    indicators: inds.map((i) => i.key),
    subjects: subjects.map((s) => ({ subject: s.subject, label: s.label, figures: s.figures })),
  };
}

/** The rows one figure counted (its numerator or denominator), with their cases, paged. */
export async function drillDown(db: Db, ctx: RequestContext, input: DrillQueryT) {
  requireEvaluationRead(ctx.actor);
  const ind = indicatorFor(input.indicator, input.subjectType);
  const period = periodOf(input.from, input.to);
  const seen = await subjectsInScope(db, ctx, input.subjectType, [input.subject]);
  if (!seen.has(input.subject)) throw notFound({ zh: '评价对象', en: 'evaluation subject' }, input.subject);
  const part = input.part ?? 'denominator';
  // A count or an average has one part, its rows: a numerator or an "unmet" of one would list
  // rows its figure does not count as such.
  if (ind.kind !== 'rate' && part !== 'denominator') {
    throw new AppError('VALIDATION_FAILED', {
      zh: `指标 ${ind.key} 不是比率，只有计数的案件（part=denominator），没有分子或未达标`,
      en: `Indicator ${ind.key} is not a rate: it has its rows only (part=denominator), no numerator or unmet`,
      details: [{ field: 'querystring.part', message: 'numerator and unmet apply to rates only' }],
    });
  }
  const page = input.page ?? 1;
  const pageSize = input.pageSize ?? 20;
  const q = await baseQuery(db, ctx, ind, input.subjectType, period);
  const { total, rows } = await drill(db, { ...q, subject: input.subject, part, page, pageSize });
  const ids = [...new Set(rows.map((r) => r.caseId))];
  const cf = caseTables.caseFile;
  const cases = ids.length
    ? await db
        .select({
          id: cf.id,
          code: cf.code,
          state: cf.state,
          description: cf.description,
          districtCode: cf.districtCode,
        })
        .from(cf)
        .where(inArray(cf.id, ids))
    : [];
  const byId = new Map(cases.map((c) => [c.id, c]));
  return {
    indicator: ind.key,
    subject: input.subject,
    part,
    page,
    pageSize,
    total,
    items: rows.map((r) => {
      const c = byId.get(r.caseId)!;
      return {
        caseId: r.caseId,
        code: c.code,
        state: c.state,
        description: c.description,
        districtCode: c.districtCode,
        item: r.item,
        at: r.at.toISOString(),
        value: r.value,
      };
    }),
  };
}
