/**
 * Topology validation for grid data (domain.md §3: a grid never crosses its community
 * boundary; grids of a community neither overlap nor leave gaps). Importers run it before
 * accepting official data, and a test runs it over the whole demo city.
 *
 * Each check returns findings rather than throwing, so an importer can show all problems of a
 * file at once, in Chinese and English. Areas are ellipsoidal m² (area.ts) and compared with
 * a tolerance, because official data digitised by hand always has sliver gaps of a few cm².
 *
 * Axis-aligned rectangles (the demo city, many imported grids) are handled with exact
 * rectangle arithmetic; any other polygon goes through polygon-clipping.
 */
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import polygonClipping, { type Geom, type MultiPolygon as PcMultiPolygon } from 'polygon-clipping';
import { geodesicArea } from './area.ts';
import { gridMatchesCommunity } from './codes.ts';

export type TopologyRule =
  | 'invalid-geometry'
  | 'duplicate-id'
  | 'id-mismatch'
  | 'overlap'
  | 'gap'
  | 'outside-parent';

export interface TopologyFinding {
  rule: TopologyRule;
  ids: string[];
  message_zh: string;
  message_en: string;
  /** m², for overlap / gap / outside-parent. */
  area?: number;
}

export interface Feature {
  id: string;
  geometry: Polygon | MultiPolygon;
}

export interface TopologyOptions {
  /** Areas at or below this many m² are ignored; default 1. */
  areaToleranceM2?: number;
}

const fmt = (m2: number) => m2.toFixed(2);

// ---------------------------------------------------------------------------------------
// Geometry validity

function segmentsIntersect(a: Position, b: Position, c: Position, d: Position): boolean {
  const orient = (p: Position, q: Position, r: Position) => {
    const v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
    return v > 0 ? 1 : v < 0 ? -1 : 0;
  };
  const onSeg = (p: Position, q: Position, r: Position) =>
    Math.min(p[0], q[0]) <= r[0] &&
    r[0] <= Math.max(p[0], q[0]) &&
    Math.min(p[1], q[1]) <= r[1] &&
    r[1] <= Math.max(p[1], q[1]);
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSeg(a, b, c)) ||
    (o2 === 0 && onSeg(a, b, d)) ||
    (o3 === 0 && onSeg(c, d, a)) ||
    (o4 === 0 && onSeg(c, d, b))
  );
}

/**
 * True when two edges of the polygon's rings cross or touch, other than consecutive edges of
 * one ring at their shared vertex. A sweep over edges sorted by min x keeps it near-linear
 * for the usual few-hundred-vertex grid.
 */
function hasSelfIntersection(rings: Position[][]): boolean {
  type Seg = { r: number; i: number; n: number; a: Position; b: Position; minX: number; maxX: number };
  const segs: Seg[] = [];
  rings.forEach((ring, r) => {
    const n = ring.length - 1; // closed ring: n edges
    for (let i = 0; i < n; i++) {
      const a = ring[i];
      const b = ring[i + 1];
      segs.push({ r, i, n, a, b, minX: Math.min(a[0], b[0]), maxX: Math.max(a[0], b[0]) });
    }
  });
  segs.sort((s, t) => s.minX - t.minX);
  for (let x = 0; x < segs.length; x++) {
    const s = segs[x];
    for (let y = x + 1; y < segs.length && segs[y].minX <= s.maxX; y++) {
      const t = segs[y];
      if (s.r === t.r) {
        const d = Math.abs(s.i - t.i);
        if (d === 1 || d === s.n - 1) continue; // neighbours share a vertex
      }
      if (segmentsIntersect(s.a, s.b, t.a, t.b)) return true;
    }
  }
  return false;
}

