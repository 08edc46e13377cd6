/** The in-app inbox: a user reads and marks their own notifications, nobody else's. */
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { inbox } from './policy.ts';
import { notification } from './tables.ts';

/** A notification before it has an id. */
export type NewNotification = typeof notification.$inferInsert;

/** Writes notifications in the caller's transaction, in batches (a timer sweep may write thousands). */
export async function insertNotifications(db: Db, rows: readonly NewNotification[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(notification).values(rows.slice(i, i + 1000));
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
      .orderBy(desc(notification.createdAt))
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
      readAt: r.readAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
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
