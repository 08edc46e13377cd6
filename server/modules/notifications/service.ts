/** The in-app inbox: a user reads and marks their own notifications, nobody else's. */
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Notice } from '../../../common/events.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { inbox } from './policy.ts';
import { notification } from './tables.ts';

/** A notification before it has an id. */
type NewNotification = typeof notification.$inferInsert;

/**
 * Writes notices in the caller's transaction, in batches (a timer sweep may write thousands). A
 * notice of a group (`Notice.group`) counts on its user's unread row of that group when there is
 * one — INSERT … ON CONFLICT on the unique index of unread groups, so two transactions racing
 * on one group end with one row counting both — and takes the latest kind, words and time.
 * Repeats within the batch are counted together first (one statement may not touch a row twice).
 */
export async function insertNotifications(db: Db, notices: readonly Notice[]): Promise<void> {
  const now = new Date();
  const single: NewNotification[] = [];
  const grouped = new Map<string, NewNotification & { count: number }>();
  for (const n of notices) {
    const row = { userId: n.userId, caseId: n.caseId, kind: n.kind, params: n.params };
    if (!n.group) {
      single.push(row);
      continue;
    }
    const key = `${n.userId}\u0000${n.group}`;
    const seen = grouped.get(key);
    // Later notices of the batch are the latest: they give the row its kind and words.
    grouped.set(key, { ...row, groupKey: n.group, count: (seen?.count ?? 0) + 1, lastAt: now });
  }
  for (let i = 0; i < single.length; i += 1000)
    await db.insert(notification).values(single.slice(i, i + 1000));
  const rows = [...grouped.values()];
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insert(notification)
      .values(rows.slice(i, i + 1000))
      .onConflictDoUpdate({
        target: [notification.userId, notification.groupKey],
        targetWhere: sql`read_at IS NULL AND group_key IS NOT NULL`,
        set: {
          count: sql`${notification.count} + excluded.count`,
          kind: sql`excluded.kind`,
          params: sql`excluded.params`,
          caseId: sql`excluded.case_id`,
          lastAt: sql`excluded.last_at`,
        },
      });
  }
}

/** The caller's inbox as a SQL condition; 403 for a caller that has none (an API key). */
function ownInbox(ctx: RequestContext) {
  if (!inbox.reachesAny(ctx.actor))
    throw new AppError('FORBIDDEN', { zh: '仅限用户账号', en: 'Only user accounts have an inbox' });
  return inbox.filter(ctx.actor);
}

export async function listNotifications(
  db: Db,
  ctx: RequestContext,
  q: { unread?: boolean; page?: number; pageSize?: number },
) {
  const mine = ownInbox(ctx);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const where = and(mine, q.unread ? isNull(notification.readAt) : undefined);
  const [rows, [{ n }], [{ unread }]] = await Promise.all([
    db
      .select()
      .from(notification)
      .where(where)
      .orderBy(desc(notification.lastAt), desc(notification.createdAt))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(notification).where(where),
    db
      .select({ unread: count() })
      .from(notification)
      .where(and(mine, isNull(notification.readAt))),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      caseId: r.caseId,
      kind: r.kind,
      params: r.params,
      count: r.count,
      readAt: r.readAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      lastAt: r.lastAt.toISOString(),
    })),
    total: Number(n),
    unread: Number(unread),
    page,
    pageSize,
  };
}

export async function markRead(db: Db, ctx: RequestContext, id: string | 'all') {
  const mine = ownInbox(ctx);
  await db.transaction(async (tx) => {
    const where = id === 'all' ? and(mine, isNull(notification.readAt)) : and(eq(notification.id, id), mine);
    const rows = await tx
      .update(notification)
      .set({ readAt: new Date() })
      .where(where)
      .returning({ id: notification.id });
    if (id !== 'all' && rows.length === 0) {
      const [exists] = await tx
        .select({ id: notification.id })
        .from(notification)
        .where(and(eq(notification.id, id), mine));
      if (!exists) throw notFound('notification', id);
    }
    await recordEvent(tx, ctx, {
      action: 'notification.read',
      entityType: 'notification',
      entityId: id,
      districtCode: null,
      after: { count: rows.length },
    });
  });
}