/** Structural problems of one geometry; empty when it is a valid Polygon / MultiPolygon. */
export function validateGeometry(
  id: string,
  geometry: Polygon | MultiPolygon | null | undefined,
): TopologyFinding[] {
  const bad = (zh: string, en: string): TopologyFinding[] => [
    {
      rule: 'invalid-geometry',
      ids: [id],
      message_zh: `${id} 几何无效：${zh}`,
      message_en: `geometry of ${id} is invalid: ${en}`,
    },
  ];
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
    return bad('不是面（Polygon/MultiPolygon）', 'not a Polygon or MultiPolygon');
  }
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0) return bad('没有坐标', 'no coordinates');
  for (const rings of polygons) {
    if (!Array.isArray(rings) || rings.length === 0) return bad('没有坐标环', 'polygon without rings');
    for (const ring of rings) {
      if (!Array.isArray(ring) || ring.length < 4)
        return bad('坐标环少于 4 个点', 'ring has fewer than 4 positions');
      for (const p of ring) {
        if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
          return bad('坐标不是有限数', 'non-finite coordinate');
        }
      }
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first[0] !== last[0] || first[1] !== last[1]) return bad('坐标环未闭合', 'ring is not closed');
    }
    if (hasSelfIntersection(rings)) return bad('边自相交', 'edges intersect themselves');
    for (const ring of rings) {
      if (geodesicArea({ type: 'Polygon', coordinates: [ring] }) === 0)
        return bad('坐标环面积为零', 'ring has zero area');
    }
  }
  return [];
}

// ---------------------------------------------------------------------------------------
// Overlaps, gaps, crossing the parent

interface Rect {
  w: number;
  s: number;
  e: number;
  n: number;
}

/** The rectangle of an axis-aligned, single-ring, 4-corner polygon; null otherwise. */
function asRect(g: Polygon | MultiPolygon): Rect | null {
  if (g.type !== 'Polygon' || g.coordinates.length !== 1 || g.coordinates[0].length !== 5) return null;
  const ring = g.coordinates[0];
  for (let i = 0; i < 4; i++) {
    if (ring[i][0] !== ring[i + 1][0] && ring[i][1] !== ring[i + 1][1]) return null;
  }
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const r = { w: Math.min(...xs), e: Math.max(...xs), s: Math.min(...ys), n: Math.max(...ys) };
  if (new Set(xs).size !== 2 || new Set(ys).size !== 2) return null;
  return r;
}

const rectArea = (r: Rect) =>
  geodesicArea({
    type: 'Polygon',
    coordinates: [
      [
        [r.w, r.s],
        [r.e, r.s],
        [r.e, r.n],
        [r.w, r.n],
        [r.w, r.s],
      ],
    ],
  });

function rectIntersection(a: Rect, b: Rect): Rect | null {
  const r = { w: Math.max(a.w, b.w), e: Math.min(a.e, b.e), s: Math.max(a.s, b.s), n: Math.min(a.n, b.n) };
  return r.w < r.e && r.s < r.n ? r : null;
}

const pc = (g: Polygon | MultiPolygon): Geom => g.coordinates as unknown as Geom;
const pcArea = (m: PcMultiPolygon) => geodesicArea(m as unknown as Position[][][]);

function bboxOf(g: Polygon | MultiPolygon): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    }
  }
  return [w, s, e, n];
}

function overlapOf(
  a: Polygon | MultiPolygon,
  ra: Rect | null,
  b: Polygon | MultiPolygon,
  rb: Rect | null,
): number {
  if (ra && rb) {
    const x = rectIntersection(ra, rb);
    return x ? rectArea(x) : 0;
  }
  return pcArea(polygonClipping.intersection(pc(a), pc(b)));
}

/**
 * Area (ellipsoidal m²) two valid polygons have in common: exact rectangle arithmetic when both
 * are axis-aligned rectangles, polygon clipping otherwise. Importers use it to keep new geometry
 * off ground that other geometry of the same level holds.
 */
export function overlapArea(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): number {
  return overlapOf(a, asRect(a), b, asRect(b));
}

/**
 * Check that `children` tile `parent`: no overlap between two children, no part of a child
 * outside the parent, no gap left uncovered; invalid child geometries are reported and left
 * out of the area checks. Works for any level (grids in a community, communities in a
 * township, …). `parent.id` names the parent in gap findings.
 */
