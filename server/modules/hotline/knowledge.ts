/**
 * The hotline's knowledge base (知识库): entries of question, answer, keywords and category, searched
 * as the operator types the caller's question (grams of the question, keywords and category — the
 * title — and of the answer: knowledge-text.ts), edited by holders of `knowledge:manage`. Every
 * write is audited in its transaction; an entry is never deleted (a finished enquiry names the
 * entry it was answered from), it is disabled.
 */
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { KNOWLEDGE_QUESTION_MAX } from '../../../common/hotline.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { minSharedGrams, normaliseText, SCORE, titleText, topicGrams } from './knowledge-text.ts';
import { requireKnowledgeManage, requireKnowledgeRead } from './policy.ts';
import type { KnowledgeBodyT, KnowledgeListQueryT, KnowledgeUpdateBodyT } from './schemas.ts';
import { knowledgeEntry } from './tables.ts';

type EntryRow = typeof knowledgeEntry.$inferSelect;

export interface KnowledgeWrite {
  question: string;
  answer: string;
  keywords: string[];
  category: string;
  enabled: boolean;
  generated: boolean;
}

const json = (v: unknown) => JSON.stringify(v);

/** Cleans what an editor typed: trimmed, keywords without blanks or repeats. */
function clean(body: KnowledgeBodyT): Omit<KnowledgeWrite, 'generated'> {
  const keywords = [...new Set(body.keywords.map((k) => k.trim()).filter((k) => k.length > 0))];
  const out = {
    question: body.question.trim(),
    answer: body.answer.trim(),
    keywords,
    category: body.category.trim(),
    enabled: body.enabled ?? true,
  };
  const problems: { field: string; message: string }[] = [];
  if (out.question.length === 0) problems.push({ field: 'body.question', message: 'must not be blank' });
  if (out.answer.length === 0) problems.push({ field: 'body.answer', message: 'must not be blank' });
  if (out.category.length === 0) problems.push({ field: 'body.category', message: 'must not be blank' });
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      zh: '问题、答案和分类不能为空',
      en: 'Question, answer and category must not be blank',
      details: problems,
    });
  }
  if (topicGrams([out.question, ...out.keywords].join(' ')).length === 0) {
    throw new AppError('VALIDATION_FAILED', {
      zh: '问题和关键词中没有可检索的内容（只有“请问、怎么”之类的词）',
      en: 'The question and keywords hold nothing to search by (only words like 请问, 怎么)',
      details: [{ field: 'body.question', message: 'no searchable words' }],
    });
  }
  return out;
}

/** Writes the grams of these entries (their old grams removed first). */
async function writeGrams(tx: Db, rows: readonly { id: string; title: string; answer: string }[]) {
  if (rows.length === 0) return;
  await tx.execute(sql`DELETE FROM knowledge_gram WHERE entry_id IN
    (SELECT value::uuid FROM jsonb_array_elements_text(${json(rows.map((r) => r.id))}::jsonb))`);
  const grams = rows.flatMap((r) => [
    ...topicGrams(r.title).map((gram) => ({ gram, entry_id: r.id, part: 't' })),
    ...topicGrams(r.answer).map((gram) => ({ gram, entry_id: r.id, part: 'a' })),
  ]);
  for (let i = 0; i < grams.length; i += 5000) {
    await tx.execute(sql`
      INSERT INTO knowledge_gram (gram, entry_id, part)
      SELECT gram, entry_id, part FROM jsonb_to_recordset(${json(grams.slice(i, i + 5000))}::jsonb)
        AS x(gram text, entry_id uuid, part text)`);
  }
}

/** Inserts entries with their grams in the caller's transaction (the editor's create, the demo seed). */
export async function insertEntries(
  tx: Db,
  rows: readonly KnowledgeWrite[],
  by: string | null,
): Promise<EntryRow[]> {
  if (rows.length === 0) return [];
  const inserted = await tx
    .insert(knowledgeEntry)
    .values(
      rows.map((r) => ({
        ...r,
        titleGramCount: topicGrams(titleText(r)).length,
        createdBy: by,
        updatedBy: by,
      })),
    )
    .returning();
  await writeGrams(
    tx,
    inserted.map((e) => ({ id: e.id, title: titleText(e), answer: e.answer })),
  );
  return inserted;
}

