/**
 * The positions' partitions: one per UTC day (`gps_position_pYYYYMMDD`, holding [day, day + 1)),
 * made a few days ahead by the maintenance round and dropped whole after the retention (setting
 * `gps.retentionDays`): one `DROP TABLE`, no row-by-row delete, no bloat. The same SQL on
 * PostgreSQL and PGlite (PostgreSQL in WebAssembly: declarative partitioning is there too).
 *
 * A position may be as old as the retention (a terminal's blind-area back-fill, 0x0704, may hold
 * days of fixes), so the days behind are not all made ahead: a batch that meets a day without a
 * partition makes that day's (`ensureDays`) and is written again. Not a DEFAULT partition: rows
 * parked there would have to be moved before their day's partition could be created, and the
 * retention could not drop them by day. Several nodes may do this at once: an advisory lock
 * serialises the DDL.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';

export const DAY_MS = 86_400_000;
/** Days made ahead of today (a fix may be at most MAX_FUTURE_MS ahead of the server's clock). */
export const DAYS_AHEAD = 2;
// An arbitrary constant: the advisory lock that makes concurrent partition DDL run one at a time.
const PARTITION_LOCK_KEY = 4_721_004_911;
const NAME = /^gps_position_p(\d{4})(\d{2})(\d{2})$/;

/** The UTC day (midnight) holding this instant. */
export const dayOf = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
export const partitionName = (day: Date) =>
  `gps_position_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;

/** The days that have a partition, oldest first. */
export async function partitionDays(db: Db): Promise<Date[]> {
  const res = await db.execute<{ name: string }>(
    sql`SELECT c.relname AS name FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'gps_position'::regclass`,
  );
  const rows = (res as unknown as { rows: { name: string }[] }).rows;
  return rows
    .map((r) => NAME.exec(r.name))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`))
    .sort((a, b) => a.getTime() - b.getTime());
}

/** Makes the partitions of these days (any instants: their UTC days) that do not exist yet. */
export async function ensureDays(db: Db, instants: readonly Date[]): Promise<string[]> {
  const wanted = [...new Set(instants.map((d) => dayOf(d).getTime()))].sort((a, b) => a - b);
  if (wanted.length > 4000) throw new Error(`ensureDays: ${wanted.length} days asked for`);
  const have = new Set((await partitionDays(db)).map((d) => d.getTime()));
  if (wanted.every((d) => have.has(d))) return [];
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`);
    // Under the lock: another node may have made some meanwhile.
    const now = new Set((await partitionDays(tx)).map((d) => d.getTime()));
    const made: string[] = [];
    for (const ms of wanted) {
      if (now.has(ms)) continue;
      const day = new Date(ms);
      const name = partitionName(day);
      const next = new Date(ms + DAY_MS);
      await tx.execute(
        sql.raw(
          `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF gps_position ` +
            `FOR VALUES FROM ('${day.toISOString()}') TO ('${next.toISOString()}')`,
        ),
      );
      made.push(name);
    }
    return made;
  });
}

/** Yesterday to DAYS_AHEAD ahead: what live positions need. */
export function ensureAround(db: Db, now: Date): Promise<string[]> {
  const days: Date[] = [];
  for (let i = -1; i <= DAYS_AHEAD; i++) days.push(new Date(now.getTime() + i * DAY_MS));
  return ensureDays(db, days);
}

/**
 * Drops the partitions wholly older than `retentionDays` before `now` (a day is dropped once its
 * end is that old). Returns the names dropped.
 */
export async function dropExpired(db: Db, now: Date, retentionDays: number): Promise<string[]> {
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  const old = (await partitionDays(db)).filter((d) => d.getTime() + DAY_MS <= cutoff);
  if (old.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`);
    for (const day of old) await tx.execute(sql.raw(`DROP TABLE IF EXISTS "${partitionName(day)}"`));
    return old.map(partitionName);
  });
}
