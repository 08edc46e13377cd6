/** Queries of the classifier's tables. */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, gt, isNull, type SQL, sql } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import type { LabelledLine } from './seed.ts';
import { textKey } from './seed.ts';
import { classifierSample, classifierState, type SampleSource } from './tables.ts';

export type SampleRow = typeof classifierSample.$inferSelect;
export type StateRow = typeof classifierState.$inferSelect;

export async function readState(db: Db): Promise<StateRow | undefined> {
  const [row] = await db.select().from(classifierState).where(eq(classifierState.id, 1));
  return row;
}

/**
 * The next revision, taken under the lock of the state row: held until the caller's transaction
 * ends, so revisions commit in the order they were taken and a reader that has seen revision r has
 * seen every change up to r.
 */
export async function nextRevision(tx: Db): Promise<number> {
  const [row] = await tx
    .update(classifierState)
    .set({ rev: sql`${classifierState.rev} + 1`, updatedAt: new Date() })
    .where(eq(classifierState.id, 1))
    .returning({ rev: classifierState.rev });
  if (!row) throw new Error('classifier_state has no row: the seed was never loaded');
  return row.rev;
}

/**
 * Makes the stored seed texts those of the file: adds the file's new lines, retires stored seed
 * texts the file no longer has, records the file's checksum. Serialised over every node with an
 * advisory lock; a database already holding this checksum changes nothing.
 */
