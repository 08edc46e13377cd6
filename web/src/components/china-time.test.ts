/**
 * China time in the web app must not depend on the browser's zone: these run in New York (UTC-5,
 * UTC-4 in summer, with daylight-saving gaps) and every expected string is China wall clock.
 */
import type { Dayjs } from 'dayjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const savedTz = process.env.TZ;
process.env.TZ = 'America/New_York';

let ct: typeof import('./china-time');
let formatTime: typeof import('./format').formatTime;
let dayjs: typeof import('dayjs');

beforeAll(async () => {
  dayjs = (await import('dayjs')).default;
  ct = await import('./china-time');
  ({ formatTime } = await import('./format'));
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** 2026-03-08 02:30 in China = 2026-03-07 18:30Z; in New York 2026-03-08 02:00–03:00 does not exist. */
const GAP = '2026-03-07T18:30:00.000Z';

describe('the test zone', () => {
  it('is New York, so a browser-zone leak shows', () => {
    expect(new Date(2026, 0, 15).getTimezoneOffset()).toBe(300);
    expect(new Date(2026, 6, 15).getTimezoneOffset()).toBe(240);
    // Plain dayjs (what the app used before) prints New York time here.
    expect(dayjs(GAP).format('YYYY-MM-DD HH:mm')).toBe('2026-03-07 13:30');
  });
});

describe('formatting instants', () => {
  it('formatTime prints China wall clock', () => {
    expect(formatTime(GAP)).toBe('2026-03-08 02:30:00');
    expect(formatTime('2026-07-01T01:02:03Z')).toBe('2026-07-01 09:02:03');
    expect(formatTime('2025-12-31T16:00:00Z')).toBe('2026-01-01 00:00:00');
    expect(formatTime('2026-07-01T09:02:03+08:00')).toBe('2026-07-01 09:02:03');
    expect(formatTime('2026-07-01T09:02:03.456789+08:00')).toBe('2026-07-01 09:02:03');
  });

  it('keeps the empty dash and unreadable input', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime(undefined)).toBe('—');
    expect(formatTime('')).toBe('—');
    expect(formatTime('not a time')).toBe('not a time');
  });

  it('reads zone-less and date-only strings as China wall clock', () => {
    expect(ct.formatChina('2026-03-08 02:30')).toBe('2026-03-08 02:30:00');
    expect(ct.formatChina('2026-03-08T02:30:15')).toBe('2026-03-08 02:30:15');
    expect(ct.formatChina('2026-03-08', 'YYYY-MM-DD')).toBe('2026-03-08');
  });

  it('formats numbers, Dates and patterns', () => {
    const ms = Date.parse(GAP);
    expect(ct.formatChina(ms, 'MM-DD HH:mm')).toBe('03-08 02:30');
    expect(ct.formatChina(new Date(ms), 'YYYY-MM-DD HH:mm')).toBe('2026-03-08 02:30');
  });

  it('matches an independent UTC+8 computation over a year of hours, DST changes included', () => {
    const start = Date.parse('2025-12-31T00:00:00Z');
    for (let h = 0; h < 24 * 366; h += 7) {
      const ms = start + h * 3_600_000 + 17 * 60_000;
      const s = new Date(ms + 8 * 3_600_000).toISOString();
      expect(ct.formatChina(new Date(ms).toISOString())).toBe(`${s.slice(0, 10)} ${s.slice(11, 19)}`);
    }
  });
});

describe('now, hour and year in China', () => {
  it('takes the China hour and year, not New York’s', () => {
    // 00:30Z on 1 January: 08:30 in China, 19:30 on 31 December in New York.
    const ms = Date.parse('2026-01-01T00:30:00Z');
    expect(ct.chinaHour(ms)).toBe(8);
    expect(ct.chinaYear(Date.parse('2025-12-31T17:00:00Z'))).toBe(2026);
    vi.useFakeTimers({ now: ms, toFake: ['Date'] });
    expect(ct.chinaHour()).toBe(8);
    expect(ct.chinaNow().format('YYYY-MM-DD HH:mm')).toBe('2026-01-01 08:30');
  });
});

