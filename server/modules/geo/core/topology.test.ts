import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { rectPolygon } from './demo-city.ts';
import { checkCommunityGrids, checkPartition, overlapArea, validateGeometry } from './topology.ts';

const C = '330203001001';
const community = {
  code: C,
  geometry: rectPolygon({ west: 121.5, east: 121.502, south: 29.8, north: 29.802 }),
};
/** 2 × 2 grids of the community, optionally altered. */
const quad = (edit: Partial<Record<number, Polygon>> = {}) =>
  [
    { west: 121.5, east: 121.501, south: 29.801, north: 29.802 },
    { west: 121.501, east: 121.502, south: 29.801, north: 29.802 },
    { west: 121.5, east: 121.501, south: 29.8, north: 29.801 },
    { west: 121.501, east: 121.502, south: 29.8, north: 29.801 },
  ].map((r, i) => ({ id: `${C}00${i + 1}`, geometry: edit[i] ?? rectPolygon(r) }));
const rules = (f: { rule: string }[]) => f.map((x) => x.rule).sort();
const triangle = (coords: number[][]): Polygon => ({ type: 'Polygon', coordinates: [coords] });

describe('checkCommunityGrids', () => {
  it('accepts a clean tiling', () => {
    expect(checkCommunityGrids(community, quad())).toEqual([]);
  });

  it('finds an overlap and measures it', () => {
    const f = checkCommunityGrids(
      community,
      quad({ 1: rectPolygon({ west: 121.5005, east: 121.502, south: 29.801, north: 29.802 }) }),
    );
    const overlap = f.find((x) => x.rule === 'overlap')!;
    expect(overlap.ids).toEqual([`${C}001`, `${C}002`]);
    expect(overlap.area).toBeGreaterThan(5_000); // ≈ 48 m × 111 m
    expect(overlap.area).toBeLessThan(5_600);
    expect(overlap.message_zh).toContain('重叠');
    expect(overlap.message_en).toContain('overlap');
  });

  it('finds a gap', () => {
    const f = checkCommunityGrids(
      community,
      quad({ 3: rectPolygon({ west: 121.5015, east: 121.502, south: 29.8, north: 29.801 }) }),
    );
    expect(rules(f)).toEqual(['gap']);
    expect(f[0].area).toBeGreaterThan(5_000);
  });

  it('finds a grid crossing the community boundary', () => {
    const f = checkCommunityGrids(
      community,
      quad({ 1: rectPolygon({ west: 121.501, east: 121.503, south: 29.801, north: 29.802 }) }),
    );
    expect(rules(f)).toEqual(['outside-parent']);
    expect(f[0].ids).toEqual([`${C}002`, C]);
  });

  it('finds duplicate and mismatched IDs', () => {
    const grids = quad();
    grids[1].id = grids[0].id;
    grids[2].id = '330203001002003';
    grids[3].id = '3302030010010';
    const f = checkCommunityGrids(community, grids);
    expect(rules(f).filter((r) => r !== 'overlap')).toEqual(['duplicate-id', 'id-mismatch', 'id-mismatch']);
  });

  it('works on general polygons (triangles) through polygon-clipping', () => {
    const [w, s, e, n] = [121.5, 29.8, 121.502, 29.802];
    const a = triangle([
      [w, s],
      [e, s],
      [e, n],
      [w, s],
    ]);
    const b = triangle([
      [w, s],
      [e, n],
      [w, n],
      [w, s],
    ]);
    expect(
      checkCommunityGrids(community, [
        { id: `${C}001`, geometry: a },
        { id: `${C}002`, geometry: b },
      ]),
    ).toEqual([]);
    const b2 = triangle([
      [w, s],
      [e, s + 0.0005],
      [e, n],
      [w, n],
      [w, s],
    ]); // overlaps a, leaves no gap
    expect(
      rules(
        checkCommunityGrids(community, [
          { id: `${C}001`, geometry: a },
          { id: `${C}002`, geometry: b2 },
        ]),
      ),
    ).toEqual(['overlap']);
    const b3 = triangle([
      [w, s + 0.0005],
      [e, n],
      [w, n],
      [w, s + 0.0005],
    ]); // leaves a sliver gap
    expect(
      rules(
        checkCommunityGrids(community, [
          { id: `${C}001`, geometry: a },
          { id: `${C}002`, geometry: b3 },
        ]),
      ),
    ).toEqual(['gap']);
  });

  it('ignores differences within the area tolerance', () => {
    const f = checkCommunityGrids(
      community,
      quad({ 3: rectPolygon({ west: 121.50100001, east: 121.502, south: 29.8, north: 29.801 }) }),
    );
    expect(f).toEqual([]); // ~1 mm sliver ≈ 0.1 m²
    expect(
      rules(
        checkCommunityGrids(
          community,
          quad({ 3: rectPolygon({ west: 121.50100001, east: 121.502, south: 29.8, north: 29.801 }) }),
          { areaToleranceM2: 0.01 },
        ),
      ),
    ).toEqual(['gap']);
  });
});

