/**
 * What a replay shows besides the line (轨迹回放, issue 12 item 4), computed from a track's fixes
 * in time order — pure functions, no database:
 *
 * - Distance travelled: the sum of the great-circle (haversine, mean Earth radius 6,371,008.8 m)
 *   distances between consecutive fixes, except a step that would need more than
 *   MAX_PLAUSIBLE_KMH (a GPS jump): such a step is left out of the distance.
 *
 * - Stops (stay points, after Li et al. 2008): from a fix i, take the longest run i..j of fixes all
 *   within `radiusM` (default 50 m) of fix i. When the run lasts at least `minMs` (default 3 min)
 *   from fix i's time to fix j's, it is a stop — start i's time, end j's, its centre the mean of
 *   the run's positions — and the search goes on after j; otherwise it goes on from i + 1. A
 *   vehicle parked with its terminal reporting speed 0 stays within the radius, so "speed ≈ 0 for
 *   T minutes" is the same stop; a gap without fixes at one place (the terminal asleep) counts as
 *   stopped too, since both its ends are in the radius.
 *
 * - Grids crossed: each fix's unit grid (the caller's lookup: the geo module's index), and the
 *   runs of consecutive fixes in one grid in order — enter is the first fix's time in it, leave
 *   the last one's. Fixes outside every grid break runs but make none; coming back into a grid
 *   after another one is a new entry.
 */

export interface TrackFix {
  /** Milliseconds since the epoch. */
  t: number;
  lat: number;
  lng: number;
  speed?: number | null;
}

export interface Stop {
  start: number;
  end: number;
  durationMs: number;
  lat: number;
  lng: number;
  /** Index of the run's first and last fix in the track. */
  from: number;
  to: number;
}

export interface GridPassage {
  gridId: string;
  enter: number;
  leave: number;
  /** Index of the first and last fix in the grid. */
  from: number;
  to: number;
}

export const STOP_RADIUS_M = 50;
export const STOP_MIN_MS = 3 * 60_000;
export const MAX_PLAUSIBLE_KMH = 250;

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres between two WGS84 points. */
export function haversineM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Metres travelled along the track (implausible jumps left out). */
export function trackDistanceM(fixes: readonly TrackFix[]): number {
  let total = 0;
  for (let i = 1; i < fixes.length; i++) {
    const d = haversineM(fixes[i - 1], fixes[i]);
    const hours = (fixes[i].t - fixes[i - 1].t) / 3_600_000;
    // Two fixes at the same instant (a resent position) a distance apart is a jump as well.
    if (d > 0 && (hours <= 0 || d / 1000 / hours > MAX_PLAUSIBLE_KMH)) continue;
    total += d;
  }
  return total;
}

/** The stops of a track (see the algorithm above). */
export function detectStops(
  fixes: readonly TrackFix[],
  radiusM: number = STOP_RADIUS_M,
  minMs: number = STOP_MIN_MS,
): Stop[] {
  const stops: Stop[] = [];
  let i = 0;
  while (i < fixes.length) {
    let j = i;
    while (j + 1 < fixes.length && haversineM(fixes[i], fixes[j + 1]) <= radiusM) j++;
    if (j > i && fixes[j].t - fixes[i].t >= minMs) {
      let lat = 0;
      let lng = 0;
      for (let k = i; k <= j; k++) {
        lat += fixes[k].lat;
        lng += fixes[k].lng;
      }
      const n = j - i + 1;
      stops.push({
        start: fixes[i].t,
        end: fixes[j].t,
        durationMs: fixes[j].t - fixes[i].t,
        lat: lat / n,
        lng: lng / n,
        from: i,
        to: j,
      });
      i = j + 1;
    } else i++;
  }
  return stops;
}

/** The grids crossed in order, from each fix's grid (`gridOf`: null outside every grid). */
export function gridPassages(
  fixes: readonly TrackFix[],
  gridOf: (lng: number, lat: number) => string | null,
): GridPassage[] {
  const out: GridPassage[] = [];
  let current: GridPassage | null = null;
  for (let i = 0; i < fixes.length; i++) {
    const id = gridOf(fixes[i].lng, fixes[i].lat);
    if (current && id === current.gridId) {
      current.leave = fixes[i].t;
      current.to = i;
      continue;
    }
    current = null;
    if (id === null) continue;
    current = { gridId: id, enter: fixes[i].t, leave: fixes[i].t, from: i, to: i };
    out.push(current);
  }
  return out;
}
