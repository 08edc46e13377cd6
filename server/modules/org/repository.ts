import { and, asc, count, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { likeLiteral } from '../../platform/like.ts';
import { org } from './tables.ts';

export type OrgRow = typeof org.$inferSelect;

export async function findOrg(db: Db, id: string): Promise<OrgRow | undefined> {
  const [row] = await db.select().from(org).where(eq(org.id, id));
  return row;
}

export async function findOrgForUpdate(db: Db, id: string): Promise<OrgRow | undefined> {
  const [row] = await db.select().from(org).where(eq(org.id, id)).for('update');
  return row;
}

export async function findOrgByCode(db: Db, code: string): Promise<OrgRow | undefined> {
  const [row] = await db.select().from(org).where(eq(org.code, code));
  return row;
}

export async function listOrgs(
  db: Db,
  filters: { scope?: SQL; q?: string; kind?: OrgRow['kind']; districtCode?: string },
  page: number,
  pageSize: number,
): Promise<{ rows: OrgRow[]; total: number }> {
  const where = and(
    filters.scope,
    filters.q
      ? or(ilike(org.name, `%${likeLiteral(filters.q)}%`), ilike(org.code, `%${likeLiteral(filters.q)}%`))
      : undefined,
    filters.kind ? eq(org.kind, filters.kind) : undefined,
    filters.districtCode ? eq(org.districtCode, filters.districtCode) : undefined,
  );
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(org)
      .where(where)
      .orderBy(asc(org.kind), asc(org.districtCode), asc(org.name))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(org).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function insertOrg(db: Db, values: typeof org.$inferInsert): Promise<OrgRow> {
  const [row] = await db.insert(org).values(values).returning();
  return row;
}

export async function updateOrg(
  db: Db,
  id: string,
  version: number,
  patch: Partial<typeof org.$inferInsert>,
): Promise<OrgRow | undefined> {
  const [row] = await db
    .update(org)
    .set({ ...patch, updatedAt: new Date(), version: version + 1 })
    .where(and(eq(org.id, id), eq(org.version, version)))
    .returning();
  return row;
}

/** The city centre, or the district centre of a district: who a case escalates to. */
export async function centreOf(db: Db, level: 'district' | 'city', districtCode: string) {
  const [row] = await db
    .select()
    .from(org)
    .where(
      level === 'city'
        ? eq(org.kind, 'city_center')
        : and(eq(org.kind, 'district_center'), eq(org.districtCode, districtCode)),
    )
    .limit(1);
  return row;
}
