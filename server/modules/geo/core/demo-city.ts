/**
 * Demo city generator (domain.md §3: "a demo city has generated geometry over real codes and
 * names, and says so"). The six central districts of Ningbo keep their real township and
 * community codes and names, and lie inside their REAL outlines
 * (db/reference/ningbo-district-outlines.json, scripts/ningbo-outlines.ts); only the managed
 * area inside each outline — its built-up core — and the townships, communities and unit grids
 * in it are generated:
 *
 *   lattice of ~gridSizeMeters cells over the city (rows grouped in bands of `bandRows`)
 *   → each district's core: the lattice blocks (1 cell wide, one band tall) whose centre lies
 *     inside the district's real outline, nearest first to the district's real centre
 *     (天一广场 for 海曙, 新碶 for 北仑 …), as many as its communities need
 *   → townships: the core cut by straight lattice lines (k-d), sized by their communities
 *   → communities: rectangles, one band tall, along each township's rows
 *   → unit grids: the cells of a community, numbered west→east then north→south.
 *
 * So a real coordinate — 天一广场 (121.551, 29.870) — lies in a grid of 海曙区, a point of 新碶
 * (121.85, 29.90) in one of 北仑区, and district borders inside the cores follow the real ones
 * (at the lattice's resolution). The cores of 海曙, 江北 and 鄞州 meet around 三江口; 镇海, 北仑
 * and 奉化 have cores of their own. Every vertex is a lattice point computed from its integer
 * index by one formula, so neighbours share their edges exactly and the topology checks pass at
 * every level (a district's outline, a township's and a community's are unions of lattice
 * cells: lattice.ts).
 *
 * The managed area grows with the grid count (≈ grids × gridSizeMeters²): ~45 km² by default
 * (4,500 grids), most of the six districts' built-up land at 150,000.
 *
 * Deterministic: a seeded PRNG (mulberry32) is the only source of variation and is consumed
 * in a fixed order, so the same input and options give byte-identical JSON.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import outlinesFile from '../../../../db/reference/ningbo-district-outlines.json' with { type: 'json' };
import { buildGridId, MAX_GRID_SEQUENCE } from './codes.ts';
import { type Cell, cellKey, findPinches, keyCell, outlineCells } from './lattice.ts';
import { pointInPolygon } from './spatial-index.ts';

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
  polygon: Polygon | MultiPolygon;
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
  /** Always true: this geometry is invented, only codes, names and district outlines are real. */
  generated: true;
  crs: 'wgs84';
  seed: number;
  targetGrids: number;
  gridSizeMeters: number;
  /** 三江口, the city centre (where 海曙, 江北 and 鄞州 meet). */
  center: [number, number];
  /** [west, south, east, north] of the managed area. */
  bbox: [number, number, number, number];
  /** The managed area: the union of the districts' cores (what the districts tile). */
  managedArea: Polygon | MultiPolygon;
  /** Where the real district outlines come from. */
  outlineSource: string;
  districts: DemoDivision[];
  townships: DemoDivision[];
  communities: DemoDivision[];
  grids: DemoGrid[];
}

export const DEMO_DISTRICT_CODES = ['330203', '330205', '330206', '330211', '330212', '330213'] as const;
/** 三江口, where 海曙, 江北 and 鄞州 meet (WGS84). */
export const CITY_CENTRE: [number, number] = [121.557, 29.873];

/**
 * The real point each district's managed core grows from (WGS84): its built-up centre.
 * 海曙 from 天一广场; 江北 from the north bank of 三江口; 鄞州 from old 江东 towards 鄞州新城;
 * 镇海 from 骆驼 (its government); 北仑 from 新碶; 奉化 from 锦屏 (its old town).
 */
export const DEMO_CORE_CENTRES: Record<(typeof DEMO_DISTRICT_CODES)[number], [number, number]> = {
  '330203': [121.551, 29.87],
  '330205': [121.553, 29.889],
  '330212': [121.567, 29.852],
  '330211': [121.592, 29.967],
  '330206': [121.848, 29.9],
  '330213': [121.403, 29.658],
};

