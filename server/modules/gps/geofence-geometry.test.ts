import { describe, expect, it } from 'vitest';
import type { GeofenceRule } from '../../../common/gps-alarms.ts';
import {
  chinaClock,
  distanceToLineM,
  fenceGeometryProblem,
  freshState,
  inFence,
  prepareFence,
  risingAlarmBits,
  step,
  windowActive,
  windowsProblem,
} from './geofence-geometry.ts';

const square = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [121.5, 29.8],
      [121.6, 29.8],
      [121.6, 29.9],
      [121.5, 29.9],
      [121.5, 29.8],
    ],
  ],
};
const rule = (over: Partial<GeofenceRule> = {}): GeofenceRule => ({
  mode: 'no_entry',
  speedLimitKmh: null,
  overspeedSeconds: 0,
  windows: [],
  targets: { terminalKinds: ['muck_truck'], terminalIds: [], userIds: [] },
  raiseCase: false,
  ...over,
});
/** China time → the instant. */
const cn = (s: string) => new Date(`${s}+08:00`);

describe('geometry', () => {
  it('a point inside, outside and far away (bounding box first) of an area', () => {
    const f = prepareFence('a', square, null);
    expect(inFence(f, 121.55, 29.85)).toBe(true);
    expect(inFence(f, 121.65, 29.85)).toBe(false);
    expect(inFence(f, 0, 0)).toBe(false);
  });

  it('a route’s corridor: within half the width of the line', () => {
    const line = {
      type: 'LineString' as const,
      coordinates: [
        [121.5, 29.8],
        [121.6, 29.8],
      ],
    };
    const f = prepareFence('r', line, 200);
    // ~0.0009° of latitude ≈ 100 m
    expect(distanceToLineM(121.55, 29.8008, line.coordinates)).toBeCloseTo(89, 0);
    expect(inFence(f, 121.55, 29.8008)).toBe(true);
    expect(inFence(f, 121.55, 29.8012)).toBe(false);
    expect(inFence(f, 121.49, 29.8)).toBe(false);
  });

  it('refuses a self-intersecting polygon, an empty ring, a route without a corridor', () => {
    const bow = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    expect(fenceGeometryProblem('area', bow, null)?.en).toMatch(/intersect/);
    expect(fenceGeometryProblem('area', { type: 'Polygon', coordinates: [[]] }, null)?.zh).toBe('坐标环为空');
    expect(fenceGeometryProblem('area', square, null)).toBeNull();
    const line = {
      type: 'LineString' as const,
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    };
    expect(fenceGeometryProblem('route', line, null)?.field).toBe('body.corridorM');
    expect(fenceGeometryProblem('route', line, 50)).toBeNull();
    expect(fenceGeometryProblem('route', square, 50)?.en).toMatch(/LineString/);
  });

  it('refuses an area that encloses nothing: three points in a line, to within a float', () => {
    const flat = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [121.55, 29.87],
          [121.56, 29.8700000001],
          [121.57, 29.87],
          [121.55, 29.87],
        ],
      ],
    };
    const problem = fenceGeometryProblem('area', flat, null);
    expect(problem?.zh).toBe('围栏面积为零（顶点共线或重合）');
    expect(problem?.en).toMatch(/encloses nothing/);
  });
});

describe('windows in China time', () => {
  it('a weekday window', () => {
    const w = [{ days: [1, 2, 3, 4, 5], from: '07:00', to: '19:00' }];
    expect(windowActive(w, cn('2026-12-07T07:00:00'))).toBe(true); // Monday
    expect(windowActive(w, cn('2026-12-07T19:00:00'))).toBe(false);
    expect(windowActive(w, cn('2026-12-06T12:00:00'))).toBe(false); // Sunday
    // 23:30 UTC Sunday is 07:30 Monday in China
    expect(windowActive(w, new Date('2026-12-06T23:30:00Z'))).toBe(true);
    expect(chinaClock(new Date('2026-12-06T23:30:00Z'))).toEqual({ day: 1, minute: 450 });
  });

  it('a window across midnight belongs to the day it starts on', () => {
    const w = [{ days: [5], from: '22:00', to: '06:00' }]; // Friday night
    expect(windowActive(w, cn('2026-12-11T23:00:00'))).toBe(true); // Friday 23:00
    expect(windowActive(w, cn('2026-12-12T05:59:00'))).toBe(true); // Saturday 05:59
    expect(windowActive(w, cn('2026-12-12T06:00:00'))).toBe(false);
    expect(windowActive(w, cn('2026-12-12T23:00:00'))).toBe(false); // Saturday night
    expect(windowActive(w, cn('2026-12-11T05:00:00'))).toBe(false); // Friday early morning: Thursday's night
    // Sunday night into Monday
    expect(windowActive([{ days: [7], from: '22:00', to: '24:00' }], cn('2026-12-13T23:59:00'))).toBe(true);
    expect(windowActive([{ days: [7], from: '23:00', to: '01:00' }], cn('2026-12-14T00:30:00'))).toBe(true);
  });

  it('bad windows are named', () => {
    expect(windowsProblem([{ days: [], from: '07:00', to: '08:00' }])?.field).toBe('body.rule.windows.0');
    expect(windowsProblem([{ days: [8], from: '07:00', to: '08:00' }])).not.toBeNull();
    expect(windowsProblem([{ days: [1], from: '7:00', to: '08:00' }])?.en).toMatch(/HH:MM/);
    expect(windowsProblem([{ days: [1], from: '08:00', to: '08:00' }])).not.toBeNull();
    expect(windowsProblem([{ days: [1], from: '22:00', to: '24:00' }])).toBeNull();
  });
});

