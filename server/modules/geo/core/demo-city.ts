/**
 * Demo city generator (domain.md §3: "a demo city has generated geometry over real codes and
 * names, and says so"). It lays out the six central districts of Ningbo with their real
 * township and community codes and names, and invents rectangles for them:
 *
 *   region → 6 districts → townships → communities → unit grids (~gridSizeMeters square)
 *
 * Every level tiles its parent with no overlap and no gap, because every rectangle is cut
 * from its parent by a list of cut lines computed once and shared by both neighbours: the
 * same float is used on both sides of an edge, so exact topology checks pass. Interior cut
 * lines are rounded to 1e-7° (~1 cm) to keep the output compact.
 *
 * Layout (keeps the real relative arrangement, anchored at 三江口, the real city centre):
 *
 *      +--------+------+------------+
 *      |  江北  | 镇海 |    北仑    |
 *      +--------x------+------------+      x = CITY_CENTRE (junction of 江北, 海曙 and the
 *      |  海曙  |                   |          eastern column)
 *      +--------+       鄞州        |
 *      |  奉化  |                   |
 *      +--------+-------------------+
 *
 * Areas follow grid counts (≈ grids × gridSizeMeters²), so the footprint grows with the scale:
 * ~7 km across by default, ~40 km (close to the real spread) at 150,000 grids. Pass a larger
 * `gridSizeMeters` for a real-size footprint with few grids.
 *
 * Deterministic: a seeded PRNG (mulberry32) is the only source of variation and is consumed
 * in a fixed order, so the same input and options give byte-identical JSON.
 */
import type { Polygon } from 'geojson';
import { buildGridId, MAX_GRID_SEQUENCE } from './codes.ts';

export type AreaClass = 'A' | 'B' | 'C';

/** The shape of db/reference/ningbo-divisions.json (only the fields used here). */
export interface DivisionNode {
  code: string;
  name: string;
  children?: DivisionNode[];
}

export interface DemoDivision {
  code: string;
  name: string;
  /** Township → district code, community → township code, district → city code. */
  parentCode: string;
  polygon: Polygon;
}

export interface DemoGrid {
  id: string;
  communityCode: string;
  areaClass: AreaClass;
  polygon: Polygon;
}

export interface DemoCityOptions {
  /** PRNG seed; default 20260101. */
  seed?: number;
  /** Approximate total number of grids; default 4,500 (≈3 per community). */
  targetGrids?: number;
  /** Upper bound per community; default and maximum 999 (3-digit sequence). */
  maxGridsPerCommunity?: number;
  /** Side of a unit grid in metres; default 100 (万米单元网格 ≈ 10,000 m²). */
  gridSizeMeters?: number;
}

export interface DemoCity {
  /** Always true: this geometry is invented, only codes and names are real. */
  generated: true;
  crs: 'wgs84';
  seed: number;
  targetGrids: number;
  gridSizeMeters: number;
  /** Point from which area classes are measured (三江口). */
  center: [number, number];
  /** [west, south, east, north] of the whole region. */
  bbox: [number, number, number, number];
  districts: DemoDivision[];
  townships: DemoDivision[];
  communities: DemoDivision[];
  grids: DemoGrid[];
}

export const DEMO_DISTRICT_CODES = ['330203', '330205', '330206', '330211', '330212', '330213'] as const;
/** 三江口, where 海曙, 江北 and 鄞州 meet. */
export const CITY_CENTRE: [number, number] = [121.557, 29.873];

