/** The in-app inbox: a user reads and marks their own notifications, nobody else's. */
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { notification } from './tables.ts';

function userId(ctx: RequestContext): string {
  if (ctx.actor.type !== 'user' || !ctx.actor.id)
    throw new AppError('FORBIDDEN', { zh: '仅限用户账号', en: 'Only user accounts have an inbox' });
  return ctx.actor.id;
}

export async function listNotifications(
  db: Db,
  ctx: RequestContext,
  q: { unread?: boolean; page?: number; pageSize?: number },
) {
  const uid = userId(ctx);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const where = and(eq(notification.userId, uid), q.unread ? isNull(notification.readAt) : undefined);
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
      .where(and(eq(notification.userId, uid), isNull(notification.readAt))),
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
  const uid = userId(ctx);
  await db.transaction(async (tx) => {
    const where =
      id === 'all'
        ? and(eq(notification.userId, uid), isNull(notification.readAt))
        : and(eq(notification.id, id), eq(notification.userId, uid));
    const rows = await tx
      .update(notification)
      .set({ readAt: new Date() })
      .where(where)
      .returning({ id: notification.id });
    if (id !== 'all' && rows.length === 0) {
      const [exists] = await tx
        .select({ id: notification.id })
        .from(notification)
        .where(and(eq(notification.id, id), eq(notification.userId, uid)));
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
