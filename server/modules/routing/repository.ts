import { and, asc, count, desc, eq, inArray, isNotNull, isNull, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { event } from '../../platform/event-table.ts';
import { routeRule } from './tables.ts';

export type RuleRow = typeof routeRule.$inferSelect;
export type AreaLevel = RuleRow['areaLevel'];

export interface RuleFilters {
  scope?: SQL;
  districtCode?: string;
  areaLevel?: AreaLevel;
  areaCode?: string;
  matterCode?: string;
  matterMajor?: string;
  typeLevel?: 'matter' | 'major' | 'default';
  unitId?: string;
  active?: boolean;
}

function whereOf(f: RuleFilters): SQL | undefined {
  const typeLevel =
    f.typeLevel === 'matter'
      ? isNotNull(routeRule.matterCode)
      : f.typeLevel === 'major'
        ? and(isNull(routeRule.matterCode), isNotNull(routeRule.matterMajor))
        : f.typeLevel === 'default'
          ? and(isNull(routeRule.matterCode), isNull(routeRule.matterMajor))
          : undefined;
  return and(
    f.scope,
    f.districtCode ? eq(routeRule.districtCode, f.districtCode) : undefined,
    f.areaLevel ? eq(routeRule.areaLevel, f.areaLevel) : undefined,
    f.areaCode ? eq(routeRule.areaCode, f.areaCode) : undefined,
    f.matterCode ? eq(routeRule.matterCode, f.matterCode) : undefined,
    f.matterMajor ? eq(routeRule.matterMajor, f.matterMajor) : undefined,
    f.unitId ? eq(routeRule.unitId, f.unitId) : undefined,
    f.active === undefined ? undefined : eq(routeRule.active, f.active),
    typeLevel,
  );
}

export async function listRules(db: Db, f: RuleFilters, page: number, pageSize: number) {
  const where = whereOf(f);
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(routeRule)
      .where(where)
      .orderBy(
        asc(routeRule.districtCode),
        asc(routeRule.areaCode),
        asc(routeRule.matterCode),
        asc(routeRule.id),
      )
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(routeRule).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function findRule(db: Db, id: string, forUpdate = false): Promise<RuleRow | undefined> {
  const q = db.select().from(routeRule).where(eq(routeRule.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

/** An active rule with the same key (type × area), which would make resolution ambiguous. */
export async function findSameKey(
  db: Db,
  key: { matterCode: string | null; matterMajor: string | null; areaLevel: AreaLevel; areaCode: string },
): Promise<RuleRow | undefined> {
  const [row] = await db
    .select()
    .from(routeRule)
    .where(
      and(
        eq(routeRule.active, true),
        eq(routeRule.areaLevel, key.areaLevel),
        eq(routeRule.areaCode, key.areaCode),
        key.matterCode === null ? isNull(routeRule.matterCode) : eq(routeRule.matterCode, key.matterCode),
        key.matterMajor === null ? isNull(routeRule.matterMajor) : eq(routeRule.matterMajor, key.matterMajor),
      ),
    );
  return row;
}

/** Active rules of the grid's chain whose type is this matter, its major class, or none. */
export async function candidateRules(
  db: Db,
  areaCodes: string[],
  matterCode: string,
  matterMajor: string,
): Promise<RuleRow[]> {
  return db
    .select()
    .from(routeRule)
    .where(
      and(
        eq(routeRule.active, true),
        inArray(routeRule.areaCode, areaCodes),
        or(
          eq(routeRule.matterCode, matterCode),
          and(isNull(routeRule.matterCode), eq(routeRule.matterMajor, matterMajor)),
          and(isNull(routeRule.matterCode), isNull(routeRule.matterMajor)),
        ),
      ),
    );
}

export async function insertRule(db: Db, values: typeof routeRule.$inferInsert): Promise<RuleRow> {
  const [row] = await db.insert(routeRule).values(values).returning();
  return row;
}

export async function updateRule(
  db: Db,
  id: string,
  version: number,
  patch: Partial<typeof routeRule.$inferInsert>,
): Promise<RuleRow | undefined> {
  const [row] = await db
    .update(routeRule)
    .set({ ...patch, updatedAt: new Date(), version: version + 1 })
    .where(and(eq(routeRule.id, id), eq(routeRule.version, version)))
    .returning();
  return row;
}

/**
 * Routing history from the event table (the audit trail is the single record of who, when,
 * why, before/after). Read-only; the audit module owns the table.
 */
export async function ruleEvents(
  db: Db,
  f: { ruleId?: string; districtCode?: string; scope?: SQL },
  page: number,
  pageSize: number,
) {
  const where = and(
    eq(event.entityType, 'route_rule'),
    f.scope,
    f.ruleId ? eq(event.entityId, f.ruleId) : undefined,
    f.districtCode ? eq(event.districtCode, f.districtCode) : undefined,
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
  return { rows, total: Number(n) };
}