describe('transitions', () => {
  const f = prepareFence('a', square, null);
  const run = (r: GeofenceRule, ps: [string, number, number, number | null][]) => {
    let st = freshState();
    const out: string[] = [];
    for (const [t, lng, lat, speed] of ps) {
      const s = step(st, f, r, { time: new Date(t), lng, lat, speed });
      st = s.state;
      out.push(...s.alarms.map((a) => `${t.slice(11, 19)} ${a}`));
    }
    return out;
  };

  it('no entry: one alarm per entering, none while inside, again after leaving', () => {
    expect(
      run(rule(), [
        ['2026-12-07T01:00:00Z', 121.4, 29.85, 30],
        ['2026-12-07T01:00:10Z', 121.55, 29.85, 30],
        ['2026-12-07T01:00:20Z', 121.56, 29.85, 30],
        ['2026-12-07T01:00:30Z', 121.7, 29.85, 30],
        ['2026-12-07T01:00:40Z', 121.55, 29.85, 30],
      ]),
    ).toEqual(['01:00:10 fence_enter', '01:00:40 fence_enter']);
  });

  it('stay inside: leaving alarms; first seen outside counts as leaving', () => {
    expect(
      run(rule({ mode: 'stay_inside' }), [
        ['2026-12-07T01:00:00Z', 121.55, 29.85, 0],
        ['2026-12-07T01:00:10Z', 121.7, 29.85, 0],
        ['2026-12-07T01:00:20Z', 121.71, 29.85, 0],
      ]),
    ).toEqual(['01:00:10 fence_leave']);
    expect(run(rule({ mode: 'stay_inside' }), [['2026-12-07T01:00:00Z', 121.7, 29.85, 0]])).toHaveLength(1);
  });

  it('outside the window a crossing is not an alarm, and the state still follows', () => {
    // 01:00Z is 09:00 China time; window 10:00–11:00
    const r = rule({ windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '10:00', to: '11:00' }] });
    expect(
      run(r, [
        ['2026-12-07T01:00:00Z', 121.55, 29.85, 0],
        ['2026-12-07T02:10:00Z', 121.55, 29.85, 0], // still inside when the window opens: no new entering
        ['2026-12-07T02:20:00Z', 121.7, 29.85, 0],
        ['2026-12-07T02:30:00Z', 121.55, 29.85, 0],
      ]),
    ).toEqual(['02:30:00 fence_enter']);
  });

  it('overspeed sustained for N seconds: one alarm per episode', () => {
    const r = rule({ mode: 'none', speedLimitKmh: 40, overspeedSeconds: 30 });
    expect(
      run(r, [
        ['2026-12-07T01:00:00Z', 121.55, 29.85, 50],
        ['2026-12-07T01:00:20Z', 121.55, 29.85, 55],
        ['2026-12-07T01:00:25Z', 121.55, 29.85, 40], // at the limit: the episode ends
        ['2026-12-07T01:00:30Z', 121.55, 29.85, 60],
        ['2026-12-07T01:00:59Z', 121.55, 29.85, 60],
        ['2026-12-07T01:01:00Z', 121.55, 29.85, 60], // 30 s above
        ['2026-12-07T01:01:30Z', 121.55, 29.85, 70],
        ['2026-12-07T01:01:40Z', 121.7, 29.85, 70], // outside: no limit
      ]),
    ).toEqual(['01:01:00 fence_overspeed']);
  });

  it('a position not newer than the last one is ignored (back-fill, resend)', () => {
    const r = rule();
    const a = step(freshState(), f, r, {
      time: new Date('2026-12-07T01:00:10Z'),
      lng: 121.7,
      lat: 29.85,
      speed: 0,
    });
    const b = step(a.state, f, r, {
      time: new Date('2026-12-07T01:00:00Z'),
      lng: 121.55,
      lat: 29.85,
      speed: 0,
    });
    expect(b.alarms).toEqual([]);
    expect(b.state).toBe(a.state);
  });

  it('terminal alarm bits: rising edges only', () => {
    expect(risingAlarmBits(null, 0b1).map((b) => b.kind)).toEqual(['sos']);
    expect(risingAlarmBits(0b1, 0b1)).toEqual([]);
    expect(risingAlarmBits(0b1, 0b111).map((b) => b.kind)).toEqual(['overspeed', 'fatigue']);
    expect(risingAlarmBits(0, 2 ** 30).map((b) => b.kind)).toEqual(['rollover']);
  });
});
