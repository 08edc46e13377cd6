/**
 * The demo city's component inventory (部件普查), generated deterministically from a seed over
 * the unit grids: denser in the core (area class A) than in the outskirts (C), a realistic mix
 * of manhole covers of several kinds, street lamps, bins, trees, signs, bollards, bus stops,
 * hydrants, railings (lines) and green plots (polygons), with a few percent damaged or lost.
 * Pure: no I/O; server/seed/components.ts writes the rows.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { buildComponentId, mulberry32, pointInPolygon } from '../geo/index.ts';
import { componentTypeName } from './catalogue.ts';
import { DISTRICT_NAMES, ownerOf } from './demo-owners.ts';
import type { BulkComponent } from './repository.ts';

export interface SeedGrid {
  id: string;
  districtCode: string;
  areaClass: 'A' | 'B' | 'C';
  geometry: Polygon | MultiPolygon;
  bbox: [number, number, number, number];
}

type Shape = 'point' | 'line' | 'polygon';
interface Mix {
  code: string;
  weight: number;
  shape?: Shape;
  attrs?: (r: () => number) => Record<string, unknown>;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const cover = (r: () => number) => ({
  material: pick(r, ['球墨铸铁', '复合材料', '钢纤维混凝土']),
  diameterMm: pick(r, [600, 700, 800]),
  antiFall: r() < 0.7,
});

/** Relative frequencies, roughly those of a Chinese city survey. */
export const DEMO_MIX: readonly Mix[] = [
  { code: '01001', weight: 9, attrs: cover },
  { code: '01002', weight: 8, attrs: cover },
  { code: '01003', weight: 9, attrs: cover },
  { code: '01004', weight: 6, attrs: (r) => ({ material: pick(r, ['铸铁', '复合材料']) }) },
  { code: '01005', weight: 4, attrs: cover },
  { code: '01006', weight: 2, attrs: cover },
  { code: '01007', weight: 4, attrs: cover },
  { code: '01011', weight: 2, attrs: cover },
  { code: '01013', weight: 2, attrs: (r) => ({ kind: '室外消火栓', model: pick(r, ['SS100', 'SA100']) }) },
  {
    code: '01037',
    weight: 14,
    attrs: (r) => ({
      heightM: pick(r, [8, 10, 12]),
      lamp: pick(r, ['LED', '高压钠灯']),
      heads: r() < 0.3 ? 2 : 1,
    }),
  },
  { code: '01048', weight: 1 },
  { code: '02004', weight: 1, attrs: (r) => ({ shelter: r() < 0.8, lines: 1 + Math.floor(r() * 6) }) },
  { code: '02010', weight: 4 },
  { code: '02012', weight: 2 },
  { code: '02014', weight: 1 },
  { code: '02017', weight: 1.5, shape: 'line', attrs: (r) => ({ material: pick(r, ['钢制', '不锈钢']) }) },
  { code: '02021', weight: 5 },
  { code: '02027', weight: 1 },
  {
    code: '03001',
    weight: 0.3,
    attrs: (r) => ({ grade: pick(r, ['一类', '二类']), stalls: 4 + Math.floor(r() * 12) }),
  },
  { code: '03005', weight: 8, attrs: (r) => ({ capacityL: pick(r, [120, 240]), sorted: r() < 0.85 }) },
  { code: '03008', weight: 0.7 },
  {
    code: '04002',
    weight: 12,
    attrs: (r) => ({
      species: pick(r, ['香樟', '银杏', '悬铃木', '无患子', '栾树']),
      dbhCm: 10 + Math.floor(r() * 40),
    }),
  },
  {
    code: '04001',
    weight: 0.05,
    attrs: (r) => ({ species: '银杏', ageYears: 100 + Math.floor(r() * 400), grade: '二级' }),
  },
  { code: '04007', weight: 1.5 },
  { code: '04011', weight: 2 },
  {
    code: '04013',
    weight: 0.5,
    shape: 'polygon',
    attrs: (r) => ({ kind: pick(r, ['街头绿地', '道路绿化带']) }),
  },
];

const CLASS_DENSITY = { A: 2.2, B: 1.0, C: 0.45 } as const;
const STATES: readonly [BulkComponent['state'], number][] = [
  ['damaged', 0.025],
  ['lost', 0.008],
  ['abandoned', 0.005],
  ['removed', 0.002],
];

const r7 = (v: number) => Math.round(v * 1e7) / 1e7;

