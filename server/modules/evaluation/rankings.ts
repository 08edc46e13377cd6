/**
 * Rankings (排名): a period's subjects of one type scored by the current template, ranked, and
 * compared with the previous period. Computing makes a new draft version; a leader approves and
 * publishes one, which freezes it (the database refuses to change a published row: migration 0027);
 * the newest published version of a period is the one shown — to district centres (their own
 * subjects' lines) and, for districts and units, to the public.
 */
import { and, desc, eq, max, type SQL } from 'drizzle-orm';
import { dateToDayNumber, dayNumberToDate } from '../../../common/calendar/index.ts';
import {
  compositeScore,
  type FigureIn,
  gradeOf,
  rankOf,
  type TemplateDefinition,
} from '../../../common/evaluation-template.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { type Indicator, indicatorByKey, type SubjectType } from './indicators.ts';
import {
  lineInScope,
  requireEvaluationManage,
  requireEvaluationPublish,
  requireEvaluationRead,
} from './policy.ts';
import { computeFigures, periodOf } from './service.ts';
import { evaluationRanking, type RankingLine } from './tables.ts';
import { currentTemplate } from './templates.ts';

type RankingRow = typeof evaluationRanking.$inferSelect;

/** The subject types whose published rankings the public portal shows. */
export const PUBLIC_SUBJECT_TYPES = ['district', 'unit'] as const satisfies readonly SubjectType[];

/**
 * The period compared with: whole calendar months go back as many months (November → October);
 * any other period goes back its own length in days.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const whole = /^\d{4}-\d{2}-01$/;
  if (whole.test(from) && whole.test(to)) {
    const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
    const n = months(to) - months(from);
    const back = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
    return { from: back(months(from) - n), to: from };
  }
  const days = dateToDayNumber(to) - dateToDayNumber(from);
  return { from: dayNumberToDate(dateToDayNumber(from) - days), to: from };
}

const indicatorsOf = (def: TemplateDefinition): Indicator[] =>
  [...new Set(def.items.map((i) => i.indicator))].map((k) => indicatorByKey(k)!).filter(Boolean);

/** Scores and ranks the subjects' figures under a template. */
function scoreLines(
  def: TemplateDefinition,
  subjects: Awaited<ReturnType<typeof computeFigures>>,
): Omit<RankingLine, 'previousRank' | 'movement'>[] {
  const kinds = new Map(indicatorsOf(def).map((i) => [i.key, i.kind]));
  const scored = subjects.map((s) => {
    const figs: FigureIn[] = s.figures.map((f) => ({ ...f, kind: kinds.get(f.indicator) ?? 'rate' }));
    const { score, items } = compositeScore(def, figs);
    return {
      subject: s.subject,
      label: s.label,
      districtCode: s.districtCode,
      figures: s.figures,
      items,
      score,
      grade: gradeOf(def, score),
    };
  });
  return rankOf(scored);
}

/** The newest published version of a period, if any. */
async function newestPublished(
  db: Db,
  type: string,
  from: string,
  to: string,
): Promise<RankingRow | undefined> {
  const [row] = await db
    .select()
    .from(evaluationRanking)
    .where(
      and(
        eq(evaluationRanking.subjectType, type),
        eq(evaluationRanking.periodFrom, from),
        eq(evaluationRanking.periodTo, to),
        eq(evaluationRanking.state, 'published'),
      ),
    )
    .orderBy(desc(evaluationRanking.version))
    .limit(1);
  return row;
}

const summary = (r: RankingRow) => ({
  id: r.id,
  subjectType: r.subjectType as SubjectType,
  from: r.periodFrom,
  to: r.periodTo,
  version: r.version,
  templateId: r.templateId,
  templateVersion: r.templateVersion,
  state: r.state,
  subjects: r.lines.length,
  previousFrom: r.previousFrom,
  previousTo: r.previousTo,
  previousSource: r.previousSource,
  computedBy: r.computedBy,
  computedAt: r.computedAt.toISOString(),
  publishedBy: r.publishedBy,
  publishedAt: r.publishedAt?.toISOString() ?? null,
  note: r.note,
});

/**
 * The lines of a ranking the caller may read: the city every one, a district its own subjects'.
 * Not a city-level unit's line: a ranking is the city's, so that line counts the unit's cases in
 * every district — another district's record, and a figure the district's own drill-down (its
 * cases only) would contradict. The district reads such a unit's figures over its own cases on the
 * figures page.
 */
