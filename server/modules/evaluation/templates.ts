/**
 * Evaluation templates (考核模板): one per subject type, versioned like disposal standards — an
 * edit makes a new version and the previous stays, so a ranking names exactly the version that
 * scored it. The platform's defaults (common/evaluation-template.ts, from domain.md §8) are seeded
 * whenever a type has none.
 */
import { isDeepStrictEqual } from 'node:util';
import { and, desc, eq } from 'drizzle-orm';
import {
  DEFAULT_TEMPLATES,
  type TemplateDefinition,
  templateProblems,
} from '../../../common/evaluation-template.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import { type Db, isUniqueViolation } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { INDICATORS, SUBJECT_TYPES, type SubjectType } from './indicators.ts';
import { requireEvaluationManage, requireEvaluationRead } from './policy.ts';
import { evaluationTemplate } from './tables.ts';

export type TemplateRow = typeof evaluationTemplate.$inferSelect;

const applicableTo = (type: SubjectType) =>
  new Map(INDICATORS.filter((i) => i.subjects.includes(type)).map((i) => [i.key, i.kind] as const));

/** Seeds the default template of every subject type that has none (idempotent). */
export async function seedEvaluationTemplates(db: Db, ctx: RequestContext): Promise<void> {
  const have = new Set(
    (await db.selectDistinct({ t: evaluationTemplate.subjectType }).from(evaluationTemplate)).map((r) => r.t),
  );
  for (const type of SUBJECT_TYPES) {
    if (have.has(type)) continue;
    const [row] = await db
      .insert(evaluationTemplate)
      .values({
        subjectType: type,
        version: 1,
        current: true,
        isDefault: true,
        definition: DEFAULT_TEMPLATES[type],
        note: '平台默认模板（domain.md §8 示例） / the platform’s default (domain.md §8)',
        createdBy: ctx.actor.id,
      })
      .onConflictDoNothing()
      .returning();
    if (row)
      await recordEvent(db, ctx, {
        action: 'evaluation.template.create',
        entityType: 'evaluation_template',
        districtCode: null,
        entityId: row.id,
        after: row,
      });
  }
}

/** The current template of a type (seeding the default if the type has none yet). */
export async function currentTemplate(db: Db, ctx: RequestContext, type: SubjectType): Promise<TemplateRow> {
  const find = () =>
    db
      .select()
      .from(evaluationTemplate)
      .where(and(eq(evaluationTemplate.subjectType, type), eq(evaluationTemplate.current, true)))
      .limit(1);
  let [row] = await find();
  if (!row) {
    await seedEvaluationTemplates(db, ctx);
    [row] = await find();
  }
  return row;
}

const view = (r: TemplateRow) => ({
  id: r.id,
  subjectType: r.subjectType as SubjectType,
  version: r.version,
  current: r.current,
  isDefault: r.isDefault,
  definition: r.definition,
  note: r.note,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
});

/** The current template of every subject type. */
export async function listTemplates(db: Db, ctx: RequestContext) {
  requireEvaluationRead(ctx.actor);
  const items = [];
  for (const type of SUBJECT_TYPES) items.push(view(await currentTemplate(db, ctx, type)));
  return { items };
}

/** Every version of a type's template, newest first. */
export async function templateVersions(db: Db, ctx: RequestContext, type: SubjectType) {
  requireEvaluationRead(ctx.actor);
  await currentTemplate(db, ctx, type);
  const rows = await db
    .select()
    .from(evaluationTemplate)
    .where(eq(evaluationTemplate.subjectType, type))
    .orderBy(desc(evaluationTemplate.version));
  return { items: rows.map(view) };
}

/** One version by id (a ranking's template). */
export async function templateById(db: Db, ctx: RequestContext, id: string) {
  requireEvaluationRead(ctx.actor);
  const [row] = await db.select().from(evaluationTemplate).where(eq(evaluationTemplate.id, id));
  if (!row) throw notFound({ zh: '考核模板', en: 'evaluation template' }, id);
  return view(row);
}

/** Equal as stored: key order and absent optional fields do not matter. */
const sameDefinition = (a: unknown, b: unknown) =>
  isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));

/**
 * Saves a new version of a type's template. `baseVersion` is the version the editor started from:
 * another edit saved meanwhile is a 409, not silently overwritten.
 */
export async function saveTemplate(
  db: Db,
  ctx: RequestContext,
  type: SubjectType,
  input: { baseVersion: number; definition: TemplateDefinition; note?: string },
) {
  requireEvaluationManage(ctx.actor);
  const problems = templateProblems(input.definition, applicableTo(type));
  if (problems.length) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `考核模板有误：${problems.map((p) => p.zh).join('；')}`,
      en: `The template is not valid: ${problems.map((p) => p.en).join('; ')}`,
      details: problems.map((p) => ({ field: `body.definition.${p.field}`, message: p.en })),
      detailsZh: problems.map((p) => ({ field: `body.definition.${p.field}`, message: p.zh })),
    });
  }
  const current = await currentTemplate(db, ctx, type);
  if (current.version !== input.baseVersion) {
    throw new AppError('CONFLICT', {
      zh: `模板已被他人修改（现为第 ${current.version} 版），请刷新后再改`,
      en: `The template was changed meanwhile (now version ${current.version}); reload and edit again`,
    });
  }
  // Saving what is already the current version changes nothing: no new version (rankings would
  // name a "new" template that scores exactly as the old), no event; the current one is answered.
  if (sameDefinition(current.definition, input.definition)) return view(current);
  try {
    return await db.transaction(async (tx) => {
      await tx
        .update(evaluationTemplate)
        .set({ current: false })
        .where(and(eq(evaluationTemplate.id, current.id), eq(evaluationTemplate.current, true)));
      const [row] = await tx
        .insert(evaluationTemplate)
        .values({
          subjectType: type,
          version: current.version + 1,
          current: true,
          isDefault: false,
          definition: input.definition,
          note: input.note?.trim() || null,
          createdBy: ctx.actor.id,
        })
        .returning();
      await recordEvent(tx, ctx, {
        action: 'evaluation.template.update',
        entityType: 'evaluation_template',
        districtCode: null,
        entityId: row.id,
        before: current,
        after: row,
      });
      return view(row);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('CONFLICT', {
        zh: '模板已被他人同时修改，请刷新后再改',
        en: 'The template was changed at the same time; reload and edit again',
      });
    throw err;
  }
}
