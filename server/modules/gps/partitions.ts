/**
 * The positions' partitions (platform/day-partitions.ts): one per UTC day (`gps_position_pYYYYMMDD`),
 * made a few days ahead by the maintenance round and dropped whole after the retention (setting
 * `gps.retentionDays`).
 *
 * A position may be as old as the retention (a terminal's blind-area back-fill, 0x0704, may hold
 * days of fixes), so the days behind are not all made ahead: a batch that meets a day without a
 * partition makes that day's (`ensureDays`) and is written again. Not a DEFAULT partition: rows
 * parked there would have to be moved before their day's partition could be created, and the
 * retention could not drop them by day.
 */

import { DAY_MS, dayPartitions } from '../../platform/day-partitions.ts';
import type { Db } from '../../platform/db.ts';

export { DAY_MS } from '../../platform/day-partitions.ts';
/** Days made ahead of today (a fix may be at most MAX_FUTURE_MS ahead of the server's clock). */
export const DAYS_AHEAD = 2;
// An arbitrary constant: the advisory lock that makes concurrent partition DDL run one at a time.
const PARTITION_LOCK_KEY = 4_721_004_911;

export const { partitionName, partitionDays, ensureDays, dropExpired } = dayPartitions(
  'gps_position',
  PARTITION_LOCK_KEY,
  4000,
);

/** Yesterday to DAYS_AHEAD ahead: what live positions need. */
export function ensureAround(db: Db, now: Date): Promise<string[]> {
  const days: Date[] = [];
  for (let i = -1; i <= DAYS_AHEAD; i++) days.push(new Date(now.getTime() + i * DAY_MS));
  return ensureDays(db, days);
}