export function visibleLines(ctx: RequestContext, r: Pick<RankingRow, 'lines'>): RankingLine[] {
  return r.lines.filter((l) => lineInScope(ctx.actor, l));
}

/** Computes the period's ranking of a subject type as a new draft version. */
export async function computeRanking(
  db: Db,
  ctx: RequestContext,
  input: { subjectType: SubjectType; from: string; to: string; note?: string },
) {
  requireEvaluationManage(ctx.actor);
  requireEvaluationRead(ctx.actor);
  const period = periodOf(input.from, input.to, 'body');
  if (period.from.getTime() > Date.now()) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `期间 ${input.from} 起尚未开始，没有可评价的记录`,
      en: `The period from ${input.from} has not begun: there is nothing to evaluate`,
      details: [{ field: 'body.from', message: 'the period must have begun' }],
    });
  }
  const template = await currentTemplate(db, ctx, input.subjectType);
  const def = template.definition;
  const inds = indicatorsOf(def);
  const lines = scoreLines(def, await computeFigures(db, ctx, input.subjectType, period, inds));

  // Movement against the previous period: its published ranking (what people saw) if there is
  // one, else the previous period scored now under the same template.
  const prev = previousPeriod(input.from, input.to);
  const published = await newestPublished(db, input.subjectType, prev.from, prev.to);
  const prevRanks = new Map<string, number | null>(
    published
      ? published.lines.map((l) => [l.subject, l.rank])
      : scoreLines(
          def,
          await computeFigures(db, ctx, input.subjectType, periodOf(prev.from, prev.to), inds),
        ).map((l) => [l.subject, l.rank]),
  );
  const full: RankingLine[] = lines.map((l) => {
    const previousRank = prevRanks.get(l.subject) ?? null;
    return {
      ...l,
      previousRank,
      movement: previousRank !== null && l.rank !== null ? previousRank - l.rank : null,
    };
  });

  return db.transaction(async (tx) => {
    const same = and(
      eq(evaluationRanking.subjectType, input.subjectType),
      eq(evaluationRanking.periodFrom, input.from),
      eq(evaluationRanking.periodTo, input.to),
    ) as SQL;
    const [{ v }] = await tx
      .select({ v: max(evaluationRanking.version) })
      .from(evaluationRanking)
      .where(same);
    const [row] = await tx
      .insert(evaluationRanking)
      .values({
        subjectType: input.subjectType,
        periodFrom: input.from,
        periodTo: input.to,
        version: (v ?? 0) + 1,
        templateId: template.id,
        templateVersion: template.version,
        state: 'draft',
        lines: full,
        previousFrom: prev.from,
        previousTo: prev.to,
        previousSource: published ? 'published' : 'computed',
        computedBy: ctx.actor.id ?? ctx.actor.name,
        note: input.note?.trim() || null,
      })
      .returning();
    await recordEvent(tx, ctx, {
      action: 'evaluation.ranking.compute',
      entityType: 'evaluation_ranking',
      entityId: row.id,
      districtCode: null,
      after: { ...summary(row) },
    });
    return { ...summary(row), lines: full };
  });
}

/** Rankings the caller may read, newest first: the city every one, a district the published ones. */
export async function listRankings(
  db: Db,
  ctx: RequestContext,
  input: { subjectType?: SubjectType; state?: 'draft' | 'published'; from?: string },
) {
  requireEvaluationRead(ctx.actor);
  const city = ctx.actor.scope.kind === 'city';
  const conds: SQL[] = [];
  if (input.subjectType) conds.push(eq(evaluationRanking.subjectType, input.subjectType));
  if (input.from) conds.push(eq(evaluationRanking.periodFrom, input.from));
  // A district reads published rankings only: asking for drafts finds none.
  if (!city) conds.push(eq(evaluationRanking.state, 'published'));
  if (input.state) conds.push(eq(evaluationRanking.state, input.state));
  const rows = await db
    .select()
    .from(evaluationRanking)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(
      desc(evaluationRanking.periodFrom),
      evaluationRanking.subjectType,
      desc(evaluationRanking.version),
    )
    .limit(200);
  return { items: rows.map((r) => ({ ...summary(r), subjects: visibleLines(ctx, r).length })) };
}

