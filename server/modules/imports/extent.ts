/**
 * The managed area an import must land in: Ningbo's real extent joined with the bounding box of
 * the districts already stored, plus a margin. A file in the wrong CRS (metres read as degrees,
 * or degrees read as Gauss–Krüger) ends up far outside it and is rejected.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { Db } from '../../platform/db.ts';
import {
  allFinite,
  type BBox,
  bboxOfGeometry as bboxOf,
  districtsExtent,
  type GeoJsonGeometry,
  geometryToWgs84,
  validateGeometry,
} from '../geo/index.ts';
import type { CrsChoice } from './crs.ts';
import { err, type Finding, inExtent, outsideFinding } from './report.ts';
import type { SourceFeature } from './source.ts';

/** 宁波市 (all ten districts and counties), roughly. */
export const NINGBO_EXTENT: BBox = [120.9, 28.85, 122.3, 30.4];
const MARGIN = 0.2;

export async function managedExtent(db: Db): Promise<BBox> {
  const stored = await districtsExtent(db);
  const b: BBox = [...NINGBO_EXTENT];
  if (stored) {
    b[0] = Math.min(b[0], stored[0]);
    b[1] = Math.min(b[1], stored[1]);
    b[2] = Math.max(b[2], stored[2]);
    b[3] = Math.max(b[3], stored[3]);
  }
  return [b[0] - MARGIN, b[1] - MARGIN, b[2] + MARGIN, b[3] + MARGIN];
}

export interface Converted {
  geometry: GeoJsonGeometry;
  bbox: BBox;
}

/**
 * A feature's geometry in WGS84, checked for shape and place; null with findings otherwise.
 * `polygonal` demands a (Multi)Polygon with valid topology (divisions, grids).
 */
export function convertFeature(
  f: SourceFeature,
  id: string,
  crs: CrsChoice,
  extent: BBox,
  polygonal: boolean,
): { value: Converted | null; findings: Finding[] } {
  const g = f.geometry as { type?: string; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object' || !g.type || !Array.isArray(g.coordinates) || !allFinite(g as never)) {
    return {
      value: null,
      findings: [err('invalid-geometry', `${id} 没有有效的几何`, `${id} has no valid geometry`)],
    };
  }
  if (polygonal && g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    return {
      value: null,
      findings: [err('invalid-geometry', `${id} 不是面要素`, `${id} is not a Polygon or MultiPolygon`)],
    };
  }
  let geometry: GeoJsonGeometry | null = null;
  try {
    geometry = geometryToWgs84(g as never, crs.crs);
  } catch {
    geometry = null;
  }
  if (!geometry || !allFinite(geometry)) {
    return {
      value: null,
      findings: [
        err(
          'invalid-geometry',
          `${id} 的几何类型不受支持或无法转换`,
          `${id}: unsupported or unconvertible geometry`,
        ),
      ],
    };
  }
  const bbox = bboxOf(geometry);
  if (!inExtent(bbox, extent)) return { value: null, findings: [outsideFinding(crs.label)] };
  if (polygonal) {
    const topo = validateGeometry(id, geometry as Polygon | MultiPolygon);
    if (topo.length) {
      return { value: null, findings: topo.map((t) => err(t.rule, t.message_zh, t.message_en)) };
    }
  }
  return { value: { geometry, bbox }, findings: [] };
}