interface OutlineFeature {
  id: string;
  properties: { code: string; name: string };
  geometry: MultiPolygon;
}
const OUTLINES = outlinesFile as unknown as {
  meta: { source: string; license: string };
  features: OutlineFeature[];
};
/** The real outline (WGS84) of each demo district. */
export const DISTRICT_OUTLINES: ReadonlyMap<string, MultiPolygon> = new Map(
  OUTLINES.features.map((f) => [f.id, f.geometry]),
);
export const OUTLINE_SOURCE = OUTLINES.meta.source;
export const OUTLINE_LICENSE = OUTLINES.meta.license;

/** Area classes by distance from the district's core centre, as fractions of the core's reach. */
const CLASS_A_RADIUS = 0.35;
const CLASS_B_RADIUS = 0.7;
/** Core blocks per block the communities ask for. */
const CORE_MARGIN = 1.12;

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

/** Metres per degree at a latitude (WGS84 series), for sizing cells. */
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

function findDistrict(root: DivisionNode, code: string): DivisionNode {
  const d = root.children?.find((c) => c.code === code);
  if (!d) throw new Error(`district ${code} missing from division reference data`);
  return d;
}

/** Integer shares of `total` proportional to `weights`, each at least `min` (largest remainder). */
function apportion(total: number, weights: number[], min = 1): number[] {
  const n = weights.length;
  const spare = total - min * n;
  if (spare < 0) throw new Error(`cannot give ${n} parts at least ${min} of ${total}`);
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  const exact = weights.map((w) => (spare * w) / sum);
  const out = exact.map((x) => min + Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % n, left--) out[order[k].i]++;
  return out;
}

/**
 * The lattice: column i spans [x(i), x(i+1)], grid row j spans [y(j), y(j+1)] (j grows north);
 * block (i, b) is column i over the rows b·bandRows … (b+1)·bandRows. Every coordinate is
 * computed from its integer index by the same formula, so shared edges are the same floats.
 */
class Lattice {
  readonly cellW: number;
  readonly cellH: number;
  constructor(
    readonly origin: [number, number],
    readonly gridSize: number,
    readonly bandRows: number,
    readonly mpd: { lng: number; lat: number },
  ) {
    this.cellW = gridSize / mpd.lng;
    this.cellH = gridSize / mpd.lat;
  }
  x(i: number): number {
    return round7(this.origin[0] + i * this.cellW);
  }
  y(j: number): number {
    return round7(this.origin[1] + j * this.cellH);
  }
  /** Block containing a point, in block units (fractional). */
  blockAt(lng: number, lat: number): [number, number] {
    return [(lng - this.origin[0]) / this.cellW, (lat - this.origin[1]) / (this.cellH * this.bandRows)];
  }
  blockCentre(i: number, b: number): [number, number] {
    return [this.origin[0] + (i + 0.5) * this.cellW, this.origin[1] + (b + 0.5) * this.bandRows * this.cellH];
  }
  /** Distance in metres between block centres given in block units. */
  metres(di: number, db: number): number {
    return Math.hypot(di * this.gridSize, db * this.bandRows * this.gridSize);
  }
  vertex = (x: number, b: number): Position => [this.x(x), this.y(b * this.bandRows)];
  outline(blocks: ReadonlySet<number>): Polygon | MultiPolygon {
    const g = outlineCells(blocks, this.vertex);
    if (!g) throw new Error('empty outline');
    return g;
  }
}

/**
 * A district's core: blocks whose centre lies in its outline, nearest first to its centre, until
 * `need` blocks are taken; a block that would touch the core only at a corner is passed over,
 * and corner contacts left at the end are cut off (farther block first), so the outline is a
 * valid polygon.
 */
