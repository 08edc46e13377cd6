/**
 * What the imports module reads and writes of the city's divisions and grids: the stored codes,
 * outlines and bounding boxes it validates a file against (imports/store.ts answers the import
 * worker from these), and the statements that write a validated file (inside the import's
 * transaction). The tables stay this module's; imports reaches them only through here. How a
 * long write is cut into statements (so PGlite's main thread breathes between them) is the
 * importer's business: each write here is one statement over the rows it is given.
 */
import { and, eq, gt, inArray, lt, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Db } from '../../platform/db.ts';
import type { BBox } from './core/geojson.ts';
import { division, type GeoJsonGeometry, grid } from './tables.ts';

export type Area = Polygon | MultiPolygon;
export type DivisionLevel = 'district' | 'township' | 'community';

export interface StoredDivision {
  code: string;
  level: DivisionLevel;
  parentCode: string | null;
  geometry: Area;
  bbox: BBox;
}

export interface StoredGrid {
  id: string;
  communityCode: string;
  districtCode: string;
  geometry: Area;
  bbox: BBox;
}

const divisionCols = {
  code: division.code,
  level: division.level,
  parentCode: division.parentCode,
  geometry: division.geometry,
  minLng: division.minLng,
  minLat: division.minLat,
  maxLng: division.maxLng,
  maxLat: division.maxLat,
};
const gridCols = {
  id: grid.id,
  communityCode: grid.communityCode,
  districtCode: grid.districtCode,
  geometry: grid.geometry,
  minLng: grid.minLng,
  minLat: grid.minLat,
  maxLng: grid.maxLng,
  maxLat: grid.maxLat,
};

type Boxed = { minLng: number; minLat: number; maxLng: number; maxLat: number };
const bboxOfRow = (r: Boxed): BBox => [
  Number(r.minLng),
  Number(r.minLat),
  Number(r.maxLng),
  Number(r.maxLat),
];

const toDivision = (
  r: Boxed & { code: string; level: string; parentCode: string | null; geometry: unknown },
): StoredDivision => ({
  code: r.code,
  level: r.level as DivisionLevel,
  parentCode: r.parentCode,
  geometry: r.geometry as Area,
  bbox: bboxOfRow(r),
});
const toGrid = (
  r: Boxed & { id: string; communityCode: string; districtCode: string; geometry: unknown },
): StoredGrid => ({
  id: r.id,
  communityCode: r.communityCode,
  districtCode: r.districtCode,
  geometry: r.geometry as Area,
  bbox: bboxOfRow(r),
});

/** Strict overlap of a row's bbox columns with any box: neighbours that only touch are left out. */
function anyBox(t: typeof division | typeof grid, boxes: readonly BBox[]): SQL {
  return or(
    ...boxes.map((b) => and(lt(t.minLng, b[2]), gt(t.maxLng, b[0]), lt(t.minLat, b[3]), gt(t.maxLat, b[1]))),
  )!;
}

/** Which of the codes are stored divisions. */
export async function storedDivisionCodes(db: Db, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .select({ code: division.code })
    .from(division)
    .where(inArray(division.code, [...codes]));
  return rows.map((r) => r.code);
}

