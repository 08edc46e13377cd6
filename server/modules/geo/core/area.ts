/**
 * Ellipsoidal (WGS84) area of lng/lat polygons in m².
 *
 * The ring formula of Chamberlain & Duquette (the one turf/area uses on a sphere) evaluated
 * on the authalic sphere: latitudes are replaced by authalic latitudes and the radius by the
 * authalic radius, which preserves areas of the WGS84 ellipsoid. For rings whose edges follow
 * meridians and parallels (the demo city's rectangles) the result is the exact ellipsoidal
 * area; for other small polygons (grids, communities) the edge-shape error is far below 0.01%.
 * Exactness matters here because topology checks compare a parent's area with the sum of its
 * children's, with a tolerance of about a square metre.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

const A = 6378137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const E = Math.sqrt(E2);

/** q(φ) of the authalic latitude formulas (Snyder, Map Projections, eq. 3-12). */
function q(sinPhi: number): number {
  const es = E * sinPhi;
  return (1 - E2) * (sinPhi / (1 - E2 * sinPhi * sinPhi) - (1 / (2 * E)) * Math.log((1 - es) / (1 + es)));
}

const QP = q(1);
/** Authalic radius squared: a sphere of this radius has the ellipsoid's surface area. */
const RQ2 = (A * A * QP) / 2;
const RAD = Math.PI / 180;

/** sin(authalic latitude) for a geodetic latitude in degrees. */
function sinAuthalic(latDeg: number): number {
  return q(Math.sin(latDeg * RAD)) / QP;
}

/** Signed area of a ring in m²: negative for counter-clockwise (RFC 7946 exterior) rings. */
export function ringSignedArea(ring: readonly Position[]): number {
  let n = ring.length;
  if (n > 1 && ring[0][0] === ring[n - 1][0] && ring[0][1] === ring[n - 1][1]) n--; // drop closing point
  if (n < 3) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const prev = ring[(i + n - 1) % n];
    const cur = ring[i];
    const next = ring[(i + 1) % n];
    total += (next[0] - prev[0]) * RAD * sinAuthalic(cur[1]);
  }
  return (total * RQ2) / 2;
}

/** Area of polygon rings (first = exterior, rest = holes) in m². */
export function polygonRingsArea(rings: readonly (readonly Position[])[]): number {
  let area = 0;
  rings.forEach((ring, i) => {
    const a = Math.abs(ringSignedArea(ring));
    area += i === 0 ? a : -a;
  });
  return Math.max(0, area);
}

/**
 * Area in m² of a GeoJSON Polygon or MultiPolygon, or of raw MultiPolygon coordinates (as
 * polygon-clipping returns them).
 */
export function geodesicArea(geometry: Polygon | MultiPolygon | readonly Position[][][]): number {
  if (Array.isArray(geometry)) return geometry.reduce((s, p) => s + polygonRingsArea(p), 0);
  const g = geometry as Polygon | MultiPolygon;
  if (g.type === 'Polygon') return polygonRingsArea(g.coordinates);
  return g.coordinates.reduce((s, p) => s + polygonRingsArea(p), 0);
}
