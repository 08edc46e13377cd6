import { describe, expect, it } from 'vitest';
import { generateDemoCity, ningboDivisions, pointInPolygon } from '../modules/geo/index.ts';
import { demoGazetteer, roadLine } from './places.ts';

describe('the demo gazetteer’s generated roads', () => {
  it('runs a road along the longer side of its area, edge to edge, through its point', () => {
    const wide = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 0],
          [10, 0],
          [10, 2],
          [0, 2],
          [0, 0],
        ] as [number, number][],
      ],
    };
    expect(roadLine(wide, [3, 1]).coordinates).toEqual([
      [0, 1],
      [3, 1],
      [10, 1],
    ]);
    // An area with a notch: the run holding the point.
    const notched = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 5],
          [2, 5],
          [2, 0],
          [3, 0],
          [3, 10],
          [0, 10],
          [0, 0],
        ] as [number, number][],
      ],
    };
    expect(roadLine(notched, [0.5, 2]).coordinates).toEqual([
      [0.5, 0],
      [0.5, 2],
      [0.5, 10],
    ]);
  });

  it('gives every generated road of the demo a line in its township, and no real road one', () => {
    const city = generateDemoCity(ningboDivisions);
    const places = demoGazetteer(city);
    const roads = places.filter((p) => p.kind === 'road');
    for (const r of roads) {
      if (!r.generated) {
        expect(r.line).toBeNull();
        continue;
      }
      expect(r.line?.coordinates).toHaveLength(3);
      const [a, at, b] = r.line!.coordinates;
      expect(at).toEqual([Math.round(r.lng * 1e7) / 1e7, Math.round(r.lat * 1e7) / 1e7]);
      // Longer than a grid cell, and its middle inside the township it was made for.
      expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeGreaterThan(0.001);
      // Inside its township, or on its edge (a road may run along the township's boundary).
      const township = city.townships.find((t) => pointInPolygon(r.lng, r.lat, t.polygon))!;
      const within = ([x, y]: number[]) =>
        [0, 1e-6, -1e-6].some(
          (d) => pointInPolygon(x + d, y, township.polygon) || pointInPolygon(x, y + d, township.polygon),
        );
      expect(within([(a[0] + at[0]) / 2, (a[1] + at[1]) / 2])).toBe(true);
      expect(within([(b[0] + at[0]) / 2, (b[1] + at[1]) / 2])).toBe(true);
    }
  });
});
