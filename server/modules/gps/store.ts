/**
 * Writing positions: the one path terminals' and phones' fixes take into `gps_position`. A batch
 * is one INSERT … SELECT FROM json_populate_recordset … ON CONFLICT DO NOTHING (a position sent
 * twice is one row; only the new ones are counted), in statements of at most CHUNK rows; a batch that meets a day without a
 * partition makes it (partitions.ts) and is written again.
 *
 * What may be stored: a fix no older than the retention and no further ahead of the server's
 * clock than MAX_FUTURE_MS (a GNSS fix carries satellite time, so a fix from the future is a
 * clock set in the wrong zone, not a fix); lat/lng finite and on the globe.
 */
import { sql } from 'drizzle-orm';
import { isMissingPartition } from '../../platform/day-partitions.ts';
import type { Db } from '../../platform/db.ts';
import { DAY_MS, ensureDays } from './partitions.ts';
import type { gpsPosition } from './tables.ts';

export type PositionInsert = typeof gpsPosition.$inferInsert;

/** What looks at positions once they are stored (the geofences' and alarms' engine, alarm-engine.ts). */
export interface PositionsObserver {
  afterStore(rows: readonly PositionInsert[]): Promise<void>;
}

/** A fix more than this ahead of the server's clock is refused. */
export const MAX_FUTURE_MS = 10 * 60_000;
/** Rows per INSERT statement (one JSON parameter of about 300 bytes a row). */
const CHUNK = 5000;
/** Bound on a position's extras, as JSON (a terminal's additional items, vendor items kept raw). */
export const MAX_EXTRAS_BYTES = 4096;

export type Refusal = 'future' | 'too_old' | 'bad_value';

/** Why a fix may not be stored, or null when it may. */
export function refusalOf(
  p: { time: Date; lat: number; lng: number },
  now: Date,
  retentionDays: number,
): Refusal | null {
  const t = p.time.getTime();
  if (!Number.isFinite(t)) return 'bad_value';
  if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng) || Math.abs(p.lat) > 90 || Math.abs(p.lng) > 180) {
    return 'bad_value';
  }
  if (t > now.getTime() + MAX_FUTURE_MS) return 'future';
  if (t < now.getTime() - retentionDays * DAY_MS) return 'too_old';
  return null;
}

/** The rows as the JSON array `json_populate_recordset` reads: column names, instants in ISO 8601. */
function rowsJson(rows: readonly PositionInsert[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      terminal_id: r.terminalId ?? null,
      user_id: r.userId ?? null,
      time: r.time,
      received_at: r.receivedAt,
      lat: r.lat,
      lng: r.lng,
      speed: r.speed ?? null,
      direction: r.direction ?? null,
      altitude: r.altitude ?? null,
      alarm: r.alarm ?? null,
      status: r.status ?? null,
      accuracy: r.accuracy ?? null,
      serial: r.serial ?? 0,
      source: r.source,
      extras: r.extras ?? {},
    })),
  );
}

/** Rows a statement changed, whichever driver ran it (node-postgres `rowCount`, PGlite `affectedRows`). */
const changed = (res: unknown) => {
  const r = res as { rowCount?: number | null; affectedRows?: number };
  return Number(r.rowCount ?? r.affectedRows ?? 0);
};

/**
 * Inserts the rows (duplicates skipped); returns how many were new. One statement per CHUNK rows,
 * the rows travelling as one JSON parameter unpacked by `json_populate_recordset` on the table's
 * row type: measured 3–4× the rows per second of a multi-row VALUES with 15 parameters a row on
 * both drivers (bench/results/gps.md), because the server parses one value instead of binding
 * tens of thousands.
 */
export async function insertPositions(db: Db, rows: readonly PositionInsert[]): Promise<number> {
  if (rows.length === 0) return 0;
  const write = async (tx: Db) => {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const res = await tx.execute(sql`
        INSERT INTO gps_position (terminal_id, user_id, time, received_at, lat, lng, speed, direction,
                                  altitude, alarm, status, accuracy, serial, source, extras)
        SELECT terminal_id, user_id, time, received_at, lat, lng, speed, direction,
               altitude, alarm, status, accuracy, serial, source, extras
        FROM json_populate_recordset(NULL::gps_position, ${rowsJson(rows.slice(i, i + CHUNK))}::json)
        ON CONFLICT DO NOTHING`);
      inserted += changed(res);
    }
    return inserted;
  };
  // In a transaction of its own (or the caller's, as a savepoint): a statement that fails on a
  // missing partition leaves nothing behind, and the batch is written again whole.
  try {
    return await db.transaction(write);
  } catch (err) {
    if (!isMissingPartition(err)) throw err;
    await ensureDays(
      db,
      rows.map((r) => r.time as Date),
    );
    return db.transaction(write);
  }
}

