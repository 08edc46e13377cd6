/**
 * Queries on division and grid (this module's tables) and read-only queries on the component
 * table (filled by the components module) for the OGC collection and the vector tiles.
 * Bounding-box filters are plain comparisons on the bbox columns (no PostGIS on PGlite).
 */
import { and, asc, count, eq, gte, ilike, like, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { likeLiteral } from '../../platform/like.ts';
import type { Bbox } from './geometry.ts';
import { division, type GeoJsonGeometry, grid } from './tables.ts';

export type DivisionRow = typeof division.$inferSelect;
export type GridRow = typeof grid.$inferSelect;
export type DivisionLevelName = DivisionRow['level'];

type BboxTable = typeof division | typeof grid;
function bboxFilter(t: BboxTable, b: Bbox): SQL {
  return and(lte(t.minLng, b[2]), gte(t.maxLng, b[0]), lte(t.minLat, b[3]), gte(t.maxLat, b[1])) as SQL;
}

/** Everything the spatial index needs, in one pass. */
export async function allGridsForIndex(db: Db) {
  return db
    .select({
      id: grid.id,
      communityCode: grid.communityCode,
      areaClass: grid.areaClass,
      geometry: grid.geometry,
    })
    .from(grid);
}

export async function allDivisionNames(db: Db) {
  return db.select({ code: division.code, name: division.name, level: division.level }).from(division);
}

export async function findGrid(db: Db, id: string): Promise<GridRow | undefined> {
  const [row] = await db.select().from(grid).where(eq(grid.id, id));
  return row;
}

export async function findGridByLegacyId(db: Db, legacyId: string): Promise<GridRow | undefined> {
  const [row] = await db.select().from(grid).where(eq(grid.legacyId, legacyId));
  return row;
}

export async function findDivisions(db: Db, codes: string[]): Promise<DivisionRow[]> {
  if (codes.length === 0) return [];
  return db
    .select()
    .from(division)
    .where(or(...codes.map((c) => eq(division.code, c))));
}

export interface GridFilters {
  communityCode?: string;
  townshipCode?: string;
  districtCode?: string;
  /** Prefix of the grid ID. */
  q?: string;
  areaClass?: 'A' | 'B' | 'C';
  bbox?: Bbox;
}

function gridWhere(f: GridFilters): SQL | undefined {
  return and(
    f.communityCode ? eq(grid.communityCode, f.communityCode) : undefined,
    f.townshipCode ? eq(grid.townshipCode, f.townshipCode) : undefined,
    f.districtCode ? eq(grid.districtCode, f.districtCode) : undefined,
    f.q ? like(grid.id, `${likeLiteral(f.q)}%`) : undefined,
    f.areaClass ? eq(grid.areaClass, f.areaClass) : undefined,
    f.bbox ? bboxFilter(grid, f.bbox) : undefined,
  );
}

export async function listGrids(db: Db, f: GridFilters, limit: number, offset: number) {
  const where = gridWhere(f);
  const [rows, [{ n }]] = await Promise.all([
    db.select().from(grid).where(where).orderBy(asc(grid.id)).limit(limit).offset(offset),
    db.select({ n: count() }).from(grid).where(where),
  ]);
  return { rows, total: Number(n) };
}

export interface DivisionFilters {
  level?: DivisionLevelName;
  parentCode?: string;
  /** Name fragment or code prefix. */
  q?: string;
  bbox?: Bbox;
}

function divisionWhere(f: DivisionFilters): SQL | undefined {
  return and(
    f.level ? eq(division.level, f.level) : undefined,
    f.parentCode ? eq(division.parentCode, f.parentCode) : undefined,
    f.q
      ? or(ilike(division.name, `%${likeLiteral(f.q)}%`), like(division.code, `${likeLiteral(f.q)}%`))
      : undefined,
    f.bbox ? bboxFilter(division, f.bbox) : undefined,
  );
}

export async function listDivisions(db: Db, f: DivisionFilters, limit: number, offset: number) {
  const where = divisionWhere(f);
  const [rows, [{ n }]] = await Promise.all([
    db.select().from(division).where(where).orderBy(asc(division.code)).limit(limit).offset(offset),
    db.select({ n: count() }).from(division).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function findDivision(db: Db, code: string): Promise<DivisionRow | undefined> {
  const [row] = await db.select().from(division).where(eq(division.code, code));
  return row;
}

export async function countChildren(db: Db, code: string): Promise<{ divisions: number; grids: number }> {
  const [[{ d }], [{ g }]] = await Promise.all([
    db.select({ d: count() }).from(division).where(eq(division.parentCode, code)),
    db.select({ g: count() }).from(grid).where(eq(grid.communityCode, code)),
  ]);
  return { divisions: Number(d), grids: Number(g) };
}

export async function geoSummary(db: Db) {
  const [levels, [g], [ext], [gen]] = await Promise.all([
    db.select({ level: division.level, n: count() }).from(division).groupBy(division.level),
    db.select({ n: count() }).from(grid),
    db
      .select({
        minLng: sql<number | null>`min(${division.minLng})`,
        minLat: sql<number | null>`min(${division.minLat})`,
        maxLng: sql<number | null>`max(${division.maxLng})`,
        maxLat: sql<number | null>`max(${division.maxLat})`,
      })
      .from(division)
      .where(eq(division.level, 'district')),
    db.select({ n: count() }).from(grid).where(eq(grid.generated, true)),
  ]);
  const byLevel = Object.fromEntries(levels.map((l) => [l.level, Number(l.n)]));
  return {
    districts: byLevel.district ?? 0,
    townships: byLevel.township ?? 0,
    communities: byLevel.community ?? 0,
    grids: Number(g.n),
    generatedGrids: Number(gen.n),
    extent: ext,
  };
}

// ---------------------------------------------------------------------------------------
// Components (read-only; the table belongs to the components module)

export interface ComponentFeatureRow {
  id: string;
  typeCode: string;
  name: string;
  state: string;
  gridId: string | null;
  districtCode: string;
  geometry: GeoJsonGeometry;
  lng: number;
  lat: number;
}

const componentColumns = sql`id, type_code AS "typeCode", name, state, grid_id AS "gridId",
  district_code AS "districtCode", geometry, lng, lat`;

function componentBbox(b: Bbox | undefined): SQL {
  return b ? sql`WHERE lng >= ${b[0]} AND lng <= ${b[2]} AND lat >= ${b[1]} AND lat <= ${b[3]}` : sql``;
}

export async function listComponents(
  db: Db,
  bbox: Bbox | undefined,
  limit: number,
  offset: number,
): Promise<{ rows: ComponentFeatureRow[]; total: number }> {
  const where = componentBbox(bbox);
  const [rows, counted] = await Promise.all([
    db.execute(
      sql`SELECT ${componentColumns} FROM component ${where} ORDER BY id LIMIT ${limit} OFFSET ${offset}`,
    ),
    db.execute(sql`SELECT count(*)::int AS n FROM component ${where}`),
  ]);
  const list = (rows as unknown as { rows: ComponentFeatureRow[] }).rows;
  const n = (counted as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
  return { rows: list, total: Number(n) };
}

export async function findComponent(db: Db, id: string): Promise<ComponentFeatureRow | undefined> {
  const res = await db.execute(sql`SELECT ${componentColumns} FROM component WHERE id = ${id}`);
  return (res as unknown as { rows: ComponentFeatureRow[] }).rows[0];
}

export async function componentExtent(db: Db) {
  const res = await db.execute(
    sql`SELECT min(lng) AS "minLng", min(lat) AS "minLat", max(lng) AS "maxLng", max(lat) AS "maxLat" FROM component`,
  );
  return (res as unknown as { rows: Record<string, number | null>[] }).rows[0];
}

// ---------------------------------------------------------------------------------------
// Vector tiles: only the columns a tile carries

export async function gridsForTile(db: Db, b: Bbox) {
  return db
    .select({
      id: grid.id,
      areaClass: grid.areaClass,
      communityCode: grid.communityCode,
      geometry: grid.geometry,
    })
    .from(grid)
    .where(bboxFilter(grid, b));
}

export async function divisionsForTile(db: Db, b: Bbox, levels: DivisionLevelName[]) {
  return db
    .select({ code: division.code, name: division.name, level: division.level, geometry: division.geometry })
    .from(division)
    .where(and(bboxFilter(division, b), or(...levels.map((l) => eq(division.level, l)))));
}

export async function componentsForTile(db: Db, b: Bbox) {
  const res = await db.execute(
    sql`SELECT id, type_code AS "typeCode", state, geometry FROM component
        WHERE lng >= ${b[0]} AND lng <= ${b[2]} AND lat >= ${b[1]} AND lat <= ${b[3]}`,
  );
  return (res as unknown as { rows: Pick<ComponentFeatureRow, 'id' | 'typeCode' | 'state' | 'geometry'>[] })
    .rows;
}
