/**
 * The readings' partitions: one per UTC day (`sensor_reading_pYYYYMMDD`, holding [day, day + 1)),
 * made ahead of time and dropped after the retention (setting `sensors.retentionDays`). The same
 * SQL runs on PostgreSQL and on PGlite (PostgreSQL in WebAssembly: declarative partitioning is
 * there too). Dropping a day is one `DROP TABLE`: no row-by-row delete, no bloat, no vacuum.
 *
 * Readings are accepted from MAX_AGE_MS back to MAX_FUTURE_MS ahead (payload.ts), so the days from
 * `DAYS_BEHIND` back to `DAYS_AHEAD` ahead always exist: the maintenance round (hourly, and at
 * start) makes them, and a batch that still meets a missing one (a clock that jumped) makes it and
 * tries again. Several nodes may do this at once: an advisory lock serialises the DDL.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { MAX_AGE_MS, MAX_FUTURE_MS } from './payload.ts';

const DAY_MS = 86_400_000;
export const DAYS_BEHIND = Math.ceil(MAX_AGE_MS / DAY_MS);
export const DAYS_AHEAD = Math.max(2, Math.ceil(MAX_FUTURE_MS / DAY_MS) + 1);
// An arbitrary constant: the advisory lock that makes concurrent partition DDL run one at a time.
const PARTITION_LOCK_KEY = 4_721_004_910;

const NAME = /^sensor_reading_p(\d{4})(\d{2})(\d{2})$/;

/** The UTC day (midnight) holding this instant. */
export const dayOf = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
export const partitionName = (day: Date) =>
  `sensor_reading_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;

/** The days that have a partition, oldest first. */
export async function partitionDays(db: Db): Promise<Date[]> {
  const res = await db.execute<{ name: string }>(
    sql`SELECT c.relname AS name FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'sensor_reading'::regclass`,
  );
  const rows = (res as unknown as { rows: { name: string }[] }).rows;
  return rows
    .map((r) => NAME.exec(r.name))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`))
    .sort((a, b) => a.getTime() - b.getTime());
}

/** Makes the partitions of every UTC day from `from` to `to` (inclusive) that do not exist yet. */
export async function ensurePartitions(db: Db, from: Date, to: Date): Promise<string[]> {
  const wanted: Date[] = [];
  for (let d = dayOf(from).getTime(); d <= dayOf(to).getTime(); d += DAY_MS) wanted.push(new Date(d));
  if (wanted.length > 400) throw new Error(`ensurePartitions: ${wanted.length} days asked for`);
  const have = new Set((await partitionDays(db)).map((d) => d.getTime()));
  if (wanted.every((d) => have.has(d.getTime()))) return [];
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`);
    // Under the lock: another node may have made some meanwhile.
    const now = new Set((await partitionDays(tx)).map((d) => d.getTime()));
    const made: string[] = [];
    for (const day of wanted) {
      if (now.has(day.getTime())) continue;
      const name = partitionName(day);
      const next = new Date(day.getTime() + DAY_MS);
      await tx.execute(
        sql.raw(
          `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF sensor_reading ` +
            `FOR VALUES FROM ('${day.toISOString()}') TO ('${next.toISOString()}')`,
        ),
      );
      made.push(name);
    }
    return made;
  });
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
export async function dropExpiredPartitions(db: Db, now: Date, retentionDays: number): Promise<string[]> {
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  const old = (await partitionDays(db)).filter((d) => d.getTime() + DAY_MS <= cutoff);
  if (old.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`);
    for (const day of old) await tx.execute(sql.raw(`DROP TABLE IF EXISTS "${partitionName(day)}"`));
    return old.map(partitionName);
  });
}
