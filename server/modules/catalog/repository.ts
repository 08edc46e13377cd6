import { and, asc, count, desc, eq, ilike, like, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { likeLiteral } from '../../platform/like.ts';
import type { CatalogKind } from './reference.ts';
import { catalogType, disposalStandard } from './tables.ts';

export type TypeRow = typeof catalogType.$inferSelect;
export type StandardRow = typeof disposalStandard.$inferSelect;

export interface TypeFilters {
  kind?: CatalogKind;
  major?: string;
  q?: string;
  enabled?: boolean;
  local?: boolean;
}

export async function listTypes(
  db: Db,
  f: TypeFilters,
  page: number,
  pageSize: number,
): Promise<{ rows: TypeRow[]; total: number }> {
  const q = f.q?.replace(/[\\%_]/g, (c) => `\\${c}`);
  const where: SQL | undefined = and(
    f.kind ? eq(catalogType.kind, f.kind) : undefined,
    f.major ? eq(catalogType.majorCode, f.major) : undefined,
    f.enabled === undefined ? undefined : eq(catalogType.enabled, f.enabled),
    f.local === undefined ? undefined : eq(catalogType.local, f.local),
    q
      ? or(
          ilike(catalogType.name, `%${likeLiteral(q)}%`),
          like(catalogType.code, `${likeLiteral(q)}%`),
          like(catalogType.legacyCode, `${likeLiteral(q)}%`),
        )
      : undefined,
  );
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(catalogType)
      .where(where)
      .orderBy(asc(catalogType.kind), asc(catalogType.code))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(catalogType).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function findType(db: Db, kind: CatalogKind, code: string, forUpdate = false) {
  const q = db
    .select()
    .from(catalogType)
    .where(and(eq(catalogType.kind, kind), eq(catalogType.code, code)));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row as TypeRow | undefined;
}

export async function localCodes(db: Db, kind: CatalogKind): Promise<string[]> {
  const rows = await db
    .select({ code: catalogType.code })
    .from(catalogType)
    .where(and(eq(catalogType.kind, kind), like(catalogType.code, '99%')));
  return rows.map((r) => r.code);
}

export async function insertType(db: Db, values: typeof catalogType.$inferInsert): Promise<TypeRow> {
  const [row] = await db.insert(catalogType).values(values).returning();
  return row;
}

export async function updateType(
  db: Db,
  key: { kind: CatalogKind; code: string; version: number },
  patch: Partial<typeof catalogType.$inferInsert>,
): Promise<TypeRow | undefined> {
  const [row] = await db
    .update(catalogType)
    .set({ ...patch, updatedAt: new Date(), version: key.version + 1 })
    .where(
      and(
        eq(catalogType.kind, key.kind),
        eq(catalogType.code, key.code),
        eq(catalogType.version, key.version),
      ),
    )
    .returning();
  return row;
}

export async function currentStandard(db: Db, matterCode: string, forUpdate = false) {
  const q = db
    .select()
    .from(disposalStandard)
    .where(and(eq(disposalStandard.matterCode, matterCode), eq(disposalStandard.current, true)));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row as StandardRow | undefined;
}

export async function standardVersions(db: Db, matterCode: string): Promise<StandardRow[]> {
  return db
    .select()
    .from(disposalStandard)
    .where(eq(disposalStandard.matterCode, matterCode))
    .orderBy(desc(disposalStandard.version));
}

export async function standardById(db: Db, id: string): Promise<StandardRow | undefined> {
  const [row] = await db.select().from(disposalStandard).where(eq(disposalStandard.id, id));
  return row;
}

export async function retireStandard(db: Db, id: string): Promise<void> {
  await db.update(disposalStandard).set({ current: false }).where(eq(disposalStandard.id, id));
}

export async function insertStandard(
  db: Db,
  values: typeof disposalStandard.$inferInsert,
): Promise<StandardRow> {
  const [row] = await db.insert(disposalStandard).values(values).returning();
  return row;
}
