/**
 * The readings' partitions (platform/day-partitions.ts): one per UTC day
 * (`sensor_reading_pYYYYMMDD`), made ahead of time and dropped after the retention (setting
 * `sensors.retentionDays`).
 *
 * Readings are accepted from MAX_AGE_MS back to MAX_FUTURE_MS ahead (payload.ts), so the days from
 * `DAYS_BEHIND` back to `DAYS_AHEAD` ahead always exist: the maintenance round (hourly, and at
 * start) makes them, and a batch that still meets a missing one (a clock that jumped) makes it and
 * tries again.
 */

import { DAY_MS, dayOf, dayPartitions } from '../../platform/day-partitions.ts';
import type { Db } from '../../platform/db.ts';
import { MAX_AGE_MS, MAX_FUTURE_MS } from './payload.ts';

export const DAYS_BEHIND = Math.ceil(MAX_AGE_MS / DAY_MS);
export const DAYS_AHEAD = Math.max(2, Math.ceil(MAX_FUTURE_MS / DAY_MS) + 1);
// An arbitrary constant: the advisory lock that makes concurrent partition DDL run one at a time.
const PARTITION_LOCK_KEY = 4_721_004_910;

const readings = dayPartitions('sensor_reading', PARTITION_LOCK_KEY, 400);
export const { partitionName, partitionDays } = readings;

/** Makes the partitions of every UTC day from `from` to `to` (inclusive) that do not exist yet. */
export function ensurePartitions(db: Db, from: Date, to: Date): Promise<string[]> {
  const days: Date[] = [];
  for (let d = dayOf(from).getTime(); d <= dayOf(to).getTime(); d += DAY_MS) days.push(new Date(d));
  return readings.ensureDays(db, days);
}

/** The partitions readings at `now` may need: DAYS_BEHIND back to DAYS_AHEAD ahead. */
export const ensurePartitionsAround = (db: Db, now: Date) =>
  ensurePartitions(
    db,
    new Date(now.getTime() - DAYS_BEHIND * DAY_MS),
    new Date(now.getTime() + DAYS_AHEAD * DAY_MS),
  );

/**
 * Drops the partitions wholly older than `retentionDays` before `now` (a day is dropped once its
 * end is that old). Returns the names dropped.
 */
export const dropExpiredPartitions = readings.dropExpired;
