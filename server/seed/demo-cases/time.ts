/** Durations and the hours people report at (China time, UTC+8, no daylight saving). */
import { between, type Rng } from './random.ts';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MIN = 60_000;

/** A time of day when people report: 07:00–21:00 China time, on `daysAgo` days before now. */
export function reportTime(rng: Rng, now: number, daysAgo: number): number {
  const t = now - daysAgo * DAY;
  const chinaMidnight = Math.floor((t + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
  const at = chinaMidnight + between(rng, 7, 21) * HOUR;
  return Math.min(at, now - between(rng, 20, 90) * MIN);
}
