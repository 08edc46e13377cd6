import { and, asc, count, desc, eq, getViewSelectedFields, ilike, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { event } from '../../platform/event-table.ts';
import { likeLiteral } from '../../platform/like.ts';
import { type OrgRelationRow, orgRelation } from '../org/index.ts';
import { delivery, unitEndpoint } from './tables.ts';

export type EndpointRow = typeof unitEndpoint.$inferSelect;
export type DeliveryRow = typeof delivery.$inferSelect;
export type OrgRow = OrgRelationRow;
type Status = DeliveryRow['status'];

/** Units (filtered by scope) with their endpoint, if any, by name. */
export async function listUnits(
  db: Db,
  scope: SQL | undefined,
  q: string | undefined,
  page: number,
  size: number,
) {
  const where = and(scope, q ? ilike(orgRelation.name, `%${likeLiteral(q)}%`) : undefined);
  const [rows, [{ n }]] = await Promise.all([
    db
      .select({ org: getViewSelectedFields(orgRelation), endpoint: unitEndpoint })
      .from(orgRelation)
      .leftJoin(unitEndpoint, eq(unitEndpoint.orgId, orgRelation.id))
      .where(where)
      .orderBy(asc(orgRelation.name), asc(orgRelation.id))
      .limit(size)
      .offset((page - 1) * size),
    db.select({ n: count() }).from(orgRelation).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function deliveryCounts(db: Db, orgIds: string[]) {
  const out = new Map<string, Record<Status, number>>();
  if (orgIds.length === 0) return out;
  const rows = await db
    .select({ orgId: delivery.orgId, status: delivery.status, n: count() })
    .from(delivery)
    .where(inArray(delivery.orgId, orgIds))
    .groupBy(delivery.orgId, delivery.status);
  for (const r of rows) {
    const c = out.get(r.orgId) ?? { pending: 0, delivered: 0, dead: 0 };
    c[r.status] = Number(r.n);
    out.set(r.orgId, c);
  }
  return out;
}

export async function findEndpoint(db: Db, orgId: string, forUpdate = false) {
  const q = db.select().from(unitEndpoint).where(eq(unitEndpoint.orgId, orgId));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row as EndpointRow | undefined;
}

export async function insertEndpoint(db: Db, values: typeof unitEndpoint.$inferInsert) {
  const [row] = await db.insert(unitEndpoint).values(values).onConflictDoNothing().returning();
  return row as EndpointRow | undefined;
}

export async function updateEndpoint(
  db: Db,
  orgId: string,
  version: number,
  set: Partial<typeof unitEndpoint.$inferInsert>,
) {
  const [row] = await db
    .update(unitEndpoint)
    .set({ ...set, version: version + 1, updatedAt: new Date() })
    .where(and(eq(unitEndpoint.orgId, orgId), eq(unitEndpoint.version, version)))
    .returning();
  return row as EndpointRow | undefined;
}

export async function listDeliveries(
  db: Db,
  orgId: string,
  status: Status | undefined,
  page: number,
  size: number,
) {
  const where = and(eq(delivery.orgId, orgId), status ? eq(delivery.status, status) : undefined);
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(delivery)
      .where(where)
      .orderBy(desc(delivery.createdAt), desc(delivery.id))
      .limit(size)
      .offset((page - 1) * size),
    db.select({ n: count() }).from(delivery).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function findDelivery(db: Db, id: string, forUpdate = false) {
  const q = db.select().from(delivery).where(eq(delivery.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row as DeliveryRow | undefined;
}

/** Back to the queue, due now, as if never tried. */
export async function resetDelivery(db: Db, id: string) {
  const [row] = await db
    .update(delivery)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: sql`now()`, lastError: null, deliveredAt: null })
    .where(eq(delivery.id, id))
    .returning();
  return row;
}

export async function eventOf(db: Db, id: number) {
  const [row] = await db
    .select({ id: event.id, action: event.action, at: event.at })
    .from(event)
    .where(eq(event.id, id));
  return row;
}