function growCore(
  lattice: Lattice,
  outline: MultiPolygon,
  centre: [number, number],
  need: number,
  claimed: Set<number>,
): Set<number> {
  const [ci, cb] = lattice.blockAt(centre[0], centre[1]);
  const dist = (i: number, b: number) => lattice.metres(i + 0.5 - ci, b + 0.5 - cb);
  if (!pointInPolygon(centre[0], centre[1], outline)) throw new Error('core centre outside its outline');
  let reach = Math.sqrt((need * lattice.gridSize * lattice.gridSize * lattice.bandRows) / Math.PI) * 1.6;
  for (let attempt = 0; attempt < 12; attempt++, reach *= 1.6) {
    const ri = Math.ceil(reach / lattice.gridSize);
    const rb = Math.ceil(reach / (lattice.gridSize * lattice.bandRows));
    const candidates: { i: number; b: number; d: number }[] = [];
    for (let b = Math.floor(cb) - rb; b <= Math.floor(cb) + rb; b++) {
      for (let i = Math.floor(ci) - ri; i <= Math.floor(ci) + ri; i++) {
        const d = dist(i, b);
        if (d > reach || claimed.has(cellKey(i, b))) continue;
        const [x, y] = lattice.blockCentre(i, b);
        if (pointInPolygon(x, y, outline)) candidates.push({ i, b, d });
      }
    }
    candidates.sort((p, q) => p.d - q.d || q.b - p.b || p.i - q.i);
    // The core alone and the managed area with it (the cores already laid) stay free of
    // blocks touching only at a corner.
    const core = new Set<number>();
    const union = new Set(claimed);
    for (const c of candidates) {
      if (core.size >= need) break;
      const k = cellKey(c.i, c.b);
      core.add(k);
      union.add(k);
      if (pinchedAt(core, c.i, c.b) || pinchedAt(union, c.i, c.b)) {
        core.delete(k);
        union.delete(k);
      }
    }
    if (core.size < need) continue;
    // Corner contacts left (a block passed over can leave one): cut the core's farther block.
    for (;;) {
      const pinches = [...findPinches(core), ...findPinches(union)];
      if (pinches.length === 0) break;
      for (const [wx, wy] of pinches) {
        const mine = [
          [wx, wy],
          [wx + 1, wy],
          [wx, wy + 1],
          [wx + 1, wy + 1],
        ].filter(([x, y]) => core.has(cellKey(x, y)));
        if (mine.length === 0) continue;
        mine.sort((p, q) => dist(q[0], q[1]) - dist(p[0], p[1]));
        core.delete(cellKey(mine[0][0], mine[0][1]));
        union.delete(cellKey(mine[0][0], mine[0][1]));
      }
    }
    return core;
  }
  throw new Error('a district outline is too small for its core');
}

/** True when block (i, b) of the set touches another block of the set only at a corner. */
function pinchedAt(set: ReadonlySet<number>, i: number, b: number): boolean {
  const has = (x: number, y: number) => set.has(cellKey(x, y));
  for (const [dx, dy] of [
    [1, 1],
    [1, -1],
    [-1, 1],
    [-1, -1],
  ]) {
    if (has(i + dx, b + dy) && !has(i + dx, b) && !has(i, b + dy)) return true;
  }
  return false;
}

/**
 * Cuts `blocks` among groups by straight lattice lines: the longer side of the set's extent is
 * cut (west→east or north→south order), recursively, each side getting the share its weights ask.
 */
