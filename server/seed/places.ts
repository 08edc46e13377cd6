/**
 * The demo gazetteer (地名地址), written right after the demo city's geography:
 * - real places whose names are certain (天一广场, 天一阁, 中山西路, 老外滩, 明州路 …, and each
 *   district's 人民政府), at their approximate real WGS84 point (not surveyed: ±100 m). Only
 *   those whose point lies in the demo's managed area are seeded; generated=false;
 * - generated entries: every community (its real name, at the centre of its generated
 *   rectangle), and per township a road, a square and a building named after it
 *   (`<街道/镇名>路` …): generated=true. Each generated road also gets a generated centre line:
 *   straight through its point along the township's longer side, from edge to edge of the
 *   township (`roadLine`), which the generated base map draws; real roads stay points.
 * Every point lies in a grid of its own district (checked here; the seed fails otherwise).
 * Written in the caller's transaction with ONE summary audit event (action `place.seed`).
 */
import {
  type DemoCity,
  derivedPlaceId,
  GridIndex,
  normalizeName,
  type PlaceKindName,
  type PlaceWrite,
  writePlaces,
} from '../modules/geo/index.ts';
import { recordEvent } from '../platform/audit.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Db } from '../platform/db.ts';

interface RealPlace {
  district: string;
  name: string;
  kind: PlaceKindName;
  at: [number, number];
}

/** Real names, approximate real points (WGS84). */
export const REAL_PLACES: RealPlace[] = [
  { district: '330203', name: '天一广场', kind: 'poi', at: [121.551, 29.87] },
  { district: '330203', name: '天一阁', kind: 'poi', at: [121.5375, 29.8722] },
  { district: '330203', name: '鼓楼', kind: 'poi', at: [121.5455, 29.8745] },
  { district: '330203', name: '月湖公园', kind: 'poi', at: [121.5435, 29.866] },
  { district: '330203', name: '城隍庙', kind: 'poi', at: [121.548, 29.8702] },
  { district: '330203', name: '中山西路', kind: 'road', at: [121.539, 29.8735] },
  { district: '330203', name: '开明街', kind: 'road', at: [121.549, 29.8705] },
  { district: '330203', name: '药行街', kind: 'road', at: [121.5525, 29.868] },
  { district: '330203', name: '解放南路', kind: 'road', at: [121.546, 29.868] },
  { district: '330203', name: '海曙区人民政府', kind: 'building', at: [121.5435, 29.8725] },
  { district: '330205', name: '老外滩', kind: 'poi', at: [121.5575, 29.879] },
  { district: '330205', name: '人民路', kind: 'road', at: [121.555, 29.885] },
  { district: '330205', name: '中马路', kind: 'road', at: [121.556, 29.881] },
  { district: '330205', name: '江北区人民政府', kind: 'building', at: [121.553, 29.889] },
  { district: '330212', name: '中山东路', kind: 'road', at: [121.572, 29.869] },
  { district: '330212', name: '百丈路', kind: 'road', at: [121.57, 29.862] },
  { district: '330212', name: '鄞州区人民政府', kind: 'building', at: [121.567, 29.852] },
  { district: '330211', name: '镇海区人民政府', kind: 'building', at: [121.592, 29.967] },
  { district: '330206', name: '明州路', kind: 'road', at: [121.845, 29.9] },
  { district: '330206', name: '新大路', kind: 'road', at: [121.85, 29.896] },
  { district: '330206', name: '北仑区人民政府', kind: 'building', at: [121.848, 29.9] },
  { district: '330213', name: '奉化区人民政府', kind: 'building', at: [121.403, 29.658] },
];

const stem = (name: string) => name.replace(/(街道|镇|乡|社区|村|居委会|村委会)$/u, '') || name;

