import fc from 'fast-check';
import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { convertLngLat } from './crs.ts';
import { generateDemoCity, rectPolygon } from './demo-city.ts';
import { ningboDivisions } from './reference.ts';
import { GridIndex, lookupChain, pointInPolygon } from './spatial-index.ts';

const city = generateDemoCity(ningboDivisions);
const items = city.grids.map((g) => ({ id: g.id, geometry: g.polygon }));
const index = GridIndex.build(items);
const rects = city.grids.map((g) => {
  const r = g.polygon.coordinates[0];
  return { id: g.id, west: r[0][0], south: r[0][1], east: r[2][0], north: r[2][1] };
});
const [W, S, E, N] = city.bbox;

const gridIdx = fc.integer({ min: 0, max: rects.length - 1 });
const frac = (min: number, max: number) => fc.double({ min, max, noNaN: true });

/** Brute force: every grid whose polygon owns the point under the half-open rule. */
const owners = (lng: number, lat: number) =>
  items.filter((g) => pointInPolygon(lng, lat, g.geometry)).map((g) => g.id);

describe('GridIndex over the demo city', () => {
  it('returns the grid for points strictly inside it', () => {
    fc.assert(
      fc.property(gridIdx, frac(0.001, 0.999), frac(0.001, 0.999), (i, fx, fy) => {
        const r = rects[i];
        const lng = r.west + (r.east - r.west) * fx;
        const lat = r.south + (r.north - r.south) * fy;
        expect(index.lookup(lng, lat)).toBe(r.id);
      }),
      { numRuns: 2000 },
    );
  });

  it('resolves points on shared edges and corners to exactly one grid, the half-open owner', () => {
    const side = fc.constantFrom('west', 'east', 'south', 'north', 'sw', 'se', 'nw', 'ne');
    fc.assert(
      fc.property(gridIdx, side, frac(0, 1), (i, s, f) => {
        const r = rects[i];
        const x = r.west + (r.east - r.west) * f;
        const y = r.south + (r.north - r.south) * f;
        const [lng, lat] = {
          west: [r.west, y],
          east: [r.east, y],
          south: [x, r.south],
          north: [x, r.north],
          sw: [r.west, r.south],
          se: [r.east, r.south],
          nw: [r.west, r.north],
          ne: [r.east, r.north],
        }[s] as [number, number];
        const got = index.lookup(lng, lat);
        // At most one owner; none only on the managed area's open (east- or north-facing) edges.
        const want = owners(lng, lat);
        expect(want.length).toBeLessThanOrEqual(1);
        expect(got).toBe(want[0] ?? null);
        if (got === null) {
          // (a west or south edge is the grid's own unless the point is at its far end)
          expect(['east', 'north', 'se', 'nw', 'ne'].includes(s) || lat === r.north || lng === r.east).toBe(
            true,
          );
          return;
        }
        const o = rects.find((q) => q.id === got)!;
        expect(o.west <= lng && lng < o.east && o.south <= lat && lat < o.north).toBe(true);
        // A grid owns its own west and south edges (unless the float lands on its far corner).
        if (lat < r.north && lng < r.east && (s === 'west' || s === 'south' || s === 'sw'))
          expect(got).toBe(r.id);
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on input order', () => {
    const shuffled = GridIndex.build([...items].reverse());
    fc.assert(
      fc.property(frac(W, E), frac(S, N), (lng, lat) => {
        expect(shuffled.lookup(lng, lat)).toBe(index.lookup(lng, lat));
      }),
    );
    // and on vertices, where several grids touch
    for (const r of rects.slice(0, 500))
      expect(shuffled.lookup(r.east, r.north)).toBe(index.lookup(r.east, r.north));
  });

  it('returns null outside the city', () => {
    const outside = fc.oneof(
      fc.tuple(frac(W - 1, W - 1e-9), frac(S - 1, N + 1)),
      fc.tuple(frac(E, E + 1), frac(S - 1, N + 1)),
      fc.tuple(frac(W - 1, E + 1), frac(S - 1, S - 1e-9)),
      fc.tuple(frac(W - 1, E + 1), frac(N, N + 1)),
    );
    fc.assert(
      fc.property(outside, ([lng, lat]) => {
        expect(index.lookup(lng, lat)).toBeNull();
      }),
    );
    expect(index.lookup(Number.NaN, 29.87)).toBeNull();
    expect(index.lookup(Number.POSITIVE_INFINITY, 29.87)).toBeNull();
  });

  it('finds the same grid from GCJ-02 and BD-09 forms once converted back to WGS84', () => {
    fc.assert(
      fc.property(
        gridIdx,
        frac(0, 1),
        frac(0, 1),
        fc.constantFrom('gcj02', 'bd09' as const),
        (i, fx, fy, sys) => {
          const r = rects[i];
          const m = 1e-6; // keep clear of edges by more than the conversion's round-trip error
          const lng = r.west + m + (r.east - r.west - 2 * m) * fx;
          const lat = r.south + m + (r.north - r.south - 2 * m) * fy;
          const [x, y] = convertLngLat(lng, lat, 'wgs84', sys);
          const [lng2, lat2] = convertLngLat(x, y, sys, 'wgs84');
          expect(index.lookup(lng2, lat2)).toBe(index.lookup(lng, lat));
          expect(index.lookup(lng2, lat2)).toBe(r.id);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the division chain', () => {
    const g = city.grids[123];
    const r = rects[123];
    const map = new Map(city.grids.map((x) => [x.id, x.communityCode]));
    const chain = lookupChain(index, (r.west + r.east) / 2, (r.south + r.north) / 2, map);
    expect(chain).toEqual({
      grid: g.id,
      community: g.communityCode,
      township: g.communityCode.slice(0, 9),
      district: g.communityCode.slice(0, 6),
    });
    expect(lookupChain(index, (r.west + r.east) / 2, (r.south + r.north) / 2, new Map())?.community).toBe(
      g.communityCode,
    );
    expect(lookupChain(index, W - 1, S, map)).toBeNull();
  });
});

describe('GridIndex on general polygons', () => {
  // Two triangles sharing a diagonal, a square with a hole, and a MultiPolygon filling it.
  const lower: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [3, 0],
        [3, 1],
        [0, 0],
      ],
    ],
  };
  const upper: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [3, 1],
        [0, 1],
        [0, 0],
      ],
    ],
  };
  const donut: Polygon = {
    type: 'Polygon',
    coordinates: [
      rectPolygon({ west: 10, east: 13, south: 0, north: 3 }).coordinates[0],
      [
        [11, 1],
        [11, 2],
        [12, 2],
        [12, 1],
        [11, 1],
      ],
    ],
  };
  const filler: MultiPolygon = {
    type: 'MultiPolygon',
    coordinates: [
      rectPolygon({ west: 11, east: 12, south: 1, north: 1.5 }).coordinates,
      rectPolygon({ west: 11, east: 12, south: 1.5, north: 2 }).coordinates,
    ],
  };
  const idx = GridIndex.build([
    { id: 'b-upper', geometry: upper },
    { id: 'a-lower', geometry: lower },
    { id: 'donut', geometry: donut },
    { id: 'filler', geometry: filler },
  ]);

  it('assigns every point of a slanted shared edge to exactly one triangle', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (t) => {
        const lng = 3 * t;
        const lat = t;
        const a = pointInPolygon(lng, lat, lower);
        const b = pointInPolygon(lng, lat, upper);
        if (t < 1) expect(a !== b).toBe(true); // exactly one owner below the open north edge
        expect(idx.lookup(lng, lat)).toBe(a ? 'a-lower' : b ? 'b-upper' : null);
      }),
    );
    expect(idx.lookup(1.5, 0.25)).toBe('a-lower');
    expect(idx.lookup(1, 0.75)).toBe('b-upper');
  });

  it('honours holes and MultiPolygon parts', () => {
    expect(idx.lookup(10.5, 0.5)).toBe('donut');
    expect(idx.lookup(11.5, 1.25)).toBe('filler');
    expect(idx.lookup(11.5, 1.75)).toBe('filler');
    expect(idx.lookup(11, 1.5)).toBe('filler'); // west edge of the hole belongs to the filler
    expect(idx.lookup(12, 1.5)).toBe('donut'); // east edge of the hole belongs to the donut
  });

  it('picks the smallest ID when overlapping data gives several owners', () => {
    const sq = rectPolygon({ west: 0, east: 1, south: 0, north: 1 });
    const o1 = GridIndex.build([
      { id: 'z', geometry: sq },
      { id: 'm', geometry: sq },
    ]);
    expect(o1.lookup(0.5, 0.5)).toBe('m');
    expect(GridIndex.build([]).lookup(0, 0)).toBeNull();
  });
});
