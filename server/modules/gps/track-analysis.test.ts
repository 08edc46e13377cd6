import { describe, expect, it } from 'vitest';
import {
  detectStops,
  gridPassages,
  haversineM,
  STOP_MIN_MS,
  type TrackFix,
  trackDistanceM,
} from './track-analysis.ts';

const MIN = 60_000;
/** Metres per degree of latitude (mean Earth radius). */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const T0 = Date.UTC(2026, 11, 7, 1, 0, 0);
/** A fix `north` metres north of (29.87, 121.55) at minute `m`. */
const fix = (m: number, north: number, east = 0): TrackFix => ({
  t: T0 + m * MIN,
  lat: 29.87 + north / M_PER_DEG,
  lng: 121.55 + east / (M_PER_DEG * Math.cos((29.87 * Math.PI) / 180)),
});

describe('distance', () => {
  it('haversine: one degree of latitude is ~111.195 km; one arc-minute east at the equator ~1.853 km', () => {
    expect(haversineM({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(111_195, 0);
    expect(haversineM({ lat: 0, lng: 0 }, { lat: 0, lng: 1 / 60 })).toBeCloseTo(1853.25, 1);
    expect(haversineM({ lat: 29.87, lng: 121.55 }, { lat: 29.87, lng: 121.55 })).toBe(0);
  });

  it('sums the steps of a track; a step faster than 250 km/h (a GPS jump) is left out', () => {
    const straight = [fix(0, 0), fix(1, 300), fix(2, 600), fix(3, 1000)];
    expect(trackDistanceM(straight)).toBeCloseTo(1000, 3);
    // 20 km in one minute (1,200 km/h) between two ordinary steps.
    const jump = [fix(0, 0), fix(1, 300), fix(2, 20_300), fix(3, 600)];
    expect(trackDistanceM(jump)).toBeCloseTo(300, 3);
    expect(trackDistanceM([])).toBe(0);
    expect(trackDistanceM([fix(0, 0)])).toBe(0);
  });
});

describe('stops', () => {
  it('finds a stay of ≥ 3 min within 50 m, with its start, end, duration and centre', () => {
    const track = [
      fix(0, 0),
      fix(1, 400),
      // Parked 5 minutes at ~800 m north, drifting a few metres.
      fix(2, 800),
      fix(3, 805, 3),
      fix(4, 798, -2),
      fix(5, 802),
      fix(7, 800, 1),
      fix(8, 1200),
      fix(9, 1600),
    ];
    const stops = detectStops(track);
    expect(stops).toHaveLength(1);
    const s = stops[0];
    expect([s.from, s.to]).toEqual([2, 6]);
    expect(s.start).toBe(T0 + 2 * MIN);
    expect(s.end).toBe(T0 + 7 * MIN);
    expect(s.durationMs).toBe(5 * MIN);
    expect(haversineM(s, fix(0, 801))).toBeLessThan(2);
  });

  it('a pause shorter than the minimum is no stop; slow movement past the radius is none either', () => {
    const short = [fix(0, 0), fix(1, 1), fix(2, 2), fix(3, 500)];
    expect(detectStops(short)).toEqual([]);
    // 30 m a minute (1.8 km/h) for 10 minutes: leaves the 50 m radius after 2 minutes.
    const crawl = Array.from({ length: 11 }, (_, m) => fix(m, m * 30));
    expect(detectStops(crawl)).toEqual([]);
    expect(detectStops([])).toEqual([]);
  });

  it('a gap without fixes at one place is a stop; two stays make two stops; radius and time are parameters', () => {
    const track = [fix(0, 0), fix(60, 10), fix(61, 2000), fix(62, 2000), fix(66, 2010), fix(67, 4000)];
    expect(detectStops(track).map((s) => [s.from, s.to, s.durationMs / MIN])).toEqual([
      [0, 1, 60],
      [2, 4, 5],
    ]);
    // Within 5 m only the two fixes at minute 61–62, one minute: no stop.
    expect(detectStops(track, 5)).toEqual([]);
    expect(detectStops(track, 50, 10 * MIN).map((s) => [s.from, s.to])).toEqual([[0, 1]]);
    expect(STOP_MIN_MS).toBe(3 * MIN);
  });
});

describe('grids crossed', () => {
  // Grids: a strip of 1 km per grid going north; beyond 3 km, outside every grid.
  const gridOf = (_lng: number, lat: number) => {
    const north = (lat - 29.87) * M_PER_DEG;
    return north < 0 || north >= 3000 ? null : `G${Math.floor(north / 1000)}`;
  };

  it('lists the grids in order with enter/leave times; a re-entry is a new passage; outside breaks runs', () => {
    const track = [
      fix(0, 100),
      fix(1, 900),
      fix(2, 1100),
      fix(3, 1500),
      fix(4, 900),
      fix(5, 3500),
      fix(6, 2500),
      fix(7, -10),
    ];
    expect(
      gridPassages(track, gridOf).map((p) => [p.gridId, (p.enter - T0) / MIN, (p.leave - T0) / MIN]),
    ).toEqual([
      ['G0', 0, 1],
      ['G1', 2, 3],
      ['G0', 4, 4],
      ['G2', 6, 6],
    ]);
    expect(gridPassages([], gridOf)).toEqual([]);
  });
});
