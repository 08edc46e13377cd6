import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { callback, satisfaction } from './tables.ts';

export type CallbackRow = typeof callback.$inferSelect;
export type SatisfactionRow = typeof satisfaction.$inferSelect;

/** Adds call-backs; one that exists for the same case and closing is left as it is. */
export async function insertCallbacks(db: Db, rows: (typeof callback.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(callback).values(rows).onConflictDoNothing();
}

/** The pending call-back of a case's closing, locked for the caller's transaction. */
export async function pendingCallbackOf(db: Db, caseId: string, closedAt: Date) {
  const [row] = await db
    .select()
    .from(callback)
    .where(
      and(eq(callback.caseId, caseId), eq(callback.caseClosedAt, closedAt), eq(callback.status, 'pending')),
    )
    .for('update');
  return row as CallbackRow | undefined;
}

export async function findSatisfaction(db: Db, caseId: string, source: string, closedAt: Date) {
  const [row] = await db
    .select({ id: satisfaction.id })
    .from(satisfaction)
    .where(
      and(
        eq(satisfaction.caseId, caseId),
        eq(satisfaction.source, source as SatisfactionRow['source']),
        eq(satisfaction.caseClosedAt, closedAt),
      ),
    );
  return row;
}

/** The latest satisfaction recorded for one closing of a case, from any source. */
export async function latestSatisfaction(
  db: Db,
  caseId: string,
  closedAt: Date,
): Promise<SatisfactionRow | undefined> {
  const [row] = await db
    .select()
    .from(satisfaction)
    .where(and(eq(satisfaction.caseId, caseId), eq(satisfaction.caseClosedAt, closedAt)))
    .orderBy(desc(satisfaction.createdAt), desc(satisfaction.id))
    .limit(1);
  return row;
}

/** Whether a rating from this source has reopened the case before (at any of its closings). */
export async function reopenedBySource(db: Db, caseId: string, source: string): Promise<boolean> {
  const [row] = await db
    .select({ id: satisfaction.id })
    .from(satisfaction)
    .where(
      and(
        eq(satisfaction.caseId, caseId),
        eq(satisfaction.source, source as SatisfactionRow['source']),
        eq(satisfaction.reopened, true),
      ),
    )
    .limit(1);
  return !!row;
}