function splitBlocks(lattice: Lattice, blocks: Cell[], weights: number[], minEach: number[]): Cell[][] {
  if (weights.length === 1) return [blocks];
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  let cut = 1;
  for (let k = 0; k < weights.length - 1; k++) {
    acc += weights[k];
    if (acc >= total / 2) {
      cut = k + 1;
      break;
    }
    cut = k + 1;
  }
  const wl = weights.slice(0, cut);
  const wr = weights.slice(cut);
  const ml = minEach.slice(0, cut).reduce((a, b) => a + b, 0);
  const mr = minEach.slice(cut).reduce((a, b) => a + b, 0);
  const sl = wl.reduce((a, b) => a + b, 0);
  let nl = Math.round((blocks.length * sl) / total);
  nl = Math.min(Math.max(nl, ml), blocks.length - mr);
  let minI = Infinity;
  let maxI = -Infinity;
  let minB = Infinity;
  let maxB = -Infinity;
  for (const [i, b] of blocks) {
    minI = Math.min(minI, i);
    maxI = Math.max(maxI, i);
    minB = Math.min(minB, b);
    maxB = Math.max(maxB, b);
  }
  const wide = lattice.metres(maxI - minI + 1, 0) >= lattice.metres(0, maxB - minB + 1);
  const sorted = [...blocks].sort(
    wide ? (p, q) => p[0] - q[0] || q[1] - p[1] : (p, q) => q[1] - p[1] || p[0] - q[0],
  );
  // A cut inside a column (row) can leave two blocks of one side touching only at a corner; a
  // cut on a column (row) boundary never does. Take the cut nearest the share that leaves none.
  const lo = ml;
  const hi = blocks.length - mr;
  const clean = (n: number) => {
    const key = (c: Cell) => cellKey(c[0], c[1]);
    return (
      findPinches(new Set(sorted.slice(0, n).map(key))).length === 0 &&
      findPinches(new Set(sorted.slice(n).map(key))).length === 0
    );
  };
  const line = (n: number) => (wide ? sorted[n][0] !== sorted[n - 1][0] : sorted[n][1] !== sorted[n - 1][1]);
  let best = -1;
  for (let delta = 0; best < 0 && (nl - delta >= lo || nl + delta <= hi); delta++) {
    for (const n of delta === 0 ? [nl] : [nl - delta, nl + delta]) {
      if (n < lo || n > hi || best >= 0) continue;
      if (line(n) || (delta < 24 && clean(n))) best = n;
    }
  }
  if (best < 0)
    throw new Error(
      `no clean cut of a township part (${blocks.length} blocks, ${lo}..${hi}, target ${nl}, wide ${wide})`,
    );
  nl = best;
  return [
    ...splitBlocks(lattice, sorted.slice(0, nl), wl, minEach.slice(0, cut)),
    ...splitBlocks(lattice, sorted.slice(nl), wr, minEach.slice(cut)),
  ];
}

/**
 * The core's blocks per township: the urban townships (街道, code 001–099) share the blocks
 * nearest the centre and the others the rest, each group cut by `splitBlocks`. The inner/outer
 * line is moved a little until neither side has blocks touching only at a corner; without a clean
 * line (or with only one kind of township) the whole core is cut at once.
 */
function townshipParts(
  lattice: Lattice,
  blocks: Cell[],
  townships: { urban: boolean; weight: number; min: number }[],
  dist: (i: number, b: number) => number,
): Cell[][] {
  const whole = () =>
    splitBlocks(
      lattice,
      blocks,
      townships.map((t) => t.weight),
      townships.map((t) => t.min),
    );
  const urban = townships.filter((t) => t.urban);
  const rural = townships.filter((t) => !t.urban);
  if (urban.length === 0 || rural.length === 0) return whole();
  const byDistance = [...blocks].sort(
    (p, q) => dist(p[0], p[1]) - dist(q[0], q[1]) || q[1] - p[1] || p[0] - q[0],
  );
  const sum = (xs: { weight: number }[]) => xs.reduce((a, t) => a + t.weight, 0);
  const minU = urban.reduce((a, t) => a + t.min, 0);
  const minR = rural.reduce((a, t) => a + t.min, 0);
  const target = Math.round((blocks.length * sum(urban)) / sum(townships));
  const key = (c: Cell) => cellKey(c[0], c[1]);
  for (let delta = 0; delta < 400; delta++) {
    for (const n of delta === 0 ? [target] : [target - delta, target + delta]) {
      if (n < minU || n > blocks.length - minR) continue;
      const inner = byDistance.slice(0, n);
      const outer = byDistance.slice(n);
      if (findPinches(new Set(inner.map(key))).length || findPinches(new Set(outer.map(key))).length)
        continue;
      const order = (list: Cell[]) => list.sort((p, q) => q[1] - p[1] || p[0] - q[0]);
      let innerParts: Cell[][];
      let outerParts: Cell[][];
      try {
        innerParts = splitBlocks(
          lattice,
          order(inner),
          urban.map((t) => t.weight),
          urban.map((t) => t.min),
        );
        outerParts = splitBlocks(
          lattice,
          order(outer),
          rural.map((t) => t.weight),
          rural.map((t) => t.min),
        );
      } catch {
        continue;
      }
      // Back in the townships' own order.
      let u = 0;
      let r = 0;
      return townships.map((t) => (t.urban ? innerParts[u++] : outerParts[r++]));
    }
  }
  return whole();
}