/** Area-class radii as fractions of the centre's distance to the farthest region corner. */
const CLASS_A_RADIUS = 0.15;
const CLASS_B_RADIUS = 0.45;
const REGION_ASPECT = 1.25; // width / height in metres, like the real six-district spread

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Metres per degree at a latitude (WGS84 series), for sizing rectangles. */
function metresPerDegree(lat: number): { lng: number; lat: number } {
  const p = (lat * Math.PI) / 180;
  return {
    lat: 111132.92 - 559.82 * Math.cos(2 * p) + 1.175 * Math.cos(4 * p),
    lng: 111412.84 * Math.cos(p) - 93.5 * Math.cos(3 * p),
  };
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

interface Rect {
  west: number;
  east: number;
  south: number;
  north: number;
}

export function rectPolygon(r: Rect): Polygon {
  // Counter-clockwise exterior ring (RFC 7946), closed.
  return {
    type: 'Polygon',
    coordinates: [
      [
        [r.west, r.south],
        [r.east, r.south],
        [r.east, r.north],
        [r.west, r.north],
        [r.west, r.south],
      ],
    ],
  };
}

/**
 * Cut points from `start` to `end` at cumulative weight fractions. The ends are the parent's
 * own floats (so children share their parent's edges exactly); interior cuts are rounded.
 */
function cuts(start: number, end: number, weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const out = [start];
  let acc = 0;
  for (let i = 0; i < weights.length - 1; i++) {
    acc += weights[i];
    out.push(round7(start + ((end - start) * acc) / total));
  }
  out.push(end);
  return out;
}

/**
 * Strip treemap: rows from north to south, items west→east inside a row, in input order.
 * The row count makes cells roughly square in metres.
 */
function layoutStrips(rect: Rect, weights: number[], mpd: { lng: number; lat: number }): Rect[] {
  const n = weights.length;
  const wM = (rect.east - rect.west) * mpd.lng;
  const hM = (rect.north - rect.south) * mpd.lat;
  const rows = Math.min(n, Math.max(1, Math.round(Math.sqrt((n * hM) / wM))));
  const total = weights.reduce((a, b) => a + b, 0);
  // Greedy split into `rows` consecutive groups with near-equal weight.
  const groups: number[][] = [];
  let idx = 0;
  let acc = 0;
  for (let g = 0; g < rows; g++) {
    const group: number[] = [];
    const target = (total * (g + 1)) / rows;
    const remainingRows = rows - g - 1;
    while (idx < n - remainingRows) {
      const w = weights[idx];
      // Stop before an item that overshoots the target by more than it fills, if non-empty.
      if (group.length > 0 && acc + w - target > target - acc) break;
      group.push(idx);
      acc += w;
      idx++;
      if (acc >= target) break;
    }
    groups.push(group);
  }
  while (idx < n) {
    groups[groups.length - 1].push(idx++);
  }
  const rowWeights = groups.map((g) => g.reduce((s, i) => s + weights[i], 0));
  const ys = cuts(rect.north, rect.south, rowWeights);
  const out: Rect[] = new Array(n);
  groups.forEach((group, g) => {
    const xs = cuts(
      rect.west,
      rect.east,
      group.map((i) => weights[i]),
    );
    group.forEach((item, k) => {
      out[item] = { west: xs[k], east: xs[k + 1], north: ys[g], south: ys[g + 1] };
    });
  });
  return out;
}

function findDistrict(root: DivisionNode, code: string): DivisionNode {
  const d = root.children?.find((c) => c.code === code);
  if (!d) throw new Error(`district ${code} missing from division reference data`);
  return d;
}

/** Generate the demo city from the division tree (root = 宁波市 330200). */
export function generateDemoCity(root: DivisionNode, options: DemoCityOptions = {}): DemoCity {
  const seed = options.seed ?? 20260101;
  const targetGrids = options.targetGrids ?? 4500;
  const cap = Math.min(options.maxGridsPerCommunity ?? MAX_GRID_SEQUENCE, MAX_GRID_SEQUENCE);
  const gridSize = options.gridSizeMeters ?? 100;
  const rng = mulberry32(seed);

  const districts = DEMO_DISTRICT_CODES.map((c) => findDistrict(root, c));
  // Townships without communities cannot be tiled by them; the reference data has none.
  const townshipsOf = (d: DivisionNode) => (d.children ?? []).filter((t) => (t.children ?? []).length > 0);
  const allCommunities = districts.flatMap((d) => townshipsOf(d).flatMap((t) => t.children ?? []));

  // Weight = intended grid count. Villages (村委会, suffix 200–399 / 500–599) cover more land
  // than urban residents' committees, so they get more grids; jitter varies the sizes. Raw
  // weights are scaled so that they add up to targetGrids before rounding.
  const raw = allCommunities.map((c) => {
    const suffix = Number(c.code.slice(9));
    const rural = (suffix >= 200 && suffix < 400) || suffix >= 500;
    return (rural ? 1.3 : 0.8) * (0.6 + 0.8 * rng());
  });
  const scale = targetGrids / raw.reduce((a, b) => a + b, 0);
  const weightOf = new Map<string, number>();
  allCommunities.forEach((c, i) => {
    weightOf.set(c.code, Math.min(cap, Math.max(1, Math.round(raw[i] * scale))));
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const communityWeight = (c: DivisionNode) => weightOf.get(c.code) as number;
  const townshipWeight = (t: DivisionNode) => sum((t.children ?? []).map(communityWeight));
  const districtWeight = (d: DivisionNode) => sum(townshipsOf(d).map(townshipWeight));
  const w = Object.fromEntries(districts.map((d) => [d.code, districtWeight(d)])) as Record<string, number>;

  // Region size in degrees from total area, anchored so the junction sits at CITY_CENTRE.
  const mpd = metresPerDegree(CITY_CENTRE[1]);
  const totalW = sum(Object.values(w));
  const areaM2 = totalW * gridSize * gridSize;
  const heightDeg = Math.sqrt(areaM2 / REGION_ASPECT) / mpd.lat;
  const widthDeg = (Math.sqrt(areaM2 / REGION_ASPECT) * REGION_ASPECT) / mpd.lng;
  const left = w['330205'] + w['330203'] + w['330213'];
  const jiangbeiFrac = w['330205'] / left;
  const westEdge = round7(CITY_CENTRE[0] - (widthDeg * left) / totalW);
  const northEdge = round7(CITY_CENTRE[1] + heightDeg * jiangbeiFrac);
  const region: Rect = {
    west: westEdge,
    east: round7(westEdge + widthDeg),
    north: northEdge,
    south: round7(northEdge - heightDeg),
  };
  const midX = CITY_CENTRE[0];
  const leftYs = cuts(region.north, region.south, [w['330205'], w['330203'], w['330213']]);
  leftYs[1] = CITY_CENTRE[1];
  const rightYs = cuts(region.north, region.south, [w['330211'] + w['330206'], w['330212']]);
  const topXs = cuts(midX, region.east, [w['330211'], w['330206']]);
  const districtRects: Record<string, Rect> = {
    '330205': { west: region.west, east: midX, north: leftYs[0], south: leftYs[1] },
    '330203': { west: region.west, east: midX, north: leftYs[1], south: leftYs[2] },
    '330213': { west: region.west, east: midX, north: leftYs[2], south: leftYs[3] },
    '330211': { west: topXs[0], east: topXs[1], north: rightYs[0], south: rightYs[1] },
    '330206': { west: topXs[1], east: topXs[2], north: rightYs[0], south: rightYs[1] },
    '330212': { west: midX, east: region.east, north: rightYs[1], south: rightYs[2] },
  };

  // Area classes by distance (metres, equirectangular) from the centre, relative to the region.
  const distM = (lng: number, lat: number) =>
    Math.hypot((lng - CITY_CENTRE[0]) * mpd.lng, (lat - CITY_CENTRE[1]) * mpd.lat);
  const maxDist = Math.max(
    distM(region.west, region.north),
    distM(region.east, region.north),
    distM(region.west, region.south),
    distM(region.east, region.south),
  );
  const areaClassAt = (lng: number, lat: number): AreaClass => {
    const d = distM(lng, lat) / maxDist;
    return d <= CLASS_A_RADIUS ? 'A' : d <= CLASS_B_RADIUS ? 'B' : 'C';
  };

  const city: DemoCity = {
    generated: true,
    crs: 'wgs84',
    seed,
    targetGrids,
    gridSizeMeters: gridSize,
    center: [CITY_CENTRE[0], CITY_CENTRE[1]],
    bbox: [region.west, region.south, region.east, region.north],
    districts: [],
    townships: [],
    communities: [],
    grids: [],
  };

  for (const d of districts) {
    const dRect = districtRects[d.code];
    city.districts.push({ code: d.code, name: d.name, parentCode: root.code, polygon: rectPolygon(dRect) });
    const townships = townshipsOf(d);
    const tRects = layoutStrips(dRect, townships.map(townshipWeight), mpd);
    townships.forEach((t, ti) => {
      city.townships.push({
        code: t.code,
        name: t.name,
        parentCode: d.code,
        polygon: rectPolygon(tRects[ti]),
      });
      const communities = t.children ?? [];
      const cRects = layoutStrips(tRects[ti], communities.map(communityWeight), mpd);
      communities.forEach((c, ci) => {
        const r = cRects[ci];
        city.communities.push({ code: c.code, name: c.name, parentCode: t.code, polygon: rectPolygon(r) });
        addGrids(city.grids, c.code, r, communityWeight(c), cap, mpd, areaClassAt);
      });
    });
  }
  return city;
}

/** Cut a community into rows × cols grids close to `weight` cells, numbered NW → SE row-major. */
function addGrids(
  out: DemoGrid[],
  communityCode: string,
  r: Rect,
  weight: number,
  cap: number,
  mpd: { lng: number; lat: number },
  areaClassAt: (lng: number, lat: number) => AreaClass,
): void {
  const wM = (r.east - r.west) * mpd.lng;
  const hM = (r.north - r.south) * mpd.lat;
  // Try the row counts around the square-cell ideal; keep the one whose rows × cols is
  // closest to the weight (ties: the squarer cells), within the cap.
  const ideal = Math.sqrt((weight * hM) / wM);
  let rows = 1;
  let cols = 1;
  let best = Number.POSITIVE_INFINITY;
  for (const rr of [Math.floor(ideal), Math.ceil(ideal)]) {
    const r1 = Math.max(1, rr);
    let c1 = Math.max(1, Math.round(weight / r1));
    while (r1 * c1 > cap && c1 > 1) c1--;
    if (r1 * c1 > cap) continue;
    const cellAspect = wM / c1 / (hM / r1);
    const score = Math.abs(r1 * c1 - weight) + Math.abs(Math.log(cellAspect)) * 0.01;
    if (score < best) {
      best = score;
      rows = r1;
      cols = c1;
    }
  }
  const ys = cuts(r.north, r.south, new Array(rows).fill(1));
  const xs = cuts(r.west, r.east, new Array(cols).fill(1));
  let seq = 1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const cell: Rect = { west: xs[j], east: xs[j + 1], north: ys[i], south: ys[i + 1] };
      out.push({
        id: buildGridId(communityCode, seq++),
        communityCode,
        areaClass: areaClassAt((cell.west + cell.east) / 2, (cell.north + cell.south) / 2),
        polygon: rectPolygon(cell),
      });
    }
  }
}