async function rankingRow(db: Db, ctx: RequestContext, id: string): Promise<RankingRow> {
  const [row] = await db.select().from(evaluationRanking).where(eq(evaluationRanking.id, id));
  // A district centre reads published rankings only; a draft is the city's working copy.
  if (!row || (row.state !== 'published' && ctx.actor.scope.kind !== 'city'))
    throw notFound({ zh: '考核排名', en: 'evaluation ranking' }, id);
  return row;
}

/** One ranking with the lines the caller may read. */
export async function getRanking(db: Db, ctx: RequestContext, id: string) {
  requireEvaluationRead(ctx.actor);
  const row = await rankingRow(db, ctx, id);
  return { ...summary(row), lines: visibleLines(ctx, row) };
}

/** For the exports: the ranking as the caller may read it. */
export const rankingForExport = getRanking;

/**
 * A leader approves and publishes a draft: from then on it is frozen. Publishing an older draft
 * after a newer version was published is refused (the newest published version is the one shown).
 */
export async function publishRanking(db: Db, ctx: RequestContext, id: string) {
  requireEvaluationPublish(ctx.actor);
  const row = await rankingRow(db, ctx, id);
  if (row.state === 'published') {
    throw new AppError('CONFLICT', {
      zh: `该排名（第 ${row.version} 版）已发布，不能再改；重新计算会生成新版本`,
      en: `This ranking (version ${row.version}) is already published and frozen; recomputing makes a new version`,
    });
  }
  const newer = await newestPublished(db, row.subjectType, row.periodFrom, row.periodTo);
  if (newer && newer.version > row.version) {
    throw new AppError('CONFLICT', {
      zh: `该期间已发布更新的第 ${newer.version} 版，不能再发布第 ${row.version} 版`,
      en: `Version ${newer.version} of this period is published already; version ${row.version} cannot be`,
    });
  }
  return db.transaction(async (tx) => {
    const [done] = await tx
      .update(evaluationRanking)
      .set({ state: 'published', publishedBy: ctx.actor.id ?? ctx.actor.name, publishedAt: new Date() })
      .where(and(eq(evaluationRanking.id, id), eq(evaluationRanking.state, 'draft')))
      .returning();
    if (!done) {
      throw new AppError('CONFLICT', {
        zh: '该排名刚被他人发布',
        en: 'This ranking was published by someone else just now',
      });
    }
    await recordEvent(tx, ctx, {
      action: 'evaluation.ranking.publish',
      entityType: 'evaluation_ranking',
      entityId: done.id,
      districtCode: null,
      before: { state: 'draft' },
      after: summary(done),
    });
    return { ...summary(done), lines: visibleLines(ctx, done) };
  });
}

/**
 * What the public portal shows: the newest published version of each period of districts' and
 * units' rankings — names, scores, grades, ranks and movement, and the template's items with each
 * subject's item scores. No people: posts and grids are never public.
 */
export async function publicRankings(
  db: Db,
  subjectType: (typeof PUBLIC_SUBJECT_TYPES)[number],
  from?: string,
) {
  const rows = await db
    .select()
    .from(evaluationRanking)
    .where(and(eq(evaluationRanking.subjectType, subjectType), eq(evaluationRanking.state, 'published')))
    .orderBy(desc(evaluationRanking.periodFrom), desc(evaluationRanking.version))
    .limit(500);
  // Newest version per period.
  const periods = new Map<string, RankingRow>();
  for (const r of rows) {
    const key = `${r.periodFrom}/${r.periodTo}`;
    if (!periods.has(key)) periods.set(key, r);
  }
  const list = [...periods.values()];
  const shown = from ? list.find((r) => r.periodFrom === from) : list[0];
  return {
    subjectType,
    periods: list.map((r) => ({
      from: r.periodFrom,
      to: r.periodTo,
      publishedAt: r.publishedAt!.toISOString(),
    })),
    ranking: shown
      ? {
          from: shown.periodFrom,
          to: shown.periodTo,
          version: shown.version,
          templateVersion: shown.templateVersion,
          publishedAt: shown.publishedAt!.toISOString(),
          lines: shown.lines.map((l) => ({
            label: l.label,
            score: l.score,
            grade: l.grade,
            rank: l.rank,
            previousRank: l.previousRank,
            movement: l.movement,
            items: l.items,
          })),
        }
      : null,
  };
}
