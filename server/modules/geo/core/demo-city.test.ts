import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { geodesicArea } from './area.ts';
import { gridMatchesCommunity, parseGridId } from './codes.ts';
import { DEMO_DISTRICT_CODES, type DemoDivision, generateDemoCity, rectPolygon } from './demo-city.ts';
import { ningboDivisions } from './reference.ts';
import { checkCommunityGrids, checkPartition } from './topology.ts';

const t0 = performance.now();
const city = generateDemoCity(ningboDivisions);
const elapsedMs = performance.now() - t0;

const groupBy = <T>(items: T[], key: (t: T) => string) => {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
};
const feature = (d: DemoDivision) => ({ id: d.code, geometry: d.polygon });
const bounds = (p: Polygon) => {
  const r = p.coordinates[0];
  return { west: r[0][0], south: r[0][1], east: r[2][0], north: r[2][1] };
};

describe('demo city', () => {
  it('is flagged as generated, small and fast by default', () => {
    expect(city.generated).toBe(true);
    expect(city.crs).toBe('wgs84');
    expect(city.grids.length).toBeGreaterThanOrEqual(3000);
    expect(city.grids.length).toBeLessThanOrEqual(6000);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('is deterministic: same seed → byte-identical JSON, other seed → different', () => {
    expect(JSON.stringify(generateDemoCity(ningboDivisions))).toBe(JSON.stringify(city));
    expect(JSON.stringify(generateDemoCity(ningboDivisions, { seed: 7 }))).not.toBe(JSON.stringify(city));
  });

  it('uses every real code and name of the six central districts', () => {
    const districts = ningboDivisions.children!.filter((d) =>
      (DEMO_DISTRICT_CODES as readonly string[]).includes(d.code),
    );
    expect(districts.map((d) => d.name).sort()).toEqual(
      ['北仑区', '奉化区', '江北区', '海曙区', '鄞州区', '镇海区'].sort(),
    );
    const name = (list: DemoDivision[]) => new Map(list.map((d) => [d.code, `${d.name}|${d.parentCode}`]));
    const got = { d: name(city.districts), t: name(city.townships), c: name(city.communities) };
    for (const d of districts) {
      expect(got.d.get(d.code)).toBe(`${d.name}|330200`);
      for (const t of d.children!) {
        expect(got.t.get(t.code)).toBe(`${t.name}|${d.code}`);
        for (const c of t.children!) expect(got.c.get(c.code)).toBe(`${c.name}|${t.code}`);
      }
    }
    expect(city.districts).toHaveLength(6);
    expect(city.townships).toHaveLength(81);
    expect(city.communities).toHaveLength(1507);
  });

  it('places districts in their real arrangement around 三江口', () => {
    const c = new Map(city.districts.map((d) => [d.code, bounds(d.polygon)]));
    const mid = (code: string) => {
      const b = c.get(code)!;
      return { lng: (b.west + b.east) / 2, lat: (b.south + b.north) / 2 };
    };
    expect(mid('330205').lat).toBeGreaterThan(mid('330203').lat); // 江北 north of 海曙
    expect(mid('330206').lng).toBeGreaterThan(mid('330211').lng); // 北仑 east of 镇海
    expect(mid('330211').lng).toBeGreaterThan(mid('330205').lng); // 镇海 east of 江北
    expect(mid('330212').lng).toBeGreaterThan(mid('330203').lng); // 鄞州 east of 海曙
    expect(mid('330213').lat).toBeLessThan(mid('330203').lat); // 奉化 south of 海曙
    const [w, s, e, n] = city.bbox;
    expect(w).toBeLessThan(121.557);
    expect(e).toBeGreaterThan(121.557);
    expect(s).toBeLessThan(29.873);
    expect(n).toBeGreaterThan(29.873);
  });

  it('gives every grid a valid ID in its community, numbered west→east then north→south', () => {
    const ids = new Set<string>();
    for (const [code, grids] of groupBy(city.grids, (g) => g.communityCode)) {
      grids.forEach((g, i) => {
        expect(gridMatchesCommunity(g.id, code)).toBe(true);
        expect(parseGridId(g.id)!.sequence).toBe(i + 1);
        ids.add(g.id);
        if (i > 0) {
          const a = bounds(grids[i - 1].polygon);
          const b = bounds(g.polygon);
          const sameRow = a.north === b.north;
          expect(sameRow ? b.west === a.east : b.north === a.south || b.north < a.north).toBe(true);
        }
      });
    }
    expect(ids.size).toBe(city.grids.length);
  });

  it('sizes grids near 10,000 m² and uses all three area classes', () => {
    const areas = city.grids.map((g) => geodesicArea(g.polygon));
    const mean = areas.reduce((a, b) => a + b, 0) / areas.length;
    expect(mean).toBeGreaterThan(8_000);
    expect(mean).toBeLessThan(12_500);
    expect(Math.min(...areas)).toBeGreaterThan(2_500);
    expect(Math.max(...areas)).toBeLessThan(40_000);
    const classes = new Set(city.grids.map((g) => g.areaClass));
    expect([...classes].sort()).toEqual(['A', 'B', 'C']);
  });

  it('tiles every level of its parent with no overlap, gap or crossing (topology check)', () => {
    const gridsBy = groupBy(city.grids, (g) => g.communityCode);
    for (const c of city.communities) {
      const grids = (gridsBy.get(c.code) ?? []).map((g) => ({ id: g.id, geometry: g.polygon }));
      expect(checkCommunityGrids({ code: c.code, geometry: c.polygon }, grids)).toEqual([]);
    }
    const communitiesBy = groupBy(city.communities, (c) => c.parentCode);
    for (const t of city.townships) {
      expect(checkPartition(feature(t), communitiesBy.get(t.code)!.map(feature))).toEqual([]);
    }
    const townshipsBy = groupBy(city.townships, (t) => t.parentCode);
    for (const d of city.districts) {
      expect(checkPartition(feature(d), townshipsBy.get(d.code)!.map(feature))).toEqual([]);
    }
    const [west, south, east, north] = city.bbox;
    const region = { id: '330200', geometry: rectPolygon({ west, south, east, north }) };
    expect(checkPartition(region, city.districts.map(feature))).toEqual([]);
  });

  it('scales to 150,000 grids', () => {
    const big = generateDemoCity(ningboDivisions, { targetGrids: 150_000 });
    expect(Math.abs(big.grids.length - 150_000)).toBeLessThan(7_500);
    expect(big.grids.every((g) => gridMatchesCommunity(g.id, g.communityCode))).toBe(true);
  });
});