interface Run {
  b: number;
  i0: number;
  /** Blocks, west→east. */
  length: number;
}

/** Maximal west→east runs of a set of blocks, bands north→south, alternate bands east→west first. */
function runsOf(blocks: Cell[]): Run[] {
  const byBand = new Map<number, number[]>();
  for (const [i, b] of blocks) {
    const list = byBand.get(b);
    if (list) list.push(i);
    else byBand.set(b, [i]);
  }
  const bands = [...byBand.keys()].sort((p, q) => q - p);
  const out: Run[] = [];
  bands.forEach((b, n) => {
    const is = byBand.get(b)!.sort((p, q) => p - q);
    const runs: Run[] = [];
    for (const i of is) {
      const last = runs[runs.length - 1];
      if (last && last.i0 + last.length === i) last.length++;
      else runs.push({ b, i0: i, length: 1 });
    }
    out.push(...(n % 2 === 0 ? runs : runs.reverse()));
  });
  return out;
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
  // weights are scaled so that they add up to targetGrids with the core's margin.
  const raw = allCommunities.map((c) => {
    const suffix = Number(c.code.slice(9));
    const rural = (suffix >= 200 && suffix < 400) || suffix >= 500;
    return (rural ? 1.3 : 0.8) * (0.6 + 0.8 * rng());
  });
  const scale = targetGrids / CORE_MARGIN / raw.reduce((a, b) => a + b, 0);
  // Bands as tall as a typical community is wide, so communities come out roughly square.
  const bandRows = Math.min(31, Math.max(1, Math.round(Math.sqrt(targetGrids / allCommunities.length))));
  const maxBlocks = Math.max(1, Math.floor(cap / bandRows));
  const blocksOf = new Map<string, number>();
  allCommunities.forEach((c, i) => {
    blocksOf.set(c.code, Math.min(maxBlocks, Math.max(1, Math.round((raw[i] * scale) / bandRows))));
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const townshipBlocks = (t: DivisionNode) => sum((t.children ?? []).map((c) => blocksOf.get(c.code)!));

  const mpd = metresPerDegree(CITY_CENTRE[1]);
  const lattice = new Lattice(CITY_CENTRE, gridSize, bandRows, mpd);
  const claimed = new Set<number>();
  const all = new Set<number>();
  const city: DemoCity = {
    generated: true,
    crs: 'wgs84',
    seed,
    targetGrids,
    gridSizeMeters: gridSize,
    center: [CITY_CENTRE[0], CITY_CENTRE[1]],
    bbox: [0, 0, 0, 0],
    managedArea: { type: 'MultiPolygon', coordinates: [] },
    outlineSource: OUTLINE_SOURCE,
    districts: [],
    townships: [],
    communities: [],
    grids: [],
  };

  for (const d of districts) {
    const outline = DISTRICT_OUTLINES.get(d.code);
    if (!outline) throw new Error(`no reference outline for district ${d.code}`);
    const centre = DEMO_CORE_CENTRES[d.code as keyof typeof DEMO_CORE_CENTRES];
    const townships = townshipsOf(d);
    // A little more than the communities ask: room to cut townships on clean lines.
    const need = Math.ceil(sum(townships.map(townshipBlocks)) * CORE_MARGIN);
    const core = growCore(lattice, outline, centre, need, claimed);
    for (const k of core) claimed.add(k);

    // Townships: the urban ones (街道) in the inner part of the core, towns and townships (镇/乡)
    // around them; each part cut on straight lattice lines. Communities: each township's runs.
    const coreCells = [...core].map(keyCell).sort((p, q) => q[1] - p[1] || p[0] - q[0]);
    const [ci, cb] = lattice.blockAt(centre[0], centre[1]);
    const parts = townshipParts(
      lattice,
      coreCells,
      townships.map((t) => ({
        urban: Number(t.code.slice(6)) < 100,
        weight: townshipBlocks(t),
        min: (t.children ?? []).length,
      })),
      (i, b) => lattice.metres(i + 0.5 - ci, b + 0.5 - cb),
    );
    let reach = 0;
    for (const [i, b] of coreCells) reach = Math.max(reach, lattice.metres(i + 0.5 - ci, b + 0.5 - cb));
    const areaClassAt = (x: number, y: number): AreaClass => {
      // (x, y) in lattice cells; distance relative to the core's reach.
      const r = lattice.metres(x - ci, y / bandRows - cb) / (reach || 1);
      return r <= CLASS_A_RADIUS ? 'A' : r <= CLASS_B_RADIUS ? 'B' : 'C';
    };

    const districtBlocks = new Set<number>();
    townships.forEach((t, ti) => {
      const communities = t.children ?? [];
      let runs = runsOf(parts[ti]);
      // More runs than communities (a ragged part): the shortest runs are left unmanaged.
      if (runs.length > communities.length) {
        const keep = new Set(
          [...runs]
            .sort((p, q) => q.length - p.length)
            .slice(0, communities.length)
            .map((r) => `${r.b}:${r.i0}`),
        );
        runs = runs.filter((r) => keep.has(`${r.b}:${r.i0}`));
      }
      const perRun = apportion(
        communities.length,
        runs.map((r) => r.length),
      );
      // A run cannot hold more communities than blocks: move the excess to longer runs.
      for (let k = 0; k < runs.length; k++) {
        while (perRun[k] > runs[k].length) {
          perRun[k]--;
          const j = runs.findIndex((r, n) => perRun[n] < r.length);
          perRun[j]++;
        }
      }
      const townshipSet = new Set<number>();
      let next = 0;
      runs.forEach((run, r) => {
        const mine = communities.slice(next, next + perRun[r]);
        next += perRun[r];
        const widths = apportion(
          run.length,
          mine.map((c) => blocksOf.get(c.code)!),
        );
        let i0 = run.i0;
        mine.forEach((c, n) => {
          const i1 = i0 + widths[n];
          const rect: Rect = {
            west: lattice.x(i0),
            east: lattice.x(i1),
            south: lattice.y(run.b * bandRows),
            north: lattice.y((run.b + 1) * bandRows),
          };
          city.communities.push({
            code: c.code,
            name: c.name,
            parentCode: t.code,
            polygon: rectPolygon(rect),
          });
          let seq = 1;
          for (let row = bandRows - 1; row >= 0; row--) {
            const j = run.b * bandRows + row;
            for (let x = i0; x < i1; x++) {
              city.grids.push({
                id: buildGridId(c.code, seq++),
                communityCode: c.code,
                areaClass: areaClassAt(x + 0.5, j + 0.5),
                polygon: rectPolygon({
                  west: lattice.x(x),
                  east: lattice.x(x + 1),
                  south: lattice.y(j),
                  north: lattice.y(j + 1),
                }),
              });
            }
          }
          for (let x = i0; x < i1; x++) {
            townshipSet.add(cellKey(x, run.b));
            districtBlocks.add(cellKey(x, run.b));
            all.add(cellKey(x, run.b));
          }
          i0 = i1;
        });
      });
      city.townships.push({
        code: t.code,
        name: t.name,
        parentCode: d.code,
        polygon: lattice.outline(townshipSet),
      });
    });
    city.districts.push({
      code: d.code,
      name: d.name,
      parentCode: root.code,
      polygon: lattice.outline(districtBlocks),
    });
  }

  city.managedArea = lattice.outline(all);
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const [x, b] of [...all].map(keyCell)) {
    w = Math.min(w, lattice.x(x));
    e = Math.max(e, lattice.x(x + 1));
    s = Math.min(s, lattice.y(b * bandRows));
    n = Math.max(n, lattice.y((b + 1) * bandRows));
  }
  city.bbox = [w, s, e, n];
  return city;
}
