/**
 * The call-back queue (回访): the public reporters of closed cases owed a call, one entry per
 * reporter and closing (each caller of a case other reports were merged into is called), in the
 * caller's scope (`callbackScope`: the city every district's, an acceptor their district's), oldest
 * first; the result heard on the phone (a satisfaction from the source `phone`, which may reopen
 * the case), or a call that did not reach the reporter (noted, the call-back stays pending).
 */
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import { maskName, maskPhone } from '../../../common/contact.ts';
import { CALLBACK_CHANNELS } from '../../../common/satisfaction.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { type CaseReportFacts, caseFacts, caseIdByCode, seesReporterContact } from '../cases/index.ts';
import { callbackScope } from './policy.ts';
import type { CallbackRow } from './repository.ts';
import type { CallbackAttemptBodyT, CallbackListQueryT, CallbackResultBodyT } from './schemas.ts';
import { recordSatisfaction } from './service.ts';
import { callback, satisfaction } from './tables.ts';

const callbackNotFound = (id: string) => notFound({ zh: '回访', en: 'Call-back' }, id);

async function toDtos(db: Db, actor: Actor, rows: readonly CallbackRow[]) {
  const facts = await caseFacts(
    db,
    rows.map((r) => r.caseId),
  );
  const satIds = rows.flatMap((r) => (r.satisfactionId ? [r.satisfactionId] : []));
  const sats = new Map(
    (satIds.length ? await db.select().from(satisfaction).where(inArray(satisfaction.id, satIds)) : []).map(
      (s) => [s.id, s],
    ),
  );
  const full = seesReporterContact(actor);
  const reporterOf = (x: CaseReportFacts) => ({
    reportId: x.id,
    channel: x.channel,
    name: x.reporterName === null ? null : full ? x.reporterName : maskName(x.reporterName),
    phone: x.reporterPhone === null ? null : full ? x.reporterPhone : maskPhone(x.reporterPhone),
    description: x.description,
    reportedAt: x.createdAt.toISOString(),
    merged: x.merged,
  });
  return rows.map((r) => {
    const c = facts.get(r.caseId)!;
    const s = r.satisfactionId ? sats.get(r.satisfactionId) : undefined;
    return {
      id: r.id,
      status: r.status,
      case: {
        id: c.id,
        code: c.code,
        state: c.state,
        description: c.description,
        address: c.address,
        matterCode: c.matterCode,
        districtCode: c.districtCode,
      },
      closedAt: r.caseClosedAt.toISOString(),
      channels: r.channels,
      reporter: reporterOf(c.reports.find((x) => x.id === r.reportId)!),
      reporters: c.reports.filter((x) => CALLBACK_CHANNELS.includes(x.channel)).map(reporterOf),
      attempts: r.attempts,
      lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
      lastAttemptNote: r.lastAttemptNote,
      satisfaction: s
        ? { result: s.result, note: s.note, source: s.source, at: s.createdAt.toISOString() }
        : null,
      reopened: s?.reopened ?? false,
      createdAt: r.createdAt.toISOString(),
      completedAt: r.completedAt?.toISOString() ?? null,
    };
  });
}

/** `GET /api/callbacks`: pending ones oldest first (who has waited longest), done ones newest first. */
export async function listCallbacks(db: Db, ctx: RequestContext, q: CallbackListQueryT) {
  callbackScope.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const status = q.status ?? 'pending';
  const caseId = q.caseCode ? await caseIdByCode(db, q.caseCode.trim()) : undefined;
  if (q.caseCode && !caseId) return { items: [], total: 0, page, pageSize };
  const where = and(
    callbackScope.filter(ctx.actor),
    eq(callback.status, status),
    caseId ? eq(callback.caseId, caseId) : undefined,
  );
  const rows = await db
    .select()
    .from(callback)
    .where(where)
    .orderBy(
      ...(status === 'pending'
        ? [asc(callback.createdAt), asc(callback.id)]
        : [desc(callback.completedAt), desc(callback.id)]),
    )
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [{ n }] = await db.select({ n: count() }).from(callback).where(where);
  return { items: await toDtos(db, ctx.actor, rows), total: Number(n), page, pageSize };
}

/** The call-back, if the caller may call it back (404 otherwise: another district's does not exist). */
async function visibleCallback(db: Db, actor: Actor, id: string, forUpdate = false) {
  callbackScope.requirePermission(actor);
  const q = db.select().from(callback).where(eq(callback.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row || !callbackScope.allows(actor, row)) throw callbackNotFound(id);
  return row;
}

const alreadyDone = () =>
  new AppError('CONFLICT', { zh: '该案件已回访', en: 'This call-back is already done' });

export async function getCallback(db: Db, ctx: RequestContext, id: string) {
  const row = await visibleCallback(db, ctx.actor, id);
  return (await toDtos(db, ctx.actor, [row]))[0];
}

/**
 * `POST /api/callbacks/{id}/result`: what the reporter said on the phone — a satisfaction of the
 * source `phone` (recordSatisfaction: completes the call-back, 不满意 reopens the case when the
 * setting says so), all in one transaction.
 */
export async function recordCallbackResult(
  db: Db,
  ctx: RequestContext,
  id: string,
  body: CallbackResultBodyT,
) {
  const outcome = await db.transaction(async (tx) => {
    const row = await visibleCallback(tx, ctx.actor, id, true);
    if (row.status !== 'pending') throw alreadyDone();
    return recordSatisfaction(tx, ctx, {
      caseId: row.caseId,
      result: body.result,
      note: body.note,
      source: 'phone',
      callbackId: row.id,
    });
  });
  return {
    callback: await getCallback(db, ctx, id),
    reopened: outcome.reopened,
    keptClosed: outcome.keptClosed,
  };
}

/** `POST /api/callbacks/{id}/attempts`: the reporter was not reached; noted, still pending. */
export async function recordAttempt(db: Db, ctx: RequestContext, id: string, body: CallbackAttemptBodyT) {
  await db.transaction(async (tx) => {
    const row = await visibleCallback(tx, ctx.actor, id, true);
    if (row.status !== 'pending') throw alreadyDone();
    const now = new Date();
    const note = body.note.trim();
    await tx
      .update(callback)
      .set({ attempts: row.attempts + 1, lastAttemptAt: now, lastAttemptNote: note })
      .where(eq(callback.id, id));
    await recordEvent(tx, ctx, {
      action: 'callback.attempt',
      entityType: 'case',
      entityId: row.caseId,
      districtCode: row.districtCode,
      after: { callbackId: id, attempts: row.attempts + 1 },
      reason: note,
    });
  });
  return getCallback(db, ctx, id);
}
