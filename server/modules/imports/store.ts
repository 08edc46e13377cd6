/**
 * What the validators read from the database, as one interface: the import worker (worker.ts)
 * has no database handle — PGlite lives in the main thread — so it asks through messages and the
 * main thread answers from `dbStore`. Every method takes a bounded list (the validators ask in
 * chunks) so that no single answer holds the main thread for long.
 */
import { and, eq, gt, inArray, lt, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Db } from '../../platform/db.ts';
import { knownComponentTypes } from '../components/catalogue.ts';
import { existingComponentIds } from '../components/service.ts';
import { division, grid } from '../geo/tables.ts';
import { NINGBO_EXTENT } from './extent.ts';
import type { BBox } from './geometry.ts';

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

export interface ImportStore {
  /** Which of these division codes are stored. */
  existingDivisionCodes(codes: string[]): Promise<string[]>;
  /** Stored divisions by code. */
  divisions(codes: string[]): Promise<StoredDivision[]>;
  /** Stored children of these divisions, except the given codes. */
  divisionChildren(parents: string[], except: string[]): Promise<StoredDivision[]>;
  /**
   * Stored divisions of a level whose bounding box overlaps (not just touches) any of the boxes,
   * except the given codes.
   */
  divisionsInBoxes(level: DivisionLevel, boxes: BBox[], except: string[]): Promise<StoredDivision[]>;
  gridsOfCommunities(codes: string[]): Promise<StoredGrid[]>;
  /**
   * Stored grids whose bounding box overlaps (not just touches) any of the boxes, except those of
   * the given communities.
   */
  gridsInBoxes(boxes: BBox[], exceptCommunities: string[]): Promise<StoredGrid[]>;
  gridsByIds(ids: string[]): Promise<StoredGrid[]>;
  /** Component type codes usable now (the standard's and the city's enabled local ones). */
  componentTypes(): Promise<string[]>;
  existingComponentIds(ids: string[]): Promise<string[]>;
}

export const STORE_METHODS = [
  'existingDivisionCodes',
  'divisions',
  'divisionChildren',
  'divisionsInBoxes',
  'gridsOfCommunities',
  'gridsInBoxes',
  'gridsByIds',
  'componentTypes',
  'existingComponentIds',
] as const satisfies readonly (keyof ImportStore)[];
export type StoreMethod = (typeof STORE_METHODS)[number];

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
) => ({
  code: r.code,
  level: r.level as DivisionLevel,
  parentCode: r.parentCode,
  geometry: r.geometry as Area,
  bbox: bboxOfRow(r),
});
const toGrid = (
  r: Boxed & { id: string; communityCode: string; districtCode: string; geometry: unknown },
) => ({
  id: r.id,
  communityCode: r.communityCode,
  districtCode: r.districtCode,
  geometry: r.geometry as Area,
  bbox: bboxOfRow(r),
});

/** Strict overlap of a row's bbox columns with any box: neighbours that only touch are left out. */
function anyBox(t: typeof division | typeof grid, boxes: BBox[]): SQL {
  return or(
    ...boxes.map((b) => and(lt(t.minLng, b[2]), gt(t.maxLng, b[0]), lt(t.minLat, b[3]), gt(t.maxLat, b[1]))),
  )!;
}

export function dbStore(db: Db): ImportStore {
  return {
    async existingDivisionCodes(codes) {
      if (!codes.length) return [];
      const rows = await db
        .select({ code: division.code })
        .from(division)
        .where(inArray(division.code, codes));
      return rows.map((r) => r.code);
    },
    async divisions(codes) {
      if (!codes.length) return [];
      return (await db.select(divisionCols).from(division).where(inArray(division.code, codes))).map(
        toDivision,
      );
    },
    async divisionChildren(parents, except) {
      if (!parents.length) return [];
      const rows = await db
        .select(divisionCols)
        .from(division)
        .where(
          and(
            inArray(division.parentCode, parents),
            except.length ? notInArray(division.code, except) : undefined,
          ),
        );
      return rows.map(toDivision);
    },
    async divisionsInBoxes(level, boxes, except) {
      if (!boxes.length) return [];
      const rows = await db
        .select(divisionCols)
        .from(division)
        .where(
          and(
            eq(division.level, level),
            anyBox(division, boxes),
            except.length ? notInArray(division.code, except) : undefined,
          ),
        );
      return rows.map(toDivision);
    },
    async gridsOfCommunities(codes) {
      if (!codes.length) return [];
      return (await db.select(gridCols).from(grid).where(inArray(grid.communityCode, codes))).map(toGrid);
    },
    async gridsInBoxes(boxes, exceptCommunities) {
      if (!boxes.length) return [];
      const rows = await db
        .select(gridCols)
        .from(grid)
        .where(
          and(
            anyBox(grid, boxes),
            exceptCommunities.length ? notInArray(grid.communityCode, exceptCommunities) : undefined,
          ),
        );
      return rows.map(toGrid);
    },
    async gridsByIds(ids) {
      if (!ids.length) return [];
      return (await db.select(gridCols).from(grid).where(inArray(grid.id, ids))).map(toGrid);
    },
    async componentTypes() {
      return [...(await knownComponentTypes(db))];
    },
    async existingComponentIds(ids) {
      return [...(await existingComponentIds(db, ids))];
    },
  };
}

/** Ningbo's extent grown to hold every stored district (a demo city at scale may reach past it). */
export async function cityExtent(db: Db): Promise<BBox> {
  const [row] = await db
    .select({
      w: sql<number | null>`min(${division.minLng})`,
      s: sql<number | null>`min(${division.minLat})`,
      e: sql<number | null>`max(${division.maxLng})`,
      n: sql<number | null>`max(${division.maxLat})`,
    })
    .from(division)
    .where(eq(division.level, 'district'));
  const b: BBox = [...NINGBO_EXTENT];
  if (row?.w !== null && row?.w !== undefined) {
    b[0] = Math.min(b[0], Number(row.w));
    b[1] = Math.min(b[1], Number(row.s));
    b[2] = Math.max(b[2], Number(row.e));
    b[3] = Math.max(b[3], Number(row.n));
  }
  return b;
}
