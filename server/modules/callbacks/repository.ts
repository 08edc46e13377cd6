import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { callback, satisfaction } from './tables.ts';

export type CallbackRow = typeof callback.$inferSelect;
export type SatisfactionRow = typeof satisfaction.$inferSelect;

/** Adds call-backs; one that exists for the same case and closing is left as it is. */
export async function insertCallbacks(db: Db, rows: (typeof callback.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(callback).values(rows).onConflictDoNothing();
}

/**
 * The pending call-back of a case's closing — of one report, or the oldest — locked for the
 * caller's transaction.
 */
export async function pendingCallbackOf(db: Db, caseId: string, closedAt: Date, reportId?: string) {
  const [row] = await db
    .select()
    .from(callback)
    .where(
      and(
        eq(callback.caseId, caseId),
        eq(callback.caseClosedAt, closedAt),
        eq(callback.status, 'pending'),
        reportId ? eq(callback.reportId, reportId) : undefined,
      ),
    )
    .orderBy(asc(callback.createdAt), asc(callback.id))
    .limit(1)
    .for('update');
  return row as CallbackRow | undefined;
}

/** The call-back of one report's closing, whatever its status (done: that reporter was heard). */
export async function callbackOfReport(db: Db, caseId: string, closedAt: Date, reportId: string) {
  const [row] = await db
    .select()
    .from(callback)
    .where(
      and(eq(callback.caseId, caseId), eq(callback.caseClosedAt, closedAt), eq(callback.reportId, reportId)),
    );
  return row as CallbackRow | undefined;
}

/** One call-back, locked for the caller's transaction. */
export async function callbackForUpdate(db: Db, id: string) {
  const [row] = await db.select().from(callback).where(eq(callback.id, id)).for('update');
  return row as CallbackRow | undefined;
}

/** Removes the pending call-backs of a closing that a reopening undid. */
export async function dropPendingCallbacks(db: Db, caseId: string, closedAt: Date): Promise<void> {
  await db
    .delete(callback)
    .where(
      and(eq(callback.caseId, caseId), eq(callback.caseClosedAt, closedAt), eq(callback.status, 'pending')),
    );
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

/** Where one satisfaction came from (phone, portal, Open311…), or undefined when there is none. */
export async function satisfactionSourceOf(db: Db, id: string) {
  const [row] = await db
    .select({ source: satisfaction.source })
    .from(satisfaction)
    .where(eq(satisfaction.id, id));
  return row?.source;
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
