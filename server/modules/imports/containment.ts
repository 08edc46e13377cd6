/**
 * A division must lie inside its parent: a township inside its district, a community inside its
 * township. The area of the child outside the parent (polygon difference, ellipsoidal m²) is
 * compared with a tolerance, because boundaries of two levels are often digitised separately
 * and never agree to the millimetre.
 *
 * Tolerance: the larger of 1 m² and 0.1 % of the child's own area.
 * - 1 m² is what the grid topology checks allow (geo/core/topology.ts): rounding and sliver
 *   noise of boundaries cut from one source.
 * - 0.1 % covers two sources that disagree by a few decimetres along the shared edge: a sliver
 *   along half the boundary of a 1 km² community, 0.5 m wide, is about 1,000 m² = 0.1 %; the
 *   share grows with the child, like such slivers do. A real mistake — a community drawn across
 *   the street into the next township, assigned to the wrong parent, or in the wrong place —
 *   sticks out by percents or entirely, far above it.
 * Anything above 1 m² but within the tolerance is reported as a warning, so it stays visible.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import polygonClipping, { type Geom } from 'polygon-clipping';
import { geodesicArea } from '../geo/index.ts';

export const OUTSIDE_MIN_TOLERANCE_M2 = 1;
export const OUTSIDE_TOLERANCE_SHARE = 0.001;

export interface Outside {
  /** m² of the child outside the parent. */
  area: number;
  /** That area as a share of the child's area (0…1). */
  share: number;
  /** The allowed area for this child, m². */
  tolerance: number;
}

const pc = (g: Polygon | MultiPolygon): Geom => g.coordinates as unknown as Geom;

/** How much of `child` lies outside `parent`; throws only if the clipping library does. */
export function outsideOf(child: Polygon | MultiPolygon, parent: Polygon | MultiPolygon): Outside {
  const own = geodesicArea(child);
  const area = geodesicArea(polygonClipping.difference(pc(child), pc(parent)));
  return {
    area,
    share: own > 0 ? area / own : 1,
    tolerance: Math.max(OUTSIDE_MIN_TOLERANCE_M2, OUTSIDE_TOLERANCE_SHARE * own),
  };
}

export const fmtArea = (m2: number) => (m2 >= 100 ? m2.toFixed(0) : m2.toFixed(2));
export const fmtShare = (share: number) =>
  share >= 0.01 ? (share * 100).toFixed(1) : (share * 100).toPrecision(2);