/** The demo gazetteer of a demo city: real places in its managed area, then the generated ones. */
export function demoGazetteer(city: DemoCity): PlaceWrite[] {
  const index = GridIndex.build(city.grids.map((g) => ({ id: g.id, geometry: g.polygon })));
  const out: PlaceWrite[] = [];
  const seen = new Set<string>();
  const add = (
    district: string,
    name: string,
    kind: PlaceKindName,
    [lng, lat]: [number, number],
    generated: boolean,
    line: PlaceWrite['line'] = null,
  ) => {
    const id = derivedPlaceId(district, kind, normalizeName(name));
    if (seen.has(id)) return;
    const grid = index.lookup(lng, lat);
    if (grid?.slice(0, 6) !== district) {
      if (generated) throw new Error(`demo place ${name} at ${lng},${lat} is not in a grid of ${district}`);
      return; // a real place outside this city's managed area (another scale or seed)
    }
    seen.add(id);
    out.push({ id, name, kind, lng, lat, districtCode: district, generated, source: 'demo', line });
  };
  for (const p of REAL_PLACES) add(p.district, p.name, p.kind, p.at, false);

  const centre = (code: string): [number, number] => {
    const c = city.communities.find((x) => x.code === code)!;
    const ring = (c.polygon.type === 'Polygon' ? c.polygon.coordinates : c.polygon.coordinates[0])[0];
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  };
  const byTownship = new Map<string, string[]>();
  for (const c of city.communities) {
    const list = byTownship.get(c.parentCode);
    if (list) list.push(c.code);
    else byTownship.set(c.parentCode, [c.code]);
  }
  for (const t of city.townships) {
    const communities = byTownship.get(t.code) ?? [];
    const s = stem(t.name);
    const district = t.parentCode;
    const pick = (f: number) =>
      centre(communities[Math.min(communities.length - 1, Math.floor(communities.length * f))]);
    const at = pick(0.5);
    add(district, `${s}路`, 'road', at, true, roadLine(t.polygon, at));
    add(district, `${s}文化广场`, 'poi', pick(0.25), true);
    add(district, `${s}商务大厦`, 'building', pick(0.75), true);
  }
  for (const c of city.communities) add(c.parentCode.slice(0, 6), c.name, 'community', centre(c.code), true);
  return out;
}

type Area = DemoCity['townships'][number]['polygon'];

/**
 * A straight road through `at` across the area: east–west when the area is wider than tall,
 * north–south otherwise, from where the line enters the area to where it leaves it (the run of
 * the line inside the area that holds `at`; even–odd over every ring, so holes cut it).
 */
export function roadLine(area: Area, at: [number, number]): NonNullable<PlaceWrite['line']> {
  const polys = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  const rings = polys.flat();
  const xs = rings.flat().map((p) => p[0]);
  const ys = rings.flat().map((p) => p[1]);
  const wide = Math.max(...xs) - Math.min(...xs) >= Math.max(...ys) - Math.min(...ys);
  // Work in (u, v): u along the road, v across it.
  const u = (p: number[]) => (wide ? p[0] : p[1]);
  const v = (p: number[]) => (wide ? p[1] : p[0]);
  const v0 = v(at);
  const cuts: number[] = [];
  for (const ring of rings) {
    for (let i = 0; i < ring.length - 1; i++) {
      const a = ring[i];
      const b = ring[i + 1];
      // Half-open in v, so a vertex on the line counts once.
      if (v(a) <= v0 !== v(b) <= v0) cuts.push(u(a) + ((v0 - v(a)) / (v(b) - v(a))) * (u(b) - u(a)));
    }
  }
  cuts.sort((p, q) => p - q);
  const u0 = u(at);
  let from = u0;
  let to = u0;
  for (let i = 0; i + 1 < cuts.length; i += 2) {
    if (cuts[i] <= u0 && u0 <= cuts[i + 1]) {
      from = cuts[i];
      to = cuts[i + 1];
    }
  }
  const point = (uu: number): [number, number] => {
    const r = (n: number) => Math.round(n * 1e7) / 1e7;
    return wide ? [r(uu), r(v0)] : [r(v0), r(uu)];
  };
  return { type: 'LineString', coordinates: [point(from), point(u0), point(to)] };
}

export interface PlaceSeedResult {
  places: number;
  real: number;
}

export async function seedPlaces(tx: Db, ctx: RequestContext, city: DemoCity): Promise<PlaceSeedResult> {
  const rows = demoGazetteer(city);
  for (let i = 0; i < rows.length; i += 1000) await writePlaces(tx, rows.slice(i, i + 1000), false);
  const result = { places: rows.length, real: rows.filter((r) => !r.generated).length };
  await recordEvent(tx, ctx, {
    action: 'place.seed',
    entityType: 'place',
    entityId: null,
    districtCode: null,
    after: { ...result, generated: result.places - result.real, source: 'demo' },
    reason: 'demo gazetteer (real names at approximate points; generated entries flagged)',
  });
  return result;
}