function dateBetween(r: () => number, fromYear: number, toYear: number): string {
  const t = Date.UTC(fromYear, 0, 1) + r() * (Date.UTC(toYear, 11, 31) - Date.UTC(fromYear, 0, 1));
  return new Date(t).toISOString().slice(0, 10);
}

/** A random point of the grid (rejection sampling inside its bbox, fine for any polygon). */
function pointIn(r: () => number, g: SeedGrid, margin = 0.02): [number, number] {
  const [w, s, e, n] = g.bbox;
  for (let i = 0; i < 20; i++) {
    const x = r7(w + (e - w) * (margin + (1 - 2 * margin) * r()));
    const y = r7(s + (n - s) * (margin + (1 - 2 * margin) * r()));
    if (pointInPolygon(x, y, g.geometry)) return [x, y];
  }
  return [r7((w + e) / 2), r7((s + n) / 2)];
}

export interface DemoInventoryOptions {
  seed?: number;
  count?: number;
  /** Sequence already used per district+type prefix (11 digits), so new IDs continue after it. */
  usedSequences?: Map<string, number>;
}

export function generateDemoInventory(grids: SeedGrid[], opts: DemoInventoryOptions = {}): BulkComponent[] {
  const r = mulberry32(opts.seed ?? 20260317);
  const target = opts.count ?? 100_000;
  if (grids.length === 0 || target <= 0) return [];
  const sorted = [...grids].sort((a, b) => (a.id < b.id ? -1 : 1));
  const weights = sorted.map((g) => CLASS_DENSITY[g.areaClass] * (0.7 + 0.6 * r()));
  const totalW = weights.reduce((a, b) => a + b, 0);
  const mixTotal = DEMO_MIX.reduce((a, m) => a + m.weight, 0);
  const cumulative: number[] = [];
  DEMO_MIX.reduce((acc, m, i) => {
    cumulative[i] = (acc + m.weight) / mixTotal;
    return acc + m.weight;
  }, 0);
  const seq = new Map(opts.usedSequences ?? []);
  const out: BulkComponent[] = [];
  let carry = 0;
  sorted.forEach((g, gi) => {
    // Largest-remainder rounding keeps the total exact.
    const exact = (target * weights[gi]) / totalW + carry;
    const n = gi === sorted.length - 1 ? target - out.length : Math.floor(exact);
    carry = exact - n;
    for (let k = 0; k < n; k++) {
      const u = r();
      const mix = DEMO_MIX[cumulative.findIndex((c) => u <= c)] ?? DEMO_MIX[0];
      const prefix = g.districtCode + mix.code;
      const next = (seq.get(prefix) ?? 0) + 1;
      if (next > 999_999) continue;
      seq.set(prefix, next);
      const [x, y] = pointIn(r, g, mix.shape === 'point' || !mix.shape ? 0.02 : 0.2);
      let geometry: BulkComponent['geometry'] = { type: 'Point', coordinates: [x, y] };
      if (mix.shape === 'line') {
        const d = 0.0002;
        geometry = {
          type: 'LineString',
          coordinates: [
            [r7(x - d), y],
            [x, y],
            [r7(x + d), y],
          ],
        };
      } else if (mix.shape === 'polygon') {
        const d = 0.00012;
        const ring = [
          [r7(x - d), r7(y - d)],
          [r7(x + d), r7(y - d)],
          [r7(x + d), r7(y + d)],
          [r7(x - d), r7(y + d)],
          [r7(x - d), r7(y - d)],
        ];
        geometry = { type: 'Polygon', coordinates: [ring] };
      }
      const sr = r();
      let state: BulkComponent['state'] = 'intact';
      let acc = 0;
      for (const [s, p] of STATES) {
        acc += p;
        if (sr < acc) {
          state = s;
          break;
        }
      }
      const owner = ownerOf(mix.code, g.districtCode);
      out.push({
        id: buildComponentId(g.districtCode, mix.code, next),
        type_code: mix.code,
        district_code: g.districtCode,
        grid_id: g.id,
        name: `${DISTRICT_NAMES[g.districtCode] ?? ''}${componentTypeName(mix.code) ?? mix.code}`,
        owner_dept: owner.owner,
        property_dept: owner.property,
        maintainer_dept: owner.maintainer,
        state,
        geometry,
        lng: x,
        lat: y,
        legacy_id: null,
        source: 'demo',
        installed_at: dateBetween(r, 2005, 2024),
        surveyed_at: dateBetween(r, 2025, 2025),
        attrs: mix.attrs ? mix.attrs(r) : {},
      });
    }
  });
  return out;
}