/**
 * The terminals' newest fix and when they were heard, in one statement: `seen` is the server's
 * time; a fix older than the stored one leaves it (a back-fill does not move a vehicle back).
 * The registry's version is not touched: it counts people's changes.
 */
export async function touchTerminals(
  db: Db,
  latest: readonly { terminalId: string; time: Date; lat: number; lng: number }[],
  seen: Date,
): Promise<void> {
  if (latest.length === 0) return;
  // Sorted: two batches touching the same terminals lock them in the same order.
  const rows = [...latest].sort((a, b) => (a.terminalId < b.terminalId ? -1 : 1));
  const values = sql.join(
    rows.map(
      (r) =>
        sql`(${r.terminalId}::uuid, ${r.time.toISOString()}::timestamptz, ${r.lat}::float8, ${r.lng}::float8)`,
    ),
    sql`, `,
  );
  await db.execute(sql`
    UPDATE gps_terminal t SET
      last_seen_at = greatest(t.last_seen_at, ${seen.toISOString()}::timestamptz),
      last_position_at = CASE WHEN t.last_position_at IS NULL OR t.last_position_at < v.time THEN v.time ELSE t.last_position_at END,
      last_lat = CASE WHEN t.last_position_at IS NULL OR t.last_position_at < v.time THEN v.lat ELSE t.last_lat END,
      last_lng = CASE WHEN t.last_position_at IS NULL OR t.last_position_at < v.time THEN v.lng ELSE t.last_lng END
    FROM (VALUES ${values}) AS v(id, time, lat, lng)
    WHERE t.id = v.id`);
}

/** A value of a position's extras: what the API's schema (schemas.ts `Extras`) types. */
export type ExtraScalar = number | string | boolean | null;
export type ExtraValue = ExtraScalar | ExtraScalar[] | Record<string, ExtraScalar>;
export const MAX_EXTRAS_KEYS = 64;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Keys the gateway names items by (`mileage`, `0x12`, `vendor_e3` …); anything else is not kept. */
const KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
const keep = (k: string) => KEY.test(k) && !UNSAFE_KEYS.has(k);

const scalar = (v: unknown): ExtraScalar => {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (v === undefined) return null;
  // Deeper than the shape allows: kept, as its JSON text.
  try {
    return JSON.stringify(v) ?? null;
  } catch {
    return null;
  }
};

/**
 * A position's extras in the shape the API types (scalars; lists or one level of named scalars;
 * bytes as hex; anything deeper as its JSON text; keys of letters, digits and `_.:-` only) and
 * within bounds: at most MAX_EXTRAS_KEYS keys and MAX_EXTRAS_BYTES as JSON — beyond, `{ extrasDropped: 'too_large' }`, so a vendor's
 * odd item never costs the fix itself.
 */
export function boundedExtras(
  extras: Record<string, unknown> | undefined | null,
): Record<string, ExtraValue> {
  if (!extras || typeof extras !== 'object' || Array.isArray(extras)) return {};
  const entries = Object.entries(extras);
  if (entries.length > MAX_EXTRAS_KEYS) return { extrasDropped: 'too_large' };
  const out: Record<string, ExtraValue> = {};
  for (const [k, v] of entries) {
    // Keys that could reach an object's prototype are not data.
    if (v === undefined || !keep(k)) continue;
    if (Array.isArray(v)) out[k] = v.slice(0, 256).map(scalar);
    else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
      const inner: Record<string, ExtraScalar> = {};
      for (const [ik, iv] of Object.entries(v as Record<string, unknown>).slice(0, MAX_EXTRAS_KEYS)) {
        if (iv !== undefined && keep(ik)) inner[ik] = scalar(iv);
      }
      out[k] = inner;
    } else out[k] = scalar(v);
  }
  if (Buffer.byteLength(JSON.stringify(out)) > MAX_EXTRAS_BYTES) return { extrasDropped: 'too_large' };
  return out;
}
