/**
 * Time series partitioned by UTC day (`<table>_pYYYYMMDD`, each holding [day, day + 1)): the sensors'
 * readings and the GPS positions. The same SQL runs on PostgreSQL and on PGlite (PostgreSQL in
 * WebAssembly: declarative partitioning is there too). Dropping a day past the retention is one
 * `DROP TABLE`: no row-by-row delete, no bloat, no vacuum. Several nodes may make or drop
 * partitions at once: an advisory lock per table serialises the DDL, and each re-reads what
 * exists under it.
 */
import { sql } from 'drizzle-orm';
import { type Db, dbErrorMessage, sqlStateOf } from './db.ts';

export const DAY_MS = 86_400_000;

/** A write failed on a row whose day has no partition yet (make it and write again). */
export const isMissingPartition = (err: unknown) =>
  sqlStateOf(err) === '23514' && /no partition/i.test(dbErrorMessage(err));

/** The UTC day (midnight) holding this instant. */
export const dayOf = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);

export interface DayPartitions {
  partitionName(day: Date): string;
  /** The days that have a partition, oldest first. */
  partitionDays(db: Db): Promise<Date[]>;
  /** Makes the partitions of the UTC days holding these instants that do not exist yet; returns their names. */
  ensureDays(db: Db, instants: readonly Date[]): Promise<string[]>;
  /** Drops the partitions wholly older than `retentionDays` before `now`; returns their names. */
  dropExpired(db: Db, now: Date, retentionDays: number): Promise<string[]>;
}

/**
 * The day partitions of `table` (a constant name of ours, never input), their DDL serialised by
 * the advisory lock `lockKey`; at most `maxDays` made in one call (a bound on a bad clock's ask).
 */
export function dayPartitions(table: string, lockKey: number, maxDays: number): DayPartitions {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`dayPartitions: bad table name ${table}`);
  const NAME = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`);
  const partitionName = (day: Date) => `${table}_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;

  async function partitionDays(db: Db): Promise<Date[]> {
    const res = await db.execute<{ name: string }>(
      sql`SELECT c.relname AS name FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = ${table}::regclass`,
    );
    const rows = (res as unknown as { rows: { name: string }[] }).rows;
    return rows
      .map((r) => NAME.exec(r.name))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`))
      .sort((a, b) => a.getTime() - b.getTime());
  }

  async function ensureDays(db: Db, instants: readonly Date[]): Promise<string[]> {
    const wanted = [...new Set(instants.map((d) => dayOf(d).getTime()))].sort((a, b) => a - b);
    if (wanted.length > maxDays) throw new Error(`${table}: ${wanted.length} day partitions asked for`);
    const have = new Set((await partitionDays(db)).map((d) => d.getTime()));
    if (wanted.every((d) => have.has(d))) return [];
    return db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${lockKey})`);
      // Under the lock: another node may have made some meanwhile.
      const now = new Set((await partitionDays(tx)).map((d) => d.getTime()));
      const made: string[] = [];
      for (const ms of wanted) {
        if (now.has(ms)) continue;
        const day = new Date(ms);
        const name = partitionName(day);
        await tx.execute(
          sql.raw(
            `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF ${table} ` +
              `FOR VALUES FROM ('${day.toISOString()}') TO ('${new Date(ms + DAY_MS).toISOString()}')`,
          ),
        );
        made.push(name);
      }
      return made;
    });
  }

  async function dropExpired(db: Db, now: Date, retentionDays: number): Promise<string[]> {
    // A day is dropped once its end is `retentionDays` old.
    const cutoff = now.getTime() - retentionDays * DAY_MS;
    const old = (await partitionDays(db)).filter((d) => d.getTime() + DAY_MS <= cutoff);
    if (old.length === 0) return [];
    return db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${lockKey})`);
      for (const day of old) await tx.execute(sql.raw(`DROP TABLE IF EXISTS "${partitionName(day)}"`));
      return old.map(partitionName);
    });
  }

  return { partitionName, partitionDays, ensureDays, dropExpired };
}
