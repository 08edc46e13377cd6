import { describe, expect, it } from 'vitest';
import { geodesicArea } from './area.ts';
import { rectPolygon } from './demo-city.ts';

describe('geodesicArea', () => {
  it('matches a numerical integral over the WGS84 ellipsoid for lng/lat cells', () => {
    // Independent reference: ∫∫ M(φ) N(φ) cos φ dφ dλ by Simpson's rule.
    const a = 6378137;
    const f = 1 / 298.257223563;
    const e2 = f * (2 - f);
    const cellArea = (south: number, north: number, dLngDeg: number) => {
      const steps = 2000;
      const h = ((north - south) * Math.PI) / 180 / steps;
      const g = (phi: number) => {
        const w = 1 - e2 * Math.sin(phi) ** 2;
        return ((a * (1 - e2)) / w ** 1.5) * (a / Math.sqrt(w)) * Math.cos(phi);
      };
      let sum = 0;
      for (let i = 0; i <= steps; i++) {
        const phi = (south * Math.PI) / 180 + i * h;
        sum += g(phi) * (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2);
      }
      return ((sum * h) / 3) * ((dLngDeg * Math.PI) / 180);
    };
    for (const [s, n] of [
      [0, 1],
      [29.8, 29.9],
      [60, 61],
    ]) {
      const got = geodesicArea(rectPolygon({ west: 121, east: 122, south: s, north: n }));
      expect(got / cellArea(s, n, 1)).toBeCloseTo(1, 9);
    }
  });
  it('gives ≈10,000 m² for a 100 m grid in Ningbo and subtracts holes', () => {
    const dLng = 100 / 96_585; // metres per degree of longitude at 29.87°N
    const dLat = 100 / 110_863;
    const a = geodesicArea(
      rectPolygon({ west: 121.55, east: 121.55 + dLng, south: 29.87, north: 29.87 + dLat }),
    );
    expect(a).toBeGreaterThan(9_950);
    expect(a).toBeLessThan(10_050);
    const outer = rectPolygon({ west: 0, east: 2, south: 0, north: 2 }).coordinates[0];
    const hole = rectPolygon({ west: 0.5, east: 1.5, south: 0.5, north: 1.5 })
      .coordinates[0].slice()
      .reverse();
    const withHole = geodesicArea({ type: 'Polygon', coordinates: [outer, hole] });
    const full = geodesicArea(rectPolygon({ west: 0, east: 2, south: 0, north: 2 }));
    const h = geodesicArea(rectPolygon({ west: 0.5, east: 1.5, south: 0.5, north: 1.5 }));
    expect(withHole).toBeCloseTo(full - h, 0);
  });
});
