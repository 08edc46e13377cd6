import { and, count, desc, eq, gte, ilike, lt, sql } from 'drizzle-orm';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { event } from '../../platform/event-table.ts';
import { likeLiteral } from '../../platform/like.ts';
import { caseIdByCode } from '../cases/index.ts';
import { auditRead } from './policy.ts';
import type { AuditQueryT } from './schemas.ts';

export async function listEvents(db: Db, ctx: RequestContext, q: AuditQueryT) {
  auditRead.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  // A case code names one case; an unknown code matches nothing (an empty page, not an error).
  const caseId = q.caseCode ? ((await caseIdByCode(db, q.caseCode.trim())) ?? null) : undefined;
  const where = and(
    auditRead.filter(ctx.actor),
    caseId === undefined
      ? undefined
      : caseId === null
        ? sql`false`
        : and(eq(event.entityType, 'case'), eq(event.entityId, caseId)),
    q.actorId ? eq(event.actorId, q.actorId) : undefined,
    q.actorName ? ilike(event.actorName, `%${likeLiteral(q.actorName)}%`) : undefined,
    q.entityType ? eq(event.entityType, q.entityType) : undefined,
    q.entityId ? eq(event.entityId, q.entityId) : undefined,
    q.action ? eq(event.action, q.action) : undefined,
    q.from ? gte(event.at, new Date(q.from)) : undefined,
    q.to ? lt(event.at, new Date(q.to)) : undefined,
  );
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(event)
      .where(where)
      .orderBy(desc(event.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(event).where(where),
  ]);
  return {
    items: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
    total: Number(n),
    page,
    pageSize,
  };
}