export function checkPartition(
  parent: Feature,
  children: Feature[],
  options: TopologyOptions = {},
): TopologyFinding[] {
  const tol = options.areaToleranceM2 ?? 1;
  const findings: TopologyFinding[] = validateGeometry(parent.id, parent.geometry);
  if (findings.length) return findings;
  const valid: Feature[] = [];
  for (const c of children) {
    const f = validateGeometry(c.id, c.geometry);
    if (f.length) findings.push(...f);
    else valid.push(c);
  }
  const parentRect = asRect(parent.geometry);
  const rects = valid.map((c) => asRect(c.geometry));
  const allRects = parentRect !== null && rects.every((r) => r !== null);

  // Overlaps: candidate pairs from an R-tree over child bboxes.
  let overlapFound = false;
  if (valid.length > 1) {
    const boxes = valid.map((c) => bboxOf(c.geometry));
    const tree = new Flatbush(valid.length);
    for (const b of boxes) tree.add(b[0], b[1], b[2], b[3]);
    tree.finish();
    valid.forEach((a, i) => {
      for (const j of tree.search(...boxes[i])) {
        if (j <= i) continue;
        const b = valid[j];
        const area = overlapOf(a.geometry, rects[i], b.geometry, rects[j]);
        if (area > tol) {
          overlapFound = true;
          const ids = [a.id, b.id].sort();
          findings.push({
            rule: 'overlap',
            ids,
            area,
            message_zh: `${ids[0]} 与 ${ids[1]} 重叠 ${fmt(area)} 平方米`,
            message_en: `${ids[0]} and ${ids[1]} overlap by ${fmt(area)} m²`,
          });
        }
      }
    });
  }

  // Parts outside the parent.
  let outsideFound = false;
  valid.forEach((c, i) => {
    const r = rects[i];
    let area: number;
    if (allRects && r && parentRect) {
      const x = rectIntersection(r, parentRect);
      area = rectArea(r) - (x ? rectArea(x) : 0);
    } else {
      area = pcArea(polygonClipping.difference(pc(c.geometry), pc(parent.geometry)));
    }
    if (area > tol) {
      outsideFound = true;
      findings.push({
        rule: 'outside-parent',
        ids: [c.id, parent.id],
        area,
        message_zh: `${c.id} 有 ${fmt(area)} 平方米超出上级 ${parent.id} 边界`,
        message_en: `${c.id} extends ${fmt(area)} m² beyond its parent ${parent.id}`,
      });
    }
  });

  // Gaps. With rectangles that neither overlap nor stick out, the covered area is the plain
  // sum of child areas; otherwise compute parent minus the union of children.
  let gap: number;
  if (allRects && !overlapFound && !outsideFound) {
    gap = rectArea(parentRect as Rect) - rects.reduce((s, r) => s + rectArea(r as Rect), 0);
  } else {
    gap = valid.length
      ? pcArea(polygonClipping.difference(pc(parent.geometry), ...valid.map((c) => pc(c.geometry))))
      : geodesicArea(parent.geometry);
  }
  if (gap > tol) {
    findings.push({
      rule: 'gap',
      ids: [parent.id],
      area: gap,
      message_zh: `${parent.id} 内有 ${fmt(gap)} 平方米未被下级覆盖`,
      message_en: `${fmt(gap)} m² of ${parent.id} is not covered by its children`,
    });
  }
  return findings;
}

/**
 * All checks for the grids of one community: geometry, duplicate IDs, IDs that are invalid or
 * belong to another community, overlaps, gaps, and grids crossing the community boundary.
 */
export function checkCommunityGrids(
  community: { code: string; geometry: Polygon | MultiPolygon },
  grids: Feature[],
  options: TopologyOptions = {},
): TopologyFinding[] {
  const findings: TopologyFinding[] = [];
  const seen = new Map<string, number>();
  for (const g of grids) seen.set(g.id, (seen.get(g.id) ?? 0) + 1);
  for (const [id, count] of seen) {
    if (count > 1) {
      findings.push({
        rule: 'duplicate-id',
        ids: [id],
        message_zh: `网格编码 ${id} 重复 ${count} 次`,
        message_en: `grid ID ${id} occurs ${count} times`,
      });
    }
    if (!gridMatchesCommunity(id, community.code)) {
      findings.push({
        rule: 'id-mismatch',
        ids: [id, community.code],
        message_zh: `网格编码 ${id} 无效或不属于社区 ${community.code}`,
        message_en: `grid ID ${id} is invalid or not in community ${community.code}`,
      });
    }
  }
  findings.push(...checkPartition({ id: community.code, geometry: community.geometry }, grids, options));
  return findings;
}