describe('picker values', () => {
  it('shows an instant as China wall clock, even inside New York’s DST gap', () => {
    const d = ct.toChinaPicker(GAP) as Dayjs;
    expect(d.format('YYYY-MM-DD HH:mm:ss')).toBe('2026-03-08 02:30:00');
    expect([d.hour(), d.minute()]).toEqual([2, 30]);
    expect(ct.toChinaPicker(null)).toBeNull();
    expect(ct.toChinaPicker('garbage')).toBeNull();
  });

  it('sends the picked wall clock as the +08:00 instant', () => {
    expect(ct.fromChinaPicker(ct.toChinaPicker(GAP))).toBe('2026-03-08T02:30:00+08:00');
    expect(ct.fromChinaPicker(dayjs('2026-07-01 09:00'))).toBe('2026-07-01T09:00:00+08:00');
    expect(ct.fromChinaPicker(dayjs.utc('2026-07-01T09:00:00.250Z'))).toBe('2026-07-01T09:00:00.250+08:00');
    expect(ct.fromChinaPicker(null)).toBeUndefined();
    expect(ct.fromChinaPicker(dayjs('nope'))).toBeUndefined();
  });

  it('round-trips every instant exactly, across both of New York’s DST changes', () => {
    const start = Date.parse('2026-03-07T00:00:00Z');
    for (let m = 0; m < 60 * 24 * 3; m += 13) {
      for (const base of [start, Date.parse('2026-10-31T00:00:00Z')]) {
        const ms = base + m * 60_000 + 321;
        const iso = ct.fromChinaPicker(ct.toChinaPicker(ms));
        expect(Date.parse(iso as string)).toBe(ms);
      }
    }
  });
});

describe('chinaGenerateConfig (what the China pickers run on)', () => {
  it('takes "now" (today, the Now button, time defaults) from China', () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:30:00Z'), toFake: ['Date'] });
    const now = ct.chinaGenerateConfig.getNow();
    const g = ct.chinaGenerateConfig;
    expect([g.getYear(now), g.getMonth(now), g.getDate(now), g.getHour(now)]).toEqual([2026, 0, 1, 8]);
  });

  it('reads typed text as China wall clock, also a time New York skips', () => {
    const d = ct.chinaGenerateConfig.locale.parse('zh_CN', '2026-03-08 02:30:00', ['YYYY-MM-DD HH:mm:ss']);
    expect(ct.fromChinaPicker(d)).toBe('2026-03-08T02:30:00+08:00');
    expect(ct.chinaGenerateConfig.locale.parse('zh_CN', '2026-13-40', ['YYYY-MM-DD'])).toBeNull();
  });

  it('keeps the wall clock through setters that cross a New York DST change', () => {
    const g = ct.chinaGenerateConfig;
    const feb = ct.toChinaPicker('2026-02-10T04:00:00Z') as Dayjs; // 12:00 on 10 February in China
    const jul = g.setMonth(feb, 6);
    expect(ct.fromChinaPicker(jul)).toBe('2026-07-10T12:00:00+08:00');
    const gap = g.setHour(g.setDate(g.setMonth(feb, 2), 8), 2);
    expect(ct.fromChinaPicker(gap)).toBe('2026-03-08T02:00:00+08:00');
    expect(g.isAfter(jul, feb)).toBe(true);
    expect(ct.fromChinaPicker(g.addDate(jul, 1))).toBe('2026-07-11T12:00:00+08:00');
  });

  it('formats with the picker locale like the base config', () => {
    const d = ct.toChinaPicker(GAP) as Dayjs;
    expect(ct.chinaGenerateConfig.locale.format('en_US', d, 'YYYY-MM-DD HH:mm')).toBe('2026-03-08 02:30');
  });
});
