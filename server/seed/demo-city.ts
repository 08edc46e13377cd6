/**
 * First-start seed of the demo city's geography: the six central districts of Ningbo with their
 * real township and community codes and names, each district's managed core laid inside its
 * real outline, and generated townships, communities and unit grids in it
 * (server/modules/geo/core/demo-city.ts). Rows are marked generated=true, source='demo', so the
 * API and UI can say the geometry is invented.
 *
 * Written with multi-row inserts in the caller's transaction, with ONE summary audit event per
 * table (action `geo.seed`, after: counts) instead of one per row: ~6,000 per-row events would
 * triple the seed time and say nothing an auditor needs.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { division, type GeoJsonGeometry, grid } from '../db-schema.ts';
import {
  bboxOf,
  centroidOf,
  type DemoCity,
  type DemoCityOptions,
  generateDemoCity,
  geodesicArea,
  ningboDivisions,
} from '../modules/geo/index.ts';
import { recordEvent } from '../platform/audit.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Db } from '../platform/db.ts';

const BATCH = 1000;

async function insertBatched<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

function bboxColumns(p: Polygon | MultiPolygon) {
  const [minLng, minLat, maxLng, maxLat] = bboxOf(p);
  return { minLng, minLat, maxLng, maxLat };
}

export interface DemoCitySeedResult {
  /** The city written (the gazetteer seed places its entries in it). */
  city: DemoCity;
  districts: number;
  townships: number;
  communities: number;
  grids: number;
}

/** Generates the demo city and writes it in the caller's transaction. */
export async function seedDemoCity(
  tx: Db,
  ctx: RequestContext,
  options: DemoCityOptions = {},
): Promise<DemoCitySeedResult> {
  const city = generateDemoCity(ningboDivisions, options);
  const divisionRows = [
    ...city.districts.map((d) => ({ ...d, level: 'district' as const, parentCode: null })),
    ...city.townships.map((d) => ({ ...d, level: 'township' as const })),
    ...city.communities.map((d) => ({ ...d, level: 'community' as const })),
  ].map((d) => ({
    code: d.code,
    level: d.level,
    name: d.name,
    parentCode: d.parentCode,
    geometry: d.polygon as GeoJsonGeometry,
    ...bboxColumns(d.polygon),
    generated: true,
    source: 'demo',
  }));
  await insertBatched(divisionRows, (b) => tx.insert(division).values(b));

  const gridRows = city.grids.map((g) => {
    const [centroidLng, centroidLat] = centroidOf(g.polygon);
    return {
      id: g.id,
      communityCode: g.communityCode,
      townshipCode: g.communityCode.slice(0, 9),
      districtCode: g.communityCode.slice(0, 6),
      areaClass: g.areaClass,
      geometry: g.polygon as GeoJsonGeometry,
      ...bboxColumns(g.polygon),
      centroidLng,
      centroidLat,
      areaM2: Math.round(geodesicArea(g.polygon) * 100) / 100,
      generated: true,
      source: 'demo',
    };
  });
  await insertBatched(gridRows, (b) => tx.insert(grid).values(b));

  const result: DemoCitySeedResult = {
    city,
    districts: city.districts.length,
    townships: city.townships.length,
    communities: city.communities.length,
    grids: city.grids.length,
  };
  const common = { seed: city.seed, targetGrids: city.targetGrids, generated: true, source: 'demo' };
  await recordEvent(tx, ctx, {
    action: 'geo.seed',
    entityType: 'division',
    entityId: null,
    districtCode: null,
    after: {
      ...common,
      outlines: city.outlineSource,
      districts: result.districts,
      townships: result.townships,
      communities: result.communities,
    },
    reason: 'demo city (real district outlines; generated managed area, townships, communities and grids)',
  });
  await recordEvent(tx, ctx, {
    action: 'geo.seed',
    entityType: 'grid',
    entityId: null,
    districtCode: null,
    after: { ...common, grids: result.grids, bbox: city.bbox },
    reason: 'demo city (real district outlines; generated managed area, townships, communities and grids)',
  });
  return result;
}