/** The names of stored divisions by code (codes not stored are absent). */
export async function divisionNames(db: Db, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .select({ code: division.code, name: division.name })
    .from(division)
    .where(inArray(division.code, [...codes]));
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** Stored divisions by code. */
export async function storedDivisions(db: Db, codes: readonly string[]): Promise<StoredDivision[]> {
  if (codes.length === 0) return [];
  return (
    await db
      .select(divisionCols)
      .from(division)
      .where(inArray(division.code, [...codes]))
  ).map(toDivision);
}

/** The stored children of these divisions, but those with the codes in `except`. */
export async function divisionChildren(
  db: Db,
  parentCodes: readonly string[],
  except: readonly string[],
): Promise<StoredDivision[]> {
  if (parentCodes.length === 0) return [];
  const rows = await db
    .select(divisionCols)
    .from(division)
    .where(
      and(
        inArray(division.parentCode, [...parentCodes]),
        except.length ? notInArray(division.code, [...except]) : undefined,
      ),
    );
  return rows.map(toDivision);
}

/**
 * Stored divisions of a level whose bounding box overlaps (not just touches) any of the boxes,
 * but those with the codes in `except`.
 */
export async function divisionsInBoxes(
  db: Db,
  level: DivisionLevel,
  boxes: readonly BBox[],
  except: readonly string[],
): Promise<StoredDivision[]> {
  if (boxes.length === 0) return [];
  const rows = await db
    .select(divisionCols)
    .from(division)
    .where(
      and(
        eq(division.level, level),
        anyBox(division, boxes),
        except.length ? notInArray(division.code, [...except]) : undefined,
      ),
    );
  return rows.map(toDivision);
}

/** The stored grids of these communities. */
export async function gridsOfCommunities(db: Db, communityCodes: readonly string[]): Promise<StoredGrid[]> {
  if (communityCodes.length === 0) return [];
  return (
    await db
      .select(gridCols)
      .from(grid)
      .where(inArray(grid.communityCode, [...communityCodes]))
  ).map(toGrid);
}

/**
 * Stored grids whose bounding box overlaps (not just touches) any of the boxes, but those of the
 * communities in `exceptCommunities`.
 */
export async function gridsInBoxes(
  db: Db,
  boxes: readonly BBox[],
  exceptCommunities: readonly string[],
): Promise<StoredGrid[]> {
  if (boxes.length === 0) return [];
  const rows = await db
    .select(gridCols)
    .from(grid)
    .where(
      and(
        anyBox(grid, boxes),
        exceptCommunities.length ? notInArray(grid.communityCode, [...exceptCommunities]) : undefined,
      ),
    );
  return rows.map(toGrid);
}

/** Stored grids by ID. */
export async function gridsByIds(db: Db, ids: readonly string[]): Promise<StoredGrid[]> {
  if (ids.length === 0) return [];
  return (
    await db
      .select(gridCols)
      .from(grid)
      .where(inArray(grid.id, [...ids]))
  ).map(toGrid);
}

/** The bounding box of the stored districts, or null when there are none. */
export async function districtsExtent(db: Db): Promise<BBox | null> {
  const [row] = await db
    .select({
      w: sql<number | null>`min(${division.minLng})`,
      s: sql<number | null>`min(${division.minLat})`,
      e: sql<number | null>`max(${division.maxLng})`,
      n: sql<number | null>`max(${division.maxLat})`,
    })
    .from(division)
    .where(eq(division.level, 'district'));
  if (row?.w === null || row?.w === undefined) return null;
  return [Number(row.w), Number(row.s), Number(row.e), Number(row.n)];
}

/** A division to write: its outline already converted to WGS 84, with its bounding box. */
export interface DivisionWrite {
  code: string;
  level: DivisionLevel;
  name: string;
  parentCode: string | null;
  geo: { geometry: GeoJsonGeometry; bbox: BBox };
}

/** A grid to write (ID already checked against its community), with its representative point and area. */
export interface GridWrite {
  id: string;
  legacyId: string | null;
  communityCode: string;
  areaClass: 'A' | 'B' | 'C';
  geo: { geometry: GeoJsonGeometry; bbox: BBox };
  centroid: [number, number];
  areaM2: number;
}

const json = (v: unknown) => JSON.stringify(v);

/** Writes divisions in one statement; with `upsert`, a stored division of the same code is replaced. */
export async function writeDivisions(tx: Db, rows: readonly DivisionWrite[], upsert: boolean): Promise<void> {
  if (rows.length === 0) return;
  const batch = rows.map((p) => ({
    code: p.code,
    level: p.level,
    name: p.name,
    parent_code: p.parentCode,
    geometry: p.geo.geometry,
    min_lng: p.geo.bbox[0],
    min_lat: p.geo.bbox[1],
    max_lng: p.geo.bbox[2],
    max_lat: p.geo.bbox[3],
  }));
  await tx.execute(sql`
    INSERT INTO division (code, level, name, parent_code, geometry, min_lng, min_lat, max_lng, max_lat, generated, source)
    SELECT code, level, name, parent_code, geometry, min_lng, min_lat, max_lng, max_lat, false, 'import'
    FROM jsonb_to_recordset(${json(batch)}::jsonb) AS x(code text, level text, name text, parent_code text,
      geometry jsonb, min_lng double precision, min_lat double precision, max_lng double precision, max_lat double precision)
    ${
      upsert
        ? sql`ON CONFLICT (code) DO UPDATE SET level = EXCLUDED.level, name = EXCLUDED.name,
            parent_code = EXCLUDED.parent_code, geometry = EXCLUDED.geometry, min_lng = EXCLUDED.min_lng,
            min_lat = EXCLUDED.min_lat, max_lng = EXCLUDED.max_lng, max_lat = EXCLUDED.max_lat,
            generated = false, source = 'import', updated_at = now(), version = division.version + 1`
        : sql``
    }`);
}

/** Deletes the stored grids of these communities (a replace import); answers their IDs. */
export async function deleteGridsOfCommunities(tx: Db, communities: readonly string[]): Promise<string[]> {
  if (communities.length === 0) return [];
  const gone = await tx
    .delete(grid)
    .where(inArray(grid.communityCode, [...communities]))
    .returning({ id: grid.id });
  return gone.map((g) => g.id);
}

/** Writes grids in one statement. */
export async function writeGrids(tx: Db, rows: readonly GridWrite[]): Promise<void> {
  if (rows.length === 0) return;
  const batch = rows.map((p) => ({
    id: p.id,
    community_code: p.communityCode,
    township_code: p.communityCode.slice(0, 9),
    district_code: p.communityCode.slice(0, 6),
    area_class: p.areaClass,
    geometry: p.geo.geometry,
    min_lng: p.geo.bbox[0],
    min_lat: p.geo.bbox[1],
    max_lng: p.geo.bbox[2],
    max_lat: p.geo.bbox[3],
    centroid_lng: p.centroid[0],
    centroid_lat: p.centroid[1],
    area_m2: p.areaM2,
    legacy_id: p.legacyId,
  }));
  await tx.execute(sql`
    INSERT INTO grid (id, community_code, township_code, district_code, area_class, geometry, min_lng, min_lat,
      max_lng, max_lat, centroid_lng, centroid_lat, area_m2, legacy_id, generated, source)
    SELECT id, community_code, township_code, district_code, area_class, geometry, min_lng, min_lat, max_lng,
      max_lat, centroid_lng, centroid_lat, area_m2, legacy_id, false, 'import'
    FROM jsonb_to_recordset(${json(batch)}::jsonb) AS x(id text, community_code text, township_code text,
      district_code text, area_class text, geometry jsonb, min_lng double precision, min_lat double precision,
      max_lng double precision, max_lat double precision, centroid_lng double precision,
      centroid_lat double precision, area_m2 double precision, legacy_id text)`);
}
