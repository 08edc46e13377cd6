/**
 * The managed area an import must land in: Ningbo's real extent joined with the bounding box of
 * the districts already stored, plus a margin. A file in the wrong CRS (metres read as degrees,
 * or degrees read as Gauss–Krüger) ends up far outside it and is rejected.
 *
 * The city's extent, without the margin, is the parent of its districts: a district must lie
 * inside it (territory.ts), as a township lies inside its district.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import {
  allFinite,
  type BBox,
  bboxOfGeometry as bboxOf,
  type GeoJsonGeometry,
  geometryToWgs84,
  validateGeometry,
} from '../geo/index.ts';
import { featureVertices } from './limits.ts';
import { err, type Finding, type GeoContext, inExtent, outsideFinding } from './report.ts';
import type { SourceFeature } from './source.ts';

/** 宁波市 (all ten districts and counties), roughly. */
export const NINGBO_EXTENT: BBox = [120.9, 28.85, 122.3, 30.4];
const MARGIN = 0.2;

/** The city's extent with the margin a file in a wrong CRS falls far outside of. */
export function managedExtent(city: BBox): BBox {
  return [city[0] - MARGIN, city[1] - MARGIN, city[2] + MARGIN, city[3] + MARGIN];
}

export interface Converted {
  geometry: GeoJsonGeometry;
  bbox: BBox;
}

/**
 * A feature's geometry in WGS84, checked for size, shape and place; null with findings otherwise.
 * `polygonal` demands a (Multi)Polygon with valid topology (divisions, grids).
 */
export function convertFeature(
  f: SourceFeature,
  id: string,
  ctx: GeoContext,
  polygonal: boolean,
): { value: Converted | null; findings: Finding[] } {
  const { crs, extent } = ctx;
  if (f.vertices > ctx.limits.maxVerticesPerFeature) {
    return { value: null, findings: [featureVertices(id, f.vertices, ctx.limits)] };
  }
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
