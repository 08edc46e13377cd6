/**
 * Cases forwarded to departments' Open311 servers, in SQL: the request each forwarding made there,
 * and the reads of its status. A read is claimed as deliveries are (outbox/queue.ts): due rows of
 * enabled Open311 endpoints are locked with FOR UPDATE SKIP LOCKED and leased by pushing
 * `next_poll_at` forward, so several pollers, in one process or many, never read one request at
 * once; the result is written only under the lease taken.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { type EndpointOptions, forwardedRequest } from './tables.ts';

export type ForwardRow = typeof forwardedRequest.$inferSelect;

/** The newest request this case made at this unit's server, if any. */
export async function latestForward(db: Db, orgId: string, caseId: string): Promise<ForwardRow | undefined> {
  const [row] = await db
    .select()
    .from(forwardedRequest)
    .where(and(eq(forwardedRequest.orgId, orgId), eq(forwardedRequest.caseId, caseId)))
    .orderBy(desc(forwardedRequest.createdAt))
    .limit(1);
  return row;
}

/**
 * Keeps what a department's server answered to a forwarding, with the event that puts it on the
 * case's timeline — once per delivery (a retried delivery whose row exists writes nothing).
 */
export async function recordForward(
  db: Db,
  f: {
    deliveryId: string;
    orgId: string;
    caseId: string;
    districtCode: string | null;
    serviceRequestId: string | null;
    token: string | null;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(forwardedRequest)
      .values({
        deliveryId: f.deliveryId,
        orgId: f.orgId,
        caseId: f.caseId,
        districtCode: f.districtCode,
        serviceRequestId: f.serviceRequestId,
        token: f.token,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return;
    await recordEvent(tx, systemContext('outbox'), {
      action: 'case.forwarded',
      entityType: 'case',
      entityId: f.caseId,
      districtCode: f.districtCode,
      after: { orgId: f.orgId, serviceRequestId: f.serviceRequestId, requestToken: f.token },
    });
  });
}

export interface ClaimedPoll {
  id: string;
  orgId: string;
  caseId: string;
  serviceRequestId: string | null;
  token: string | null;
  status: string | null;
  statusNotes: string | null;
  /** The leased `next_poll_at`, as the database prints it (exact, for the guard). */
  lease: string;
  url: string;
  options: EndpointOptions | null;
  districtCode: string | null;
}

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/** Requests due for a read, at enabled Open311 endpoints, leased for `leaseMs`. */
export async function claimDuePolls(db: Db, limit: number, leaseMs: number): Promise<ClaimedPoll[]> {
  return db.transaction(async (tx) => {
    const res = await tx.execute(sql`
      UPDATE forwarded_request f SET next_poll_at = now() + ${leaseMs} * interval '1 millisecond'
      FROM unit_endpoint e
      WHERE e.org_id = f.org_id AND f.id IN (
        SELECT x.id FROM forwarded_request x
        JOIN unit_endpoint xe ON xe.org_id = x.org_id AND xe.enabled AND xe.sender = 'open311'
        WHERE x.status IS DISTINCT FROM 'closed' AND x.next_poll_at <= now()
        ORDER BY x.next_poll_at
        LIMIT ${limit}
        FOR UPDATE OF x SKIP LOCKED
      )
      RETURNING f.id, f.org_id, f.case_id, f.service_request_id, f.token, f.status, f.status_notes,
        f.next_poll_at::text AS lease, e.url, e.options, f.district_code`);
    return rowsOf<Record<string, unknown>>(res).map((r) => ({
      id: String(r.id),
      orgId: String(r.org_id),
      caseId: String(r.case_id),
      serviceRequestId: r.service_request_id === null ? null : String(r.service_request_id),
      token: r.token === null ? null : String(r.token),
      status: r.status === null ? null : String(r.status),
      statusNotes: r.status_notes === null ? null : String(r.status_notes),
      lease: String(r.lease),
      url: String(r.url),
      options: (typeof r.options === 'string' ? JSON.parse(r.options) : r.options) as EndpointOptions | null,
      districtCode: r.district_code === null ? null : String(r.district_code),
    }));
  });
}

/**
 * A read's result, under the lease: the id a token resolved to, the status and notes now (and,
 * when either changed, the event that puts them on the case's timeline), or the failure; the
 * next read after `nextInMs`. False when the lease was lost (another poller owns the row now).
 */
export async function recordPoll(
  db: Db,
  c: ClaimedPoll,
  r: {
    serviceRequestId?: string | null;
    remote?: { status: string | null; statusNotes: string | null; updatedAt: string | null };
    error?: string;
    nextInMs: number;
  },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const id = r.serviceRequestId ?? c.serviceRequestId;
    const changed =
      r.remote !== undefined && (r.remote.status !== c.status || r.remote.statusNotes !== c.statusNotes);
    const res = await tx.execute(sql`
      UPDATE forwarded_request SET
        service_request_id = ${id},
        status = ${r.remote ? r.remote.status : c.status},
        status_notes = ${r.remote ? r.remote.statusNotes : c.statusNotes},
        remote_updated_at = COALESCE(${r.remote?.updatedAt ?? null}, remote_updated_at),
        last_error = ${r.error ?? null},
        polls = polls + 1,
        next_poll_at = now() + ${Math.round(r.nextInMs)} * interval '1 millisecond',
        updated_at = now()
      WHERE id = ${c.id} AND next_poll_at = ${c.lease}::timestamptz
      RETURNING id`);
    if (rowsOf(res).length !== 1) return false;
    if (changed && r.remote) {
      await recordEvent(tx, systemContext('outbox'), {
        action: 'case.forward_status',
        entityType: 'case',
        entityId: c.caseId,
        districtCode: c.districtCode,
        before: { status: c.status, statusNotes: c.statusNotes },
        after: {
          orgId: c.orgId,
          serviceRequestId: id,
          status: r.remote.status,
          statusNotes: r.remote.statusNotes,
          updatedAt: r.remote.updatedAt,
        },
      });
    }
    return true;
  });
}
