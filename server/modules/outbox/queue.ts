/**
 * The delivery queue in SQL. A claim is one short transaction: due rows of enabled endpoints are
 * locked with FOR UPDATE SKIP LOCKED (so several workers, in one process or many, never take the
 * same row) and leased by pushing `next_attempt_at` forward. The HTTP call happens after commit;
 * its result is written only if the lease is still the one this worker took, so a worker that
 * outlived its lease cannot overwrite a newer attempt. A worker that dies mid-call leaves the row
 * to be claimed again when the lease runs out.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import type { EndpointOptions } from './tables.ts';

export interface Claimed {
  id: string;
  eventId: number;
  orgId: string;
  caseId: string | null;
  attempts: number;
  /** The leased `next_attempt_at`, as the database prints it (exact, for the guard). */
  lease: string;
  url: string;
  secret: string;
  /** The endpoint's sender kind (outbox/senders) and its options. */
  sender: string;
  options: EndpointOptions | null;
  districtCode: string | null;
}

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

export async function claimDue(db: Db, limit: number, leaseMs: number): Promise<Claimed[]> {
  return db.transaction(async (tx) => {
    const res = await tx.execute(sql`
      UPDATE delivery d SET next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
      FROM unit_endpoint e, org o
      WHERE e.org_id = d.org_id AND o.id = d.org_id AND d.id IN (
        SELECT x.id FROM delivery x
        JOIN unit_endpoint xe ON xe.org_id = x.org_id AND xe.enabled
        WHERE x.status = 'pending' AND x.next_attempt_at <= now()
        ORDER BY x.next_attempt_at
        LIMIT ${limit}
        FOR UPDATE OF x SKIP LOCKED
      )
      RETURNING d.id, d.event_id, d.org_id, d.case_id, d.attempts, d.next_attempt_at::text AS lease,
        e.url, e.secret, e.sender, e.options, o.district_code`);
    return rowsOf<Record<string, unknown>>(res).map((r) => ({
      id: String(r.id),
      eventId: Number(r.event_id),
      orgId: String(r.org_id),
      caseId: r.case_id === null ? null : String(r.case_id),
      attempts: Number(r.attempts),
      lease: String(r.lease),
      url: String(r.url),
      secret: String(r.secret),
      sender: String(r.sender),
      options: (typeof r.options === 'string' ? JSON.parse(r.options) : r.options) as EndpointOptions | null,
      districtCode: r.district_code === null ? null : String(r.district_code),
    }));
  });
}

export async function markDelivered(db: Db, c: Claimed): Promise<boolean> {
  const res = await db.execute(sql`
    UPDATE delivery SET status = 'delivered', attempts = attempts + 1, delivered_at = now(), last_error = NULL
    WHERE id = ${c.id} AND status = 'pending' AND next_attempt_at = ${c.lease}::timestamptz
    RETURNING id`);
  return rowsOf(res).length === 1;
}

/** A failed attempt: retried after `delayMs`, or dead when `dead`. */
export async function markFailed(db: Db, c: Claimed, error: string, delayMs: number, dead: boolean) {
  const res = await db.execute(sql`
    UPDATE delivery SET attempts = attempts + 1, last_error = ${error.slice(0, 1000)},
      status = ${dead ? 'dead' : 'pending'},
      next_attempt_at = now() + ${Math.round(delayMs)} * interval '1 millisecond'
    WHERE id = ${c.id} AND status = 'pending' AND next_attempt_at = ${c.lease}::timestamptz
    RETURNING id`);
  return rowsOf(res).length === 1;
}

/** Milliseconds until the next pending delivery of an enabled endpoint is due (0: due now), or null. */
export async function nextDueInMs(db: Db): Promise<number | null> {
  const res = await db.execute(sql`
    SELECT (extract(epoch FROM (min(d.next_attempt_at) - now())) * 1000)::float8 AS ms
    FROM delivery d JOIN unit_endpoint e ON e.org_id = d.org_id AND e.enabled
    WHERE d.status = 'pending'`);
  const ms = rowsOf<{ ms: number | string | null }>(res)[0]?.ms;
  // No pending row: min() is NULL (and greatest() would have turned that into 0).
  return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
}