export const toEntryDto = (e: EntryRow, score: number | null = null) => ({
  id: e.id,
  question: e.question,
  answer: e.answer,
  keywords: e.keywords,
  category: e.category,
  enabled: e.enabled,
  generated: e.generated,
  answeredCount: e.answeredCount,
  version: e.version,
  updatedAt: e.updatedAt.toISOString(),
  score,
});

interface Candidate {
  id: string;
  title_shared: number;
  answer_shared: number;
}

/** The ranking of knowledge-text.ts over the candidates of a query. */
function scoreOf(e: EntryRow, c: Candidate, queryGrams: number, normQuery: string): number {
  const keywordHits = e.keywords.filter((k) => {
    const nk = normaliseText(k).replace(/ /g, '');
    return nk.length > 0 && normQuery.includes(nk);
  }).length;
  const score =
    c.title_shared / queryGrams +
    SCORE.answer * (c.answer_shared / queryGrams) +
    SCORE.dice * ((2 * c.title_shared) / (queryGrams + e.titleGramCount)) +
    SCORE.keyword * keywordHits +
    SCORE.popular * Math.log10(1 + e.answeredCount);
  return Math.round(score * 1000) / 1000;
}

/**
 * Entries matching a caller's question, best first: candidates share at least a third of the
 * query's topic grams (title or answer), ranked by `scoreOf`.
 */
async function search(
  db: Db,
  q: string,
  opts: { category?: string; includeDisabled: boolean; limit: number },
) {
  const grams = topicGrams(q);
  if (grams.length === 0) return { items: [], total: 0 };
  const res = await db.execute(sql`
    WITH q AS (SELECT DISTINCT value AS gram FROM jsonb_array_elements_text(${json(grams)}::jsonb))
    SELECT g.entry_id::text AS id,
      count(DISTINCT g.gram) FILTER (WHERE g.part = 't')::int AS title_shared,
      count(DISTINCT g.gram) FILTER (WHERE g.part = 'a')::int AS answer_shared
    FROM knowledge_gram g JOIN q ON g.gram = q.gram
    GROUP BY g.entry_id
    HAVING count(DISTINCT g.gram) >= ${minSharedGrams(grams.length)}::int
    ORDER BY count(DISTINCT g.gram) DESC, g.entry_id
    LIMIT 500`);
  const candidates = (res as unknown as { rows: Candidate[] }).rows;
  if (candidates.length === 0) return { items: [], total: 0 };
  const entries = await db
    .select()
    .from(knowledgeEntry)
    .where(
      and(
        sql`${knowledgeEntry.id} IN (SELECT value::uuid FROM jsonb_array_elements_text(${json(candidates.map((c) => c.id))}::jsonb))`,
        opts.includeDisabled ? undefined : eq(knowledgeEntry.enabled, true),
        opts.category ? eq(knowledgeEntry.category, opts.category) : undefined,
      ),
    );
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const normQuery = normaliseText(q).replace(/ /g, '');
  const ranked = entries
    .map((e) => ({ e, score: scoreOf(e, byId.get(e.id)!, grams.length, normQuery) }))
    .sort((a, b) => b.score - a.score || a.e.question.localeCompare(b.e.question, 'zh'));
  return { items: ranked.slice(0, opts.limit).map((x) => toEntryDto(x.e, x.score)), total: ranked.length };
}

async function categories(db: Db, includeDisabled: boolean) {
  const rows = await db
    .select({ category: knowledgeEntry.category, n: count() })
    .from(knowledgeEntry)
    .where(includeDisabled ? undefined : eq(knowledgeEntry.enabled, true))
    .groupBy(knowledgeEntry.category)
    .orderBy(asc(knowledgeEntry.category));
  return rows.map((r) => ({ category: r.category, count: Number(r.n) }));
}

/**
 * `GET /api/hotline/knowledge`: with `q`, the entries matching a caller's question, best first
 * (the first page only: a ranked answer has no further pages worth reading); without, the entries
 * by category and question. Disabled entries only for editors who ask for them.
 */
