/**
 * Pure geometry helpers shared by the importers and the components module: converting a
 * GeoJSON geometry from any supported CRS to WGS84, its bounding box and representative point.
 */
import type { Geometry, Position } from 'geojson';
import type { GeoJsonGeometry } from '../tables.ts';
import { geodesicArea } from './area.ts';
import { type Crs, toWgs84 } from './crs.ts';

export type BBox = [west: number, south: number, east: number, north: number];

const round = (v: number) => Math.round(v * 1e9) / 1e9;

function convertPosition(p: Position, crs: Crs): [number, number] {
  if (crs.kind === 'geographic' && (crs.system === 'wgs84' || crs.system === 'cgcs2000')) {
    return [p[0], p[1]];
  }
  const [lng, lat] = toWgs84(p[0], p[1], crs);
  return [round(lng), round(lat)];
}

/** The geometry with every position converted to WGS84 (Z values dropped). */
export function geometryToWgs84(g: Geometry, crs: Crs): GeoJsonGeometry | null {
  const c = (p: Position) => convertPosition(p, crs);
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: c(g.coordinates) };
    case 'LineString':
      return { type: 'LineString', coordinates: g.coordinates.map(c) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(c)) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(c))) };
    default:
      return null;
  }
}

function positionsOf(g: { type: string; coordinates: unknown }): Position[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates as Position];
    case 'LineString':
    case 'MultiPoint':
      return g.coordinates as Position[];
    case 'Polygon':
    case 'MultiLineString':
      return (g.coordinates as Position[][]).flat();
    case 'MultiPolygon':
      return (g.coordinates as Position[][][]).flat(2);
    default:
      return [];
  }
}

export function bboxOf(g: { type: string; coordinates: unknown }): BBox {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const [x, y] of positionsOf(g)) {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

/** True when every coordinate is a finite number (and there is at least one). */
export function allFinite(g: { type: string; coordinates: unknown }): boolean {
  const ps = positionsOf(g);
  return ps.length > 0 && ps.every((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]));
}

/** Area-weighted centroid of a polygon's outer ring (planar, fine at grid scale). */
function ringCentroid(ring: Position[]): [number, number, number] {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    a += f;
    cx += (ring[j][0] + ring[i][0]) * f;
    cy += (ring[j][1] + ring[i][1]) * f;
  }
  if (a === 0) {
    const b = bboxOf({ type: 'LineString', coordinates: ring });
    return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 0];
  }
  return [cx / (3 * a), cy / (3 * a), Math.abs(a / 2)];
}

/** The point itself, a line's middle vertex, or a polygon's centroid (largest part). */
export function representativePoint(g: GeoJsonGeometry): [number, number] {
  if (g.type === 'Point') return [g.coordinates[0], g.coordinates[1]];
  if (g.type === 'LineString') {
    const mid = g.coordinates[Math.floor(g.coordinates.length / 2)];
    return [mid[0], mid[1]];
  }
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best: [number, number, number] = [0, 0, -1];
  for (const p of polys) {
    const c = ringCentroid(p[0]);
    if (c[2] > best[2]) best = c;
  }
  return [round(best[0]), round(best[1])];
}

export function areaM2(g: GeoJsonGeometry): number {
  return g.type === 'Polygon' || g.type === 'MultiPolygon' ? geodesicArea(g) : 0;
}

/** Great-circle distance in metres (haversine on the mean Earth radius). */
export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}
