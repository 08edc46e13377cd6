/**
 * The positions' partitions kept: the days ahead made, the days past the retention (setting
 * `gps.retentionDays`) dropped — at start and then every `intervalMs` (hourly by default), on
 * every node (an advisory lock runs the DDL one node at a time; a second node finds nothing to
 * do). server/main.ts starts it; tests call `maintainPositions` with their own clock.
 */
import type { Db } from '../../platform/db.ts';
import { everyInterval } from '../../platform/periodic.ts';
import { getSetting } from '../settings/index.ts';
import { dropExpired, ensureAround } from './partitions.ts';

export async function maintainPositions(db: Db, now: Date): Promise<{ made: string[]; dropped: string[] }> {
  const made = await ensureAround(db, now);
  const days = await getSetting(db, 'gps.retentionDays');
  const dropped = await dropExpired(db, now, days);
  return { made, dropped };
}

export interface MaintenanceLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Runs `maintainPositions` now and every `intervalMs`; returns the stop function (waits for a round in flight). */
export function startGpsMaintenance(
  database: { db: Db },
  log: MaintenanceLog,
  intervalMs = 3_600_000,
  clock: () => Date = () => new Date(),
): () => Promise<void> {
  const round = async () => {
    try {
      const { dropped } = await maintainPositions(database.db, clock());
      if (dropped.length > 0) log.info({ dropped }, 'gps position partitions dropped (retention)');
    } catch (err) {
      log.error({ err }, 'gps partition maintenance failed');
    }
  };
  const first = round();
  const stop = everyInterval(intervalMs, round);
  return async () => {
    await first;
    await stop();
  };
}