export async function listKnowledge(db: Db, ctx: RequestContext, query: KnowledgeListQueryT) {
  requireKnowledgeRead(ctx.actor);
  const includeDisabled = query.includeDisabled === true;
  if (includeDisabled) requireKnowledgeManage(ctx.actor);
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const q = query.q?.trim() ?? '';
  if ([...q].length > KNOWLEDGE_QUESTION_MAX) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `检索内容最多 ${KNOWLEDGE_QUESTION_MAX} 个字`,
      en: `q must be at most ${KNOWLEDGE_QUESTION_MAX} characters`,
      details: [{ field: 'querystring.q', message: 'too long' }],
    });
  }
  const cats = await categories(db, includeDisabled);
  if (q !== '') {
    const found = await search(db, q, { category: query.category, includeDisabled, limit: pageSize });
    return { ...found, page: 1, pageSize, categories: cats };
  }
  const where = and(
    includeDisabled ? undefined : eq(knowledgeEntry.enabled, true),
    query.category ? eq(knowledgeEntry.category, query.category) : undefined,
  );
  const [rows, [{ n }]] = [
    await db
      .select()
      .from(knowledgeEntry)
      .where(where)
      .orderBy(asc(knowledgeEntry.category), asc(knowledgeEntry.question), asc(knowledgeEntry.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    await db.select({ n: count() }).from(knowledgeEntry).where(where),
  ];
  return { items: rows.map((e) => toEntryDto(e)), total: Number(n), page, pageSize, categories: cats };
}

async function findEntry(db: Db, id: string, forUpdate = false) {
  const q = db.select().from(knowledgeEntry).where(eq(knowledgeEntry.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

/** An entry the operator may read: enabled, or any to an editor. */
export async function getKnowledge(db: Db, ctx: RequestContext, id: string) {
  requireKnowledgeRead(ctx.actor);
  const e = await findEntry(db, id);
  const editor = ctx.actor.permissions.includes('knowledge:manage');
  if (!e || (!e.enabled && !editor)) throw notFound({ zh: '知识条目', en: 'Knowledge entry' }, id);
  return toEntryDto(e);
}

/** The entry an enquiry was answered from must exist and be enabled (checked when a call is finished). */
export async function enabledEntry(db: Db, id: string) {
  const e = await findEntry(db, id);
  return e?.enabled ? e : undefined;
}

/** Counts an enquiry answered from the entry (a popular answer ranks a little higher). */
export async function countAnswered(tx: Db, id: string) {
  await tx
    .update(knowledgeEntry)
    .set({ answeredCount: sql`${knowledgeEntry.answeredCount} + 1` })
    .where(eq(knowledgeEntry.id, id));
}

const snapshot = (e: ReturnType<typeof clean> | EntryRow) => ({
  question: e.question,
  answer: e.answer,
  keywords: e.keywords,
  category: e.category,
  enabled: e.enabled,
});

export async function createKnowledge(db: Db, ctx: RequestContext, body: KnowledgeBodyT) {
  requireKnowledgeManage(ctx.actor);
  const v = clean(body);
  return db.transaction(async (tx) => {
    const [e] = await insertEntries(tx, [{ ...v, generated: false }], ctx.actor.id);
    await recordEvent(tx, ctx, {
      action: 'knowledge.create',
      entityType: 'knowledge_entry',
      entityId: e.id,
      districtCode: null,
      after: snapshot(e),
    });
    return toEntryDto(e);
  });
}

export async function updateKnowledge(db: Db, ctx: RequestContext, id: string, body: KnowledgeUpdateBodyT) {
  requireKnowledgeManage(ctx.actor);
  const v = clean(body);
  return db.transaction(async (tx) => {
    const before = await findEntry(tx, id, true);
    if (!before) throw notFound({ zh: '知识条目', en: 'Knowledge entry' }, id);
    if (before.version !== body.version) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${before.version}` }],
      });
    }
    const [e] = await tx
      .update(knowledgeEntry)
      .set({
        ...v,
        titleGramCount: topicGrams(titleText(v)).length,
        // An entry an editor has rewritten is the city's own, no longer the demo's (switching it
        // off or on changes nothing of its words).
        generated:
          before.generated &&
          JSON.stringify(snapshot({ ...v, enabled: before.enabled })) === JSON.stringify(snapshot(before)),
        updatedBy: ctx.actor.id,
        updatedAt: new Date(),
        version: before.version + 1,
      })
      .where(and(eq(knowledgeEntry.id, id), eq(knowledgeEntry.version, before.version)))
      .returning();
    if (!e) throw new AppError('CONFLICT');
    await writeGrams(tx, [{ id, title: titleText(e), answer: e.answer }]);
    await recordEvent(tx, ctx, {
      action: 'knowledge.update',
      entityType: 'knowledge_entry',
      entityId: id,
      districtCode: null,
      before: snapshot(before),
      after: snapshot(e),
    });
    return toEntryDto(e);
  });
}
