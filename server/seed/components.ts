/**
 * Demo seed of the component inventory: at least 100,000 components over the demo city's unit
 * grids (read from the grid table that the geo seed wrote; if it is empty, the same
 * deterministic demo city is generated in memory for positions). One transaction, bulk
 * inserts of a few thousand rows per statement (in the caller's transaction), and ONE summary audit event, not one per row.
 * The count can be lowered with DEMO_COMPONENTS (e.g. for quick local runs).
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { grid } from '../db-schema.ts';
import {
  generateDemoInventory,
  insertComponentsBulk,
  maxSequences,
  type SeedGrid,
} from '../modules/components/index.ts';
import { generateDemoCity, ningboDivisions } from '../modules/geo/index.ts';
import { recordEvent } from '../platform/audit.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Db } from '../platform/db.ts';

export const DEFAULT_DEMO_COMPONENTS = 100_000;

export function demoComponentCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DEMO_COMPONENTS;
  const n = raw === undefined || raw === '' ? DEFAULT_DEMO_COMPONENTS : Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`DEMO_COMPONENTS must be a non-negative integer: ${raw}`);
  return n;
}

async function seedGrids(db: Db): Promise<{ grids: SeedGrid[]; fromDb: boolean }> {
  const rows = await db
    .select({
      id: grid.id,
      districtCode: grid.districtCode,
      areaClass: grid.areaClass,
      geometry: grid.geometry,
      minLng: grid.minLng,
      minLat: grid.minLat,
      maxLng: grid.maxLng,
      maxLat: grid.maxLat,
    })
    .from(grid);
  if (rows.length > 0) {
    return {
      fromDb: true,
      grids: rows.map((g) => ({
        id: g.id,
        districtCode: g.districtCode,
        areaClass: g.areaClass,
        geometry: g.geometry as Polygon | MultiPolygon,
        bbox: [g.minLng, g.minLat, g.maxLng, g.maxLat],
      })),
    };
  }
  const city = generateDemoCity(ningboDivisions);
  return {
    fromDb: false,
    grids: city.grids.map((g) => {
      const ring = g.polygon.coordinates[0];
      const xs = ring.map((p) => p[0]);
      const ys = ring.map((p) => p[1]);
      return {
        id: g.id,
        districtCode: g.id.slice(0, 6),
        areaClass: g.areaClass,
        geometry: g.polygon,
        bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
      };
    }),
  };
}

export interface ComponentSeedResult {
  count: number;
  ms: number;
  gridsFromDb: boolean;
}

/** Runs in the caller's transaction (the first-start seed's), after the geo seed wrote the grids. */
export async function seedComponents(
  db: Db,
  ctx: RequestContext,
  count = demoComponentCount(),
): Promise<ComponentSeedResult> {
  const started = Date.now();
  const { grids, fromDb } = await seedGrids(db);
  const rows = generateDemoInventory(grids, { count, usedSequences: await maxSequences(db) });
  const byType: Record<string, number> = {};
  const byState: Record<string, number> = {};
  for (const r of rows) {
    byType[r.type_code] = (byType[r.type_code] ?? 0) + 1;
    byState[r.state] = (byState[r.state] ?? 0) + 1;
  }
  await insertComponentsBulk(db, rows, { batchSize: 4000 });
  await recordEvent(db, ctx, {
    action: 'component.seed',
    entityType: 'component',
    entityId: null,
    districtCode: null,
    after: { count: rows.length, grids: grids.length, gridsFromDb: fromDb, generated: true, byType, byState },
  });
  return { count: rows.length, ms: Date.now() - started, gridsFromDb: fromDb };
}
