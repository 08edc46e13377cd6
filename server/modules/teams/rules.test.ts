import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  areaCheck,
  attendanceStatus,
  chinaDay,
  coverage,
  dayStart,
  isDay,
  isEarlyLeave,
  isLate,
  mondayOf,
  parseHm,
  rosterOverlaps,
  shiftAt,
  shiftWindow,
} from './rules.ts';

const early = { id: 'early', startMinute: 8 * 60, endMinute: 16 * 60 };
const night = { id: 'night', startMinute: 22 * 60, endMinute: 6 * 60 };
const dawn = { id: 'dawn', startMinute: 5 * 60, endMinute: 13 * 60 };
const china = (s: string) => new Date(`${s}+08:00`);

describe('China-time days and shift windows', () => {
  it('knows real days, the China day of an instant and a week’s Monday', () => {
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2028-02-29')).toBe(true);
    expect(chinaDay(new Date('2026-12-06T16:30:00Z'))).toBe('2026-12-07');
    expect(dayStart('2026-12-07').toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(mondayOf('2026-12-13')).toBe('2026-12-07');
    expect(mondayOf('2026-12-07')).toBe('2026-12-07');
    expect(parseHm('24:00')).toBeNull();
    expect(parseHm('07:30')).toBe(450);
  });
  it('puts a night shift’s end on the next day', () => {
    const w = shiftWindow('2026-12-07', night);
    expect(w.start.getTime()).toBe(china('2026-12-07T22:00:00').getTime());
    expect(w.end.getTime()).toBe(china('2026-12-08T06:00:00').getTime());
  });
});

describe('roster rules', () => {
  it('finds a night shift running into the next morning’s shift, not a rest day or a shift after it ends', () => {
    expect(
      rosterOverlaps([
        { day: '2026-12-07', shift: night },
        { day: '2026-12-08', shift: dawn },
      ]),
    ).toEqual([['2026-12-07', '2026-12-08']]);
    expect(
      rosterOverlaps([
        { day: '2026-12-07', shift: night },
        { day: '2026-12-08', shift: early },
        { day: '2026-12-09', shift: null },
      ]),
    ).toEqual([]);
  });
});

describe('attendance check', () => {
  const cells = [
    { day: '2026-12-06', shift: night },
    { day: '2026-12-07', shift: early },
  ];
  it('places a clock at the running shift (yesterday’s night) or the one opening (today’s early)', () => {
    expect(shiftAt(china('2026-12-07T05:00:00'), cells)?.shiftId).toBe('night');
    expect(shiftAt(china('2026-12-07T07:00:00'), cells)?.shiftId).toBe('early');
    expect(shiftAt(china('2026-12-07T05:59:00'), cells)?.day).toBe('2026-12-06');
    expect(shiftAt(china('2026-12-07T16:30:00'), cells)).toBeNull();
    expect(shiftAt(china('2026-12-07T05:00:00'), [{ day: '2026-12-07', shift: null }])).toBeNull();
  });
  it('is late after the grace and leaves early before the end', () => {
    const w = shiftWindow('2026-12-07', early);
    expect(isLate(china('2026-12-07T08:05:00'), w)).toBe(false);
    expect(isLate(china('2026-12-07T08:05:01'), w)).toBe(true);
    expect(isEarlyLeave(china('2026-12-07T15:59:00'), w)).toBe(true);
    expect(isEarlyLeave(china('2026-12-07T16:00:00'), w)).toBe(false);
  });
  it('calls a rostered shift without a clock-in absent once it has ended', () => {
    const w = shiftWindow('2026-12-07', early);
    const base = {
      rostered: true,
      shiftWindow: w,
      clockInAt: null,
      clockOutAt: null,
      late: false,
      earlyLeave: false,
      noShift: false,
    };
    expect(attendanceStatus(base, china('2026-12-07T17:00:00'))).toBe('absent');
    expect(attendanceStatus(base, china('2026-12-07T07:00:00'))).toBe('pending');
    expect(attendanceStatus({ ...base, clockInAt: w.start }, china('2026-12-07T10:00:00'))).toBe('on_duty');
    expect(
      attendanceStatus(
        { ...base, clockInAt: w.start, clockOutAt: w.end, late: true, earlyLeave: true },
        w.end,
      ),
    ).toBe('late_early');
    expect(attendanceStatus({ ...base, shiftWindow: null, noShift: true }, w.end)).toBe('no_shift');
  });
});

// Two unit grids side by side, ~100 m squares at 29.87°N.
const sq = (west: number, south: number, size = 0.001): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [west, south],
      [west + size, south],
      [west + size, south + size],
      [west, south + size],
      [west, south],
    ],
  ],
});
const A = { id: 'A', geometry: sq(121.5, 29.87) };
const B = { id: 'B', geometry: sq(121.501, 29.87) };
const C = { id: 'C', geometry: sq(121.51, 29.88) };

describe('responsibility area', () => {
  it('is inside a grid, within the tolerance of one, or outside', () => {
    expect(areaCheck(121.5005, 29.8705, [A, B])).toEqual({ inside: true, gridId: 'A', distanceM: 0 });
    const near = areaCheck(121.5005, 29.8715, [A, B]); // ~55 m north of A
    expect(near.inside).toBe(true);
    expect(near.distanceM).toBeGreaterThan(40);
    expect(near.distanceM).toBeLessThan(70);
    expect(areaCheck(121.5005, 29.875, [A, B]).inside).toBe(false);
    expect(areaCheck(121.5005, 29.8705, []).inside).toBe(false);
  });
});

describe('patrol coverage', () => {
  const t = (min: number) => new Date(Date.UTC(2026, 11, 7, 1, min));
  it('counts the grids the fixes fall in and those crossed between close fixes', () => {
    // From inside A to beyond B in 2 minutes: B is crossed between the fixes.
    const track = [
      { time: t(0), lng: 121.5002, lat: 29.8705 },
      { time: t(2), lng: 121.5025, lat: 29.8705 },
    ];
    expect(coverage([A, B, C], track)).toEqual({ covered: ['A', 'B'], total: 3, ratio: 2 / 3 });
  });
  it('does not join fixes across a gap, and an empty track covers nothing', () => {
    const track = [
      { time: t(0), lng: 121.5002, lat: 29.8705 },
      { time: t(30), lng: 121.5025, lat: 29.8705 },
    ];
    expect(coverage([A, B], track).covered).toEqual(['A']);
    expect(coverage([A, B], []).ratio).toBe(0);
    expect(coverage([], track).ratio).toBe(0);
  });
});
