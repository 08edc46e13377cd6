import { describe, expect, it } from 'vitest';
import { MAX_QUEUED, MIN_GAP_MS, Trail, type TrailFix } from './trail';

const at = (s: number, lat = 29.87, lng = 121.55): TrailFix => ({
  time: new Date(Date.UTC(2026, 11, 7, 1, 0, 0) + s * 1000).toISOString(),
  lat,
  lng,
  accuracy: 8,
  speed: null,
  heading: null,
});

describe('the on-duty trail', () => {
  it('keeps a fix after the gap or after a move, not a jittering phone standing still', () => {
    const t = new Trail();
    expect(t.offer(at(0))).toBe(true);
    expect(t.offer(at(5, 29.87001))).toBe(false); // 1 m, 5 s later
    expect(t.offer(at(MIN_GAP_MS / 1000))).toBe(true); // the gap
    expect(t.offer(at(MIN_GAP_MS / 1000 + 2, 29.8705))).toBe(true); // 55 m moved
    expect(t.queued).toHaveLength(3);
  });

  it('a new place stamped with the last one’s time goes one second later (the server keys a person’s positions by time)', () => {
    const t = new Trail();
    t.offer(at(0));
    expect(t.offer(at(0, 29.873))).toBe(true);
    expect(t.queued.map((f) => f.time)).toEqual([at(0).time, at(1).time]);
  });

  it('refuses fixes that are not numbers or instants', () => {
    const t = new Trail();
    expect(t.offer({ ...at(0), lat: Number.NaN })).toBe(false);
    expect(t.offer({ ...at(0), time: 'yesterday' })).toBe(false);
    expect(t.queued).toHaveLength(0);
  });

  it('sends at most 500 at a time, keeps what was not sent, and drops the oldest past its bound', () => {
    const t = new Trail();
    for (let i = 0; i < MAX_QUEUED + 10; i++) t.offer(at(i * 30));
    expect(t.queued).toHaveLength(MAX_QUEUED);
    expect(t.queued[0].time).toBe(at(10 * 30).time);
    const batch = t.next();
    expect(batch).toHaveLength(500);
    t.sent(batch.length);
    expect(t.queued).toHaveLength(MAX_QUEUED - 500);
    expect(t.queued[0].time).toBe(at(510 * 30).time);
  });
});