describe('validateGeometry', () => {
  const ok = rectPolygon({ west: 0, east: 1, south: 0, north: 1 });
  it('accepts a valid polygon', () => {
    expect(validateGeometry('x', ok)).toEqual([]);
  });
  it.each([
    [
      'self-intersection (bow tie)',
      triangle([
        [0, 0],
        [1, 1],
        [1, 0],
        [0, 1],
        [0, 0],
      ]),
      'intersect',
    ],
    [
      'fewer than 4 points',
      triangle([
        [0, 0],
        [1, 0],
        [0, 0],
      ]),
      'fewer than 4',
    ],
    [
      'unclosed ring',
      triangle([
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ]),
      'not closed',
    ],
    [
      'non-finite coordinate',
      triangle([
        [0, 0],
        [Number.NaN, 0],
        [1, 1],
        [0, 0],
      ]),
      'non-finite',
    ],
    [
      'zero area',
      triangle([
        [0, 0],
        [1, 0],
        [2, 0],
        [0, 0],
      ]),
      'zero area',
    ],
  ])('rejects %s', (_name, geometry, text) => {
    const f = validateGeometry('x', geometry);
    expect(f).toHaveLength(1);
    expect(f[0].rule).toBe('invalid-geometry');
    expect(f[0].message_en).toContain(text);
  });
  it('rejects non-polygons and reports them in partition checks', () => {
    expect(validateGeometry('x', { type: 'Point', coordinates: [0, 0] } as unknown as Polygon)).toHaveLength(
      1,
    );
    const grids = quad({
      0: triangle([
        [0, 0],
        [1, 0],
        [0, 0],
      ]),
    });
    expect(rules(checkPartition({ id: C, geometry: community.geometry }, grids))).toEqual([
      'gap',
      'invalid-geometry',
    ]);
  });
});

describe('overlapArea', () => {
  const a = rectPolygon({ west: 121.5, east: 121.502, south: 29.8, north: 29.802 });
  it('measures rectangles exactly and agrees with clipping for other shapes', () => {
    const b = rectPolygon({ west: 121.501, east: 121.503, south: 29.8, north: 29.802 });
    const half = overlapArea(a, b);
    expect(half).toBeGreaterThan(20_000); // ≈ 97 m × 222 m
    expect(half).toBeLessThan(23_000);
    // The same right half as a five-vertex ring (not a rectangle to the fast path): the same area.
    const b5: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [121.501, 29.8],
          [121.503, 29.8],
          [121.503, 29.801],
          [121.503, 29.802],
          [121.501, 29.802],
          [121.501, 29.8],
        ],
      ],
    };
    expect(overlapArea(a, b5)).toBeCloseTo(half, 0);
  });

  it('is zero for neighbours that only share an edge or a corner', () => {
    expect(overlapArea(a, rectPolygon({ west: 121.502, east: 121.504, south: 29.8, north: 29.802 }))).toBe(0);
    expect(overlapArea(a, rectPolygon({ west: 121.502, east: 121.504, south: 29.802, north: 29.804 }))).toBe(
      0,
    );
  });

  it('sees an island of a MultiPolygon inside the other', () => {
    const island = rectPolygon({ west: 121.5005, east: 121.5015, south: 29.8005, north: 29.8015 });
    const far = rectPolygon({ west: 121.6, east: 121.601, south: 29.9, north: 29.901 });
    const multi = { type: 'MultiPolygon' as const, coordinates: [far.coordinates, island.coordinates] };
    expect(overlapArea(a, multi)).toBeCloseTo(overlapArea(a, island), 3);
    expect(overlapArea(a, island)).toBeGreaterThan(10_000);
  });
});
