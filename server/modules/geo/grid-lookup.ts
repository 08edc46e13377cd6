/**
 * Which unit grid contains a point, straight from the grid table: a bbox prefilter in SQL,
 * then the spatial index's exact half-open point-in-polygon rule (smallest ID on a tie).
 * For one-off writes (components placed by hand); bulk work (imports, the seed) builds a
 * GridIndex once instead (gridIndexForBbox).
 */
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Db } from '../../platform/db.ts';
import { GridIndex, pointInPolygon } from './core/spatial-index.ts';
import { grid } from './tables.ts';

export interface GridHit {
  id: string;
  districtCode: string;
  communityCode: string;
}

export async function gridAt(db: Db, lng: number, lat: number): Promise<GridHit | null> {
  const rows = await db
    .select({
      id: grid.id,
      districtCode: grid.districtCode,
      communityCode: grid.communityCode,
      geometry: grid.geometry,
    })
    .from(grid)
    .where(and(lte(grid.minLng, lng), gte(grid.maxLng, lng), lte(grid.minLat, lat), gte(grid.maxLat, lat)))
    .orderBy(asc(grid.id));
  const hit = rows.find((r) => pointInPolygon(lng, lat, r.geometry as Polygon | MultiPolygon));
  return hit ? { id: hit.id, districtCode: hit.districtCode, communityCode: hit.communityCode } : null;
}

export async function findGrid(db: Db, id: string) {
  const [row] = await db.select().from(grid).where(eq(grid.id, id));
  return row;
}

/** A GridIndex over the grids intersecting a bbox (for checking many points at once). */
export async function gridIndexForBbox(
  db: Db,
  bbox: [number, number, number, number],
): Promise<{ index: GridIndex; districtOf: Map<string, string> }> {
  const rows = await db
    .select({ id: grid.id, districtCode: grid.districtCode, geometry: grid.geometry })
    .from(grid)
    .where(
      and(
        lte(grid.minLng, bbox[2]),
        gte(grid.maxLng, bbox[0]),
        lte(grid.minLat, bbox[3]),
        gte(grid.maxLat, bbox[1]),
      ),
    );
  const index = GridIndex.build(
    rows.map((r) => ({ id: r.id, geometry: r.geometry as Polygon | MultiPolygon })),
  );
  return { index, districtOf: new Map(rows.map((r) => [r.id, r.districtCode])) };
}
