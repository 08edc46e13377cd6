import { and, asc, count, eq, gte, ilike, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { likeLiteral } from '../../platform/like.ts';
import { component } from './tables.ts';

export type ComponentRow = typeof component.$inferSelect;
export type ComponentInsert = typeof component.$inferInsert;

export async function findComponent(
  db: Db,
  id: string,
  forUpdate = false,
): Promise<ComponentRow | undefined> {
  const q = db.select().from(component).where(eq(component.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export interface ComponentFilters {
  typeCode?: string;
  gridId?: string;
  districtCode?: string;
  state?: ComponentRow['state'];
  q?: string;
  near?: { lng: number; lat: number; radius: number };
}

const EARTH_R = 6371008.8;

/** Digits: an ID prefix, as a range on the primary key; anything else: part of the name. */
function textFilter(q: string): SQL | undefined {
  if (/^\d{1,17}$/.test(q)) return and(gte(component.id, q), lte(component.id, q.padEnd(17, '9')));
  return ilike(component.name, `%${likeLiteral(q)}%`);
}

/** Haversine distance in metres from a point to each row's lng/lat, as SQL. */
function distanceSql(lng: number, lat: number): SQL<number> {
  // Numbers only (checked by the caller), inlined so the planner sees float8 constants.
  const x = sql.raw(`${Number(lng)}::float8`);
  const y = sql.raw(`${Number(lat)}::float8`);
  return sql<number>`(2 * ${sql.raw(String(EARTH_R))} * asin(least(1, sqrt(
    power(sin(radians(${component.lat} - ${y}) / 2), 2) +
    cos(radians(${y})) * cos(radians(${component.lat})) *
    power(sin(radians(${component.lng} - ${x}) / 2), 2)))))`;
}

/**
 * Search. With `near`, a bbox around the point (from the radius) narrows the rows on the lng/lat
 * index, then the exact haversine distance filters and orders them, nearest first.
 */
export async function listComponents(
  db: Db,
  f: ComponentFilters,
  page: number,
  pageSize: number,
): Promise<{ rows: (ComponentRow & { distanceM?: number })[]; total: number }> {
  const conds: (SQL | undefined)[] = [
    f.typeCode ? eq(component.typeCode, f.typeCode) : undefined,
    f.gridId ? eq(component.gridId, f.gridId) : undefined,
    f.districtCode ? eq(component.districtCode, f.districtCode) : undefined,
    f.state ? eq(component.state, f.state) : undefined,
    f.q ? textFilter(f.q) : undefined,
  ];
  let dist: SQL<number> | undefined;
  if (f.near) {
    const { lng, lat, radius } = f.near;
    const dLat = (radius / 111_000) * 1.01;
    const dLng = dLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180));
    dist = distanceSql(lng, lat);
    conds.push(
      gte(component.lng, lng - dLng),
      lte(component.lng, lng + dLng),
      gte(component.lat, lat - dLat),
      lte(component.lat, lat + dLat),
      sql`${dist} <= ${radius}`,
    );
  }
  const where = and(...conds);
  const base = dist
    ? db.select({ row: component, distanceM: dist }).from(component)
    : db.select({ row: component }).from(component);
  const [rows, [{ n }]] = await Promise.all([
    base
      .where(where)
      .orderBy(...(dist ? [dist, asc(component.id)] : [asc(component.id)]))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(component).where(where),
  ]);
  return {
    rows: rows.map((r) =>
      'distanceM' in r ? { ...r.row, distanceM: Number(r.distanceM) } : (r.row as ComponentRow),
    ),
    total: Number(n),
  };
}

/**
 * The next free sequence of a district + type. A transaction-scoped advisory lock on the
 * prefix serialises concurrent allocations (both drivers support it).
 */
export async function nextSequence(tx: Db, districtCode: string, typeCode: string): Promise<number> {
  const prefix = districtCode + typeCode;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`component:${prefix}`}))`);
  const [{ maxId }] = await tx
    .select({ maxId: sql<string | null>`max(${component.id})` })
    .from(component)
    .where(and(gte(component.id, `${prefix}000000`), lte(component.id, `${prefix}999999`)));
  return maxId ? Number(maxId.slice(11)) + 1 : 1;
}

export async function insertComponent(db: Db, values: ComponentInsert): Promise<ComponentRow> {
  const [row] = await db.insert(component).values(values).returning();
  return row;
}

export async function updateComponent(
  db: Db,
  id: string,
  version: number,
  patch: Partial<ComponentInsert>,
): Promise<ComponentRow | undefined> {
  const [row] = await db
    .update(component)
    .set({ ...patch, updatedAt: new Date(), version: version + 1 })
    .where(and(eq(component.id, id), eq(component.version, version)))
    .returning();
  return row;
}

/** Row values for bulk inserts, in the column names of the table. */
export interface BulkComponent {
  id: string;
  type_code: string;
  district_code: string;
  grid_id: string | null;
  name: string;
  owner_dept: string | null;
  property_dept: string | null;
  maintainer_dept: string | null;
  state: string;
  geometry: unknown;
  lng: number;
  lat: number;
  legacy_id: string | null;
  source: string;
  installed_at: string | null;
  surveyed_at: string | null;
  attrs: Record<string, unknown>;
}

/**
 * Inserts many rows with one parameter per statement: the batch travels as one JSON document
 * that PostgreSQL unpacks with jsonb_to_recordset, which is far faster than thousands of bind
 * parameters (and stays under the 65,535-parameter limit). `upsert` replaces rows with the same ID.
 */
export async function insertComponentsBulk(
  tx: Db,
  rows: BulkComponent[],
  opts: { batchSize?: number; upsert?: boolean; onBatch?: (done: number) => void | Promise<void> } = {},
): Promise<void> {
  const size = opts.batchSize ?? 5000;
  for (let i = 0; i < rows.length; i += size) {
    // Points travel as lng/lat only and get their GeoJSON built in SQL: a much smaller document.
    const batch = JSON.stringify(
      rows
        .slice(i, i + size)
        .map((r) => ((r.geometry as { type?: string })?.type === 'Point' ? { ...r, geometry: null } : r)),
    );
    const conflict = opts.upsert
      ? sql`ON CONFLICT (id) DO UPDATE SET type_code = EXCLUDED.type_code, district_code = EXCLUDED.district_code,
          grid_id = EXCLUDED.grid_id, name = EXCLUDED.name, owner_dept = EXCLUDED.owner_dept,
          property_dept = EXCLUDED.property_dept, maintainer_dept = EXCLUDED.maintainer_dept,
          state = EXCLUDED.state, geometry = EXCLUDED.geometry, lng = EXCLUDED.lng, lat = EXCLUDED.lat,
          legacy_id = EXCLUDED.legacy_id, source = EXCLUDED.source, installed_at = EXCLUDED.installed_at,
          surveyed_at = EXCLUDED.surveyed_at, attrs = EXCLUDED.attrs, updated_at = now(),
          version = component.version + 1`
      : sql``;
    await tx.execute(sql`
      INSERT INTO component (id, type_code, district_code, grid_id, name, owner_dept, property_dept,
        maintainer_dept, state, geometry, lng, lat, legacy_id, source, installed_at, surveyed_at, attrs)
      SELECT id, type_code, district_code, grid_id, name, owner_dept, property_dept, maintainer_dept,
        state, coalesce(geometry, jsonb_build_object('type', 'Point', 'coordinates', jsonb_build_array(lng, lat))),
        lng, lat, legacy_id, source, installed_at, surveyed_at, attrs
      FROM jsonb_to_recordset(${batch}::jsonb) AS x(id text, type_code text, district_code text,
        grid_id text, name text, owner_dept text, property_dept text, maintainer_dept text, state text,
        geometry jsonb, lng double precision, lat double precision, legacy_id text, source text,
        installed_at date, surveyed_at date, attrs jsonb)
      ${conflict}`);
    await opts.onBatch?.(Math.min(rows.length, i + size));
  }
}

/** Which of these IDs already exist. */
export async function existingComponentIds(db: Db, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const res = (await db.execute(
      sql`SELECT id FROM component WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids.slice(i, i + 5000))}::jsonb))`,
    )) as unknown as { rows: { id: string }[] };
    for (const r of res.rows) out.add(r.id);
  }
  return out;
}

/** Highest sequence per district+type prefix (for allocating IDs in bulk). */
export async function maxSequences(db: Db): Promise<Map<string, number>> {
  const res = (await db.execute(
    sql`SELECT substr(id, 1, 11) AS prefix, max(substr(id, 12))::int AS seq FROM component GROUP BY 1`,
  )) as unknown as { rows: { prefix: string; seq: number }[] };
  return new Map(res.rows.map((r) => [r.prefix, Number(r.seq)]));
}
