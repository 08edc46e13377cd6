/**
 * Ground is held once per level. An import may not put a division or a grid on ground that
 * stored geometry of the same level holds, unless the file replaces that geometry (a division
 * with the same code; in replace mode a grid of a community the file covers), nor on ground another
 * row of the same file claims. Without this, a district admin could draw its own community or
 * grid over a neighbour's, and the point lookup (which answers the smallest grid ID where grids
 * overlap) would hand the neighbour's ground to it.
 *
 * Tolerance as for containment at each level: divisions max(1 m², 0.1 % of the smaller of the
 * two) — two sources that disagree by decimetres along a shared edge — with anything above 1 m²
 * but within it reported as a warning; grids 1 m², as topology.ts allows inside a community, since
 * every point must fall in exactly one grid.
 *
 * Candidates come from an R-tree over bounding boxes; only pairs whose boxes share area are
 * clipped. A pair the clipping library cannot clip is refused, not let through: an unverifiable
 * overlap is not a verified absence of one.
 */
import Flatbush from 'flatbush';
import { type BBox, geodesicArea, overlapArea } from '../geo/index.ts';
import { fmtArea, fmtShare, OUTSIDE_MIN_TOLERANCE_M2, OUTSIDE_TOLERANCE_SHARE } from './containment.ts';
import type { Area } from './store.ts';

export interface Piece {
  id: string;
  geometry: Area;
  bbox: BBox;
  /** Index of the row in the report for a row of the file; null for stored geometry. */
  row: number | null;
  /** What the piece belongs to (a grid's community), for callers that skip pairs of one group. */
  group?: string;
}

export interface Overlap {
  /** Always a row of the file. */
  a: Piece;
  b: Piece;
  /** m² in common; NaN when the clipping library failed on the pair. */
  area: number;
  /** Geodesic areas of a and b, m². */
  areaA: number;
  areaB: number;
}

const boxesShareArea = (a: BBox, b: BBox) =>
  Math.max(a[0], b[0]) < Math.min(a[2], b[2]) && Math.max(a[1], b[1]) < Math.min(a[3], b[3]);

/**
 * Every pair of a file piece with a stored piece, or of two file pieces (once), whose common area
 * exceeds `minArea` m² (or could not be computed). `skip` leaves pairs out (e.g. one community's
 * grids, which the partition check compares already).
 */
export function overlaps(
  file: Piece[],
  stored: Piece[],
  minArea: number,
  skip: (a: Piece, b: Piece) => boolean = () => false,
): Overlap[] {
  const all = [...file, ...stored];
  if (file.length === 0 || all.length < 2) return [];
  const tree = new Flatbush(all.length);
  for (const p of all) tree.add(p.bbox[0], p.bbox[1], p.bbox[2], p.bbox[3]);
  tree.finish();
  const areas = new Map<number, number>();
  const areaOf = (k: number) => {
    let v = areas.get(k);
    if (v === undefined) {
      v = geodesicArea(all[k].geometry);
      areas.set(k, v);
    }
    return v;
  };
  const out: Overlap[] = [];
  file.forEach((a, i) => {
    for (const j of tree.search(a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3])) {
      // File pairs once (from the earlier row); a piece never with itself.
      if (j < file.length && j <= i) continue;
      const b = all[j];
      if (!boxesShareArea(a.bbox, b.bbox) || skip(a, b)) continue;
      let area: number;
      try {
        area = overlapArea(a.geometry, b.geometry);
      } catch {
        area = Number.NaN;
      }
      if (Number.isNaN(area) || area > minArea) out.push({ a, b, area, areaA: areaOf(i), areaB: areaOf(j) });
    }
  });
  return out;
}

/** The division tolerance for an overlap: as containment.ts, on the smaller of the two. */
export function divisionOverlapTolerance(areaA: number, areaB: number): number {
  return Math.max(OUTSIDE_MIN_TOLERANCE_M2, OUTSIDE_TOLERANCE_SHARE * Math.min(areaA, areaB));
}

/** Area and share formatted for messages: "123 m² (4.5%". */
export function describeOverlap(o: Overlap): { area: string; share: string } {
  return { area: fmtArea(o.area), share: fmtShare(o.areaA > 0 ? o.area / o.areaA : 1) };
}
