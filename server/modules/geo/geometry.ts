/**
 * Small geometry helpers for the geo service: bounding boxes, centroids and the exact
 * "does this polygon touch this bbox" test behind OGC bbox queries (after the SQL prefilter
 * on the bbox columns).
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { pointInPolygon } from './core/spatial-index.ts';

export type Bbox = [west: number, south: number, east: number, north: number];

function ringsOf(g: Polygon | MultiPolygon): Position[][] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}

export function bboxOf(g: Polygon | MultiPolygon): Bbox {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const ring of ringsOf(g)) {
    for (const [x, y] of ring) {
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    }
  }
  return [w, s, e, n];
}

/** Area-weighted centroid of the exterior rings (planar in degrees: fine at grid size). */
export function centroidOf(g: Polygon | MultiPolygon): [number, number] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let area = 0;
  let sx = 0;
  let sy = 0;
  for (const poly of polys) {
    const ring = poly[0];
    // Shift to the first vertex to keep the cross products well conditioned.
    const [ox, oy] = ring[0];
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const x0 = ring[j][0] - ox;
      const y0 = ring[j][1] - oy;
      const x1 = ring[i][0] - ox;
      const y1 = ring[i][1] - oy;
      const f = x0 * y1 - x1 * y0;
      a += f;
      cx += (x0 + x1) * f;
      cy += (y0 + y1) * f;
    }
    if (a === 0) continue;
    area += a;
    sx += (ox + cx / (3 * a)) * a;
    sy += (oy + cy / (3 * a)) * a;
  }
  if (area !== 0) return [sx / area, sy / area];
  const [w, s, e, n] = bboxOf(g);
  return [(w + e) / 2, (s + n) / 2];
}

export function bboxesIntersect(a: Bbox, b: Bbox): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

function segmentCrossesBox(p: Position, q: Position, b: Bbox): boolean {
  // Liang–Barsky clip of the segment against the box.
  let t0 = 0;
  let t1 = 1;
  const dx = q[0] - p[0];
  const dy = q[1] - p[1];
  const edges: [number, number][] = [
    [-dx, p[0] - b[0]],
    [dx, b[2] - p[0]],
    [-dy, p[1] - b[1]],
    [dy, b[3] - p[1]],
  ];
  for (const [pp, qq] of edges) {
    if (pp === 0) {
      if (qq < 0) return false;
    } else {
      const r = qq / pp;
      if (pp < 0) {
        if (r > t1) return false;
        if (r > t0) t0 = r;
      } else {
        if (r < t0) return false;
        if (r < t1) t1 = r;
      }
    }
  }
  return true;
}

/** Exact: the polygon and the (closed) box share at least one point. */
export function polygonIntersectsBbox(g: Polygon | MultiPolygon, b: Bbox): boolean {
  if (!bboxesIntersect(bboxOf(g), b)) return false;
  for (const ring of ringsOf(g)) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      if (segmentCrossesBox(ring[j], ring[i], b)) return true;
    }
  }
  // No edge touches the box: either the box lies inside the polygon or they are apart.
  return pointInPolygon((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, g);
}

export function geometryIntersectsBbox(g: { type: string; coordinates: unknown }, b: Bbox): boolean {
  if (g.type === 'Point') {
    const [x, y] = g.coordinates as Position;
    return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
  }
  if (g.type === 'LineString') {
    const c = g.coordinates as Position[];
    for (let i = 1; i < c.length; i++) if (segmentCrossesBox(c[i - 1], c[i], b)) return true;
    return c.length === 1 && geometryIntersectsBbox({ type: 'Point', coordinates: c[0] }, b);
  }
  return polygonIntersectsBbox(g as Polygon | MultiPolygon, b);
}