export async function syncSeed(db: Db, lines: readonly LabelledLine[], checksum: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('cityops.classifier.seed'))`);
    let state = await readState(tx);
    if (state?.seedChecksum === checksum) return false;
    if (!state) {
      [state] = await tx
        .insert(classifierState)
        .values({ id: 1, instance: randomUUID(), rev: 0 })
        .returning();
    }
    const rev = await nextRevision(tx);
    const stored = await tx
      .select({
        id: classifierSample.id,
        textKey: classifierSample.textKey,
        matterCode: classifierSample.matterCode,
      })
      .from(classifierSample)
      .where(and(eq(classifierSample.source, 'seed'), isNull(classifierSample.retiredAt)));
    const wanted = new Map<string, LabelledLine & { key: string }>();
    for (const l of lines) {
      const key = textKey(l.text);
      wanted.set(`${key}|${l.code}`, { ...l, key });
    }
    const have = new Set(stored.map((s) => `${s.textKey}|${s.matterCode}`));
    const gone = stored.filter((s) => !wanted.has(`${s.textKey}|${s.matterCode}`)).map((s) => s.id);
    const fresh = [...wanted.entries()].filter(([k]) => !have.has(k)).map(([, l]) => l);
    if (gone.length > 0) {
      await tx.execute(sql`UPDATE classifier_sample SET retired_at = now(), retired_reason = 'seed file changed',
        rev = ${rev} WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(gone)}::jsonb))`);
    }
    for (let i = 0; i < fresh.length; i += 500) {
      await tx.insert(classifierSample).values(
        fresh.slice(i, i + 500).map((l) => ({
          source: 'seed' as const,
          matterCode: l.code,
          text: l.text,
          textKey: l.key,
          voice: l.voice,
          rev,
        })),
      );
    }
    await tx
      .update(classifierState)
      .set({ seedChecksum: checksum, updatedAt: new Date() })
      .where(eq(classifierState.id, 1));
    await recordEvent(tx, systemContext('classifier'), {
      action: 'classifier.seed',
      entityType: 'classifier_sample',
      entityId: null,
      districtCode: null,
      after: { checksum, added: fresh.length, retired: gone.length, revision: rev },
    });
    return true;
  });
}

export interface ModelRow {
  id: string;
  source: SampleSource;
  matterCode: string;
  text: string;
  rev: number;
  retired: boolean;
}

const modelColumns = {
  id: classifierSample.id,
  source: classifierSample.source,
  matterCode: classifierSample.matterCode,
  text: classifierSample.text,
  rev: classifierSample.rev,
  retiredAt: classifierSample.retiredAt,
};

const toModelRow = (r: { retiredAt: Date | null } & Omit<ModelRow, 'retired'>): ModelRow => ({
  id: r.id,
  source: r.source,
  matterCode: r.matterCode,
  text: r.text,
  rev: Number(r.rev),
  retired: r.retiredAt !== null,
});

/** What a model is built from: every active seed text, and the newest `cap` learned texts per type. */
export async function activeSamples(db: Db, cap: number): Promise<ModelRow[]> {
  const seed = await db
    .select(modelColumns)
    .from(classifierSample)
    .where(and(eq(classifierSample.source, 'seed'), isNull(classifierSample.retiredAt)))
    .orderBy(asc(classifierSample.rev), asc(classifierSample.id));
  const res = await db.execute(sql`
    SELECT id, source, matter_code, text, rev FROM (
      SELECT id, source, matter_code, text, rev, created_at,
        row_number() OVER (PARTITION BY matter_code ORDER BY rev DESC, created_at DESC, id DESC) AS n
      FROM classifier_sample WHERE source <> 'seed' AND retired_at IS NULL
    ) x WHERE n <= ${cap}
    ORDER BY rev, created_at, id`);
  const learned = (
    res as unknown as {
      rows: { id: string; source: SampleSource; matter_code: string; text: string; rev: number }[];
    }
  ).rows.map((r) => ({
    id: r.id,
    source: r.source,
    matterCode: r.matter_code,
    text: r.text,
    rev: Number(r.rev),
    retired: false,
  }));
  return [...seed.map(toModelRow), ...learned];
}

/** Every row changed after revision `rev` (added or retired), in revision order. */
export async function changedSince(db: Db, rev: number, upTo: number): Promise<ModelRow[]> {
  const rows = await db
    .select(modelColumns)
    .from(classifierSample)
    .where(and(gt(classifierSample.rev, rev), sql`${classifierSample.rev} <= ${upTo}`))
    .orderBy(asc(classifierSample.rev), asc(classifierSample.createdAt), asc(classifierSample.id));
  return rows.map(toModelRow);
}

export async function insertLearned(
  tx: Db,
  values: Omit<typeof classifierSample.$inferInsert, 'id' | 'createdAt'>,
): Promise<SampleRow> {
  const [row] = await tx.insert(classifierSample).values(values).returning();
  return row;
}

export async function findSample(db: Db, id: string, forUpdate = false): Promise<SampleRow | undefined> {
  const q = db.select().from(classifierSample).where(eq(classifierSample.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function retire(tx: Db, id: string, by: string | null, reason: string, rev: number) {
  const [row] = await tx
    .update(classifierSample)
    .set({ retiredAt: new Date(), retiredBy: by, retiredReason: reason, rev })
    .where(and(eq(classifierSample.id, id), isNull(classifierSample.retiredAt)))
    .returning();
  return row;
}

export async function listSamples(db: Db, where: SQL | undefined, page: number, pageSize: number) {
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(classifierSample)
      .where(where)
      // Learned texts first (what a reviewer is looking for), newest first; then the seed by type.
      .orderBy(
        sql`(${classifierSample.source} = 'seed')`,
        desc(classifierSample.createdAt),
        asc(classifierSample.matterCode),
        asc(classifierSample.id),
      )
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(classifierSample).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function countsBySource(db: Db, scope: SQL | undefined) {
  const retired = sql<boolean>`${classifierSample.retiredAt} IS NOT NULL`;
  const rows = await db
    .select({ source: classifierSample.source, retired, n: count() })
    .from(classifierSample)
    .where(scope)
    .groupBy(classifierSample.source, retired);
  const out = { seed: 0, confirmed: 0, corrected: 0, retired: 0 };
  for (const r of rows) {
    if (r.retired) out.retired += Number(r.n);
    else out[r.source] += Number(r.n);
  }
  return out;
}
