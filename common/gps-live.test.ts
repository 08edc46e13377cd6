import { describe, expect, it } from 'vitest';
import { liveState, MOVING_ABOVE_KMH, OFFLINE_AFTER_MS } from './gps-live.ts';

describe('the live map’s state rule', () => {
  const now = Date.UTC(2026, 11, 7, 8, 0, 0);
  const ago = (ms: number) => new Date(now - ms).toISOString();

  it('offline when the newest fix is older than 5 minutes, or there is none — whatever it says', () => {
    expect(OFFLINE_AFTER_MS).toBe(5 * 60_000);
    expect(liveState({ time: null, speed: null, alarm: null }, now)).toBe('offline');
    expect(liveState({ time: ago(OFFLINE_AFTER_MS + 1000), speed: 50, alarm: 1 }, now)).toBe('offline');
    expect(liveState({ time: ago(OFFLINE_AFTER_MS), speed: 0, alarm: 0 }, now)).toBe('stopped');
    expect(liveState({ time: 'not a time', speed: 50, alarm: null }, now)).toBe('offline');
  });

  it('alarm when an alarm bit is set (before moving); moving above 3 km/h; stopped otherwise', () => {
    expect(liveState({ time: ago(1000), speed: 40, alarm: 0x1 }, now)).toBe('alarm');
    expect(liveState({ time: new Date(now - 1000), speed: 0, alarm: 0x80000000 }, now)).toBe('alarm');
    expect(liveState({ time: ago(1000), speed: MOVING_ABOVE_KMH + 0.1, alarm: 0 }, now)).toBe('moving');
    expect(liveState({ time: ago(1000), speed: MOVING_ABOVE_KMH, alarm: 0 }, now)).toBe('stopped');
    expect(liveState({ time: ago(1000), speed: null, alarm: null }, now)).toBe('stopped');
  });
});
