/**
 * What the imports module reads and writes of the city's divisions and grids: the stored codes
 * and outlines it validates a file against, and the bulk writes of a validated file (inside the
 * import's transaction). The tables stay this module's; imports reaches them only through here.
 */
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { areaM2, type BBox, representativePoint } from './core/geojson.ts';
import { division, type GeoJsonGeometry, grid } from './tables.ts';

/** A division to write: its outline already converted to WGS 84, with its bounding box. */
export interface DivisionWrite {
  code: string;
  level: 'district' | 'township' | 'community';
  name: string;
  parentCode: string | null;
  geo: { geometry: GeoJsonGeometry; bbox: BBox };
}

/** A grid to write (ID already checked against its community). */
export interface GridWrite {
  id: string;
  legacyId: string | null;
  communityCode: string;
  areaClass: 'A' | 'B' | 'C';
  geo: { geometry: GeoJsonGeometry; bbox: BBox };
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

/** The stored outlines of the divisions with these codes. */
export async function divisionOutlines(db: Db, codes: readonly string[]) {
  if (codes.length === 0) return [];
  return db
    .select({ code: division.code, geometry: division.geometry })
    .from(division)
    .where(inArray(division.code, [...codes]));
}

/** The stored children of these divisions, but those with the codes in `except`. */
export async function childDivisionOutlines(
  db: Db,
  parentCodes: readonly string[],
  except: readonly string[],
) {
  if (parentCodes.length === 0) return [];
  return db
    .select({ code: division.code, parentCode: division.parentCode, geometry: division.geometry })
    .from(division)
    .where(
      and(
        inArray(division.parentCode, [...parentCodes]),
        except.length ? notInArray(division.code, [...except]) : undefined,
      ),
    );
}

/** The stored grids of these communities. */
export async function gridOutlinesOfCommunities(db: Db, communityCodes: readonly string[]) {
  if (communityCodes.length === 0) return [];
  return db
    .select({ id: grid.id, communityCode: grid.communityCode, geometry: grid.geometry })
    .from(grid)
    .where(inArray(grid.communityCode, [...communityCodes]));
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

const json = (v: unknown) => JSON.stringify(v);

/** Writes divisions; with `upsert`, a stored division of the same code is replaced. */
export async function writeDivisions(tx: Db, plan: readonly DivisionWrite[], upsert: boolean) {
  for (let i = 0; i < plan.length; i += 500) {
    const batch = plan.slice(i, i + 500).map((p) => ({
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
}

/** Writes grids; in replace mode the stored grids of the covered communities go first. Answers removed IDs. */
export async function writeGrids(
  tx: Db,
  plan: readonly GridWrite[],
  communities: readonly string[],
  replace: boolean,
) {
  let removed: string[] = [];
  if (replace && communities.length) {
    const gone = await tx
      .delete(grid)
      .where(inArray(grid.communityCode, [...communities]))
      .returning({ id: grid.id });
    removed = gone.map((g) => g.id);
  }
  for (let i = 0; i < plan.length; i += 500) {
    const batch = plan.slice(i, i + 500).map((p) => {
      const [cx, cy] = representativePoint(p.geo.geometry);
      return {
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
        centroid_lng: cx,
        centroid_lat: cy,
        area_m2: areaM2(p.geo.geometry),
        legacy_id: p.legacyId,
      };
    });
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
  return removed;
}
