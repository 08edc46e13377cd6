/**
 * Satisfaction (满意度) of closed cases, from every source: the operator's call-back, the public
 * portal, an Open311 client. Recording one completes the case's pending call-back and, when the
 * reporter is dissatisfied and the city setting says so, reopens the case through the case loop —
 * all in the caller's transaction, with the satisfaction's event on the case's timeline.
 */
import { eq } from 'drizzle-orm';
import { isBlankText } from '../../../common/blank-text.ts';
import {
  SATISFACTION_NOTE_MAX,
  SATISFACTION_RESULTS,
  SATISFACTION_SOURCES,
  type SatisfactionResult,
  type SatisfactionSource,
} from '../../../common/satisfaction.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import { type Db, isUniqueViolation } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { caseFacts, reopenCase } from '../cases/index.ts';
import { getSetting } from '../settings/index.ts';
import { authoriseRating, normaliseTrackingCode } from './policy.ts';
import * as repo from './repository.ts';
import { callback, satisfaction } from './tables.ts';

export interface SatisfactionInput {
  caseId: string;
  result: SatisfactionResult;
  note?: string;
  source: SatisfactionSource;
  /**
   * The tracking code (查询码) of the reporter's report: the public portal's right to rate
   * (required for `source: 'portal'`, ignored otherwise).
   */
  trackingCode?: string;
  /**
   * The call-back the phone's result answers (the queue's entry: one reporter). Without it, the
   * phone's result answers the closing's oldest pending call-back.
   */
  callbackId?: string;
}

function invalid(field: string, zh: string, en: string): AppError {
  return new AppError('VALIDATION_FAILED', { zh, en, details: [{ field, message: en }] });
}

/** The input's own checks, before anything is read (callers outside HTTP get the same words). */
function checkInput(input: SatisfactionInput): string | null {
  if (!(SATISFACTION_RESULTS as readonly string[]).includes(input.result))
    throw invalid(
      'result',
      `满意度结果无效：${input.result}`,
      `Unknown satisfaction result: ${input.result}`,
    );
  if (!(SATISFACTION_SOURCES as readonly string[]).includes(input.source))
    throw invalid('source', `评价来源无效：${input.source}`, `Unknown satisfaction source: ${input.source}`);
  // A note of only invisible characters (a zero-width space) says nothing: as if none was written.
  const note = input.note && !isBlankText(input.note) ? input.note.trim() : null;
  if (note && [...note].length > SATISFACTION_NOTE_MAX)
    throw invalid(
      'note',
      `说明不能超过 ${SATISFACTION_NOTE_MAX} 个字`,
      `The note may be at most ${SATISFACTION_NOTE_MAX} characters`,
    );
  return note;
}

const alreadyRated = (source: SatisfactionSource) =>
  new AppError('DUPLICATE', {
    zh: `该案件本次办结已有${source === 'phone' ? '回访' : '公众'}评价`,
    en: `This closing of the case has already been rated from ${source}`,
    details: [{ field: 'source', message: source }],
  });

/**
 * The pending call-back a satisfaction completes: the one named (the phone's queue entry), the
 * one of the report whose tracking code rates on the portal, or — the phone without a name —
 * the closing's oldest. A named one of another case or closing, or done, is refused.
 */
async function pendingCallbackFor(
  tx: Db,
  input: SatisfactionInput,
  caseId: string,
  closedAt: Date,
  reports: readonly { id: string; trackingCode: string }[],
) {
  if (input.callbackId) {
    const named = await repo.callbackForUpdate(tx, input.callbackId);
    if (!named || named.caseId !== caseId || named.status !== 'pending') {
      throw new AppError('CONFLICT', { zh: '该回访已完成', en: 'This call-back is already done' });
    }
    if (named.caseClosedAt.getTime() !== closedAt.getTime()) {
      throw new AppError('CONFLICT', {
        zh: '案件在此回访之后已重新办理并再次结案，请按新的回访记录办理',
        en: 'The case was reopened and closed again since this call-back; use the call-back of the new closing',
      });
    }
    return named;
  }
  if (input.source === 'portal') {
    const code = input.trackingCode ? normaliseTrackingCode(input.trackingCode) : undefined;
    const own = reports.find((r) => r.trackingCode === code);
    if (!own) return undefined;
    // One answer per reporter and closing: a reporter the call-back already heard does not rate
    // again on the portal (two results of one person would both count in evaluation).
    const theirs = await repo.callbackOfReport(tx, caseId, closedAt, own.id);
    if (theirs && theirs.status === 'done') {
      // Named by what answered it: the call-back completed by an earlier portal rating is the
      // portal's, not the phone's (the rater is told where their first answer came from).
      const first = theirs.satisfactionId
        ? await repo.satisfactionSourceOf(tx, theirs.satisfactionId)
        : undefined;
      throw alreadyRated(first ?? 'phone');
    }
    return repo.pendingCallbackOf(tx, caseId, closedAt, own.id);
  }
  if (input.source === 'phone') return repo.pendingCallbackOf(tx, caseId, closedAt);
  return undefined;
}

/**
 * Records a reporter's satisfaction with a closed case, in the caller's transaction (a savepoint
 * when `db` is one); completes the case's pending call-back; 'dissatisfied' reopens the case when
 * the city setting `callback.reopenOnDissatisfied` says so. Refuses (4xx) a case that is not
 * closed, or whose closing was already rated from that source.
 */
/**
 * Why a 不满意 did not reopen the case: the city's setting is off; this self-service source already
 * reopened it once; the case was fixed on the spot and never filed (the transition table's guard).
 */
export type KeptClosed = 'setting_off' | 'reopened_once' | 'never_filed';

export async function recordSatisfaction(
  db: Db,
  ctx: RequestContext,
  input: SatisfactionInput,
): Promise<{ id: string; reopened: boolean; keptClosed: KeptClosed | null }> {
  const note = checkInput(input);
  try {
    return await db.transaction(async (tx) => {
      const c = (await caseFacts(tx, [input.caseId], { lock: true })).get(input.caseId);
      authoriseRating(ctx.actor, input.source, c, input.caseId, input.trackingCode);
      if (c.state !== 'closed' || !c.closedAt) {
        throw new AppError('UNPROCESSABLE', {
          zh: '案件尚未结案，不能评价',
          en: 'The case is not closed; it cannot be rated yet',
          details: [{ field: 'caseId', message: `state ${c.state}` }],
        });
      }
      const pending = await pendingCallbackFor(tx, input, c.id, c.closedAt, c.reports);
      // The phone rates per call-back (each merged caller is heard); other sources once a closing.
      if (!(input.source === 'phone' && pending)) {
        if (await repo.findSatisfaction(tx, c.id, input.source, c.closedAt)) throw alreadyRated(input.source);
      }
      const [row] = await tx
        .insert(satisfaction)
        .values({
          caseId: c.id,
          caseClosedAt: c.closedAt,
          districtCode: c.districtCode,
          unitId: c.unitId,
          source: input.source,
          result: input.result,
          note,
          callbackId: pending?.id ?? null,
          recordedBy: ctx.actor.type === 'anonymous' ? null : ctx.actor.id,
        })
        .returning();
      if (pending) {
        await tx
          .update(callback)
          .set({ status: 'done', completedAt: row.createdAt, satisfactionId: row.id })
          .where(eq(callback.id, pending.id));
      }
      // On the case's timeline, before the reopening it may cause.
      await recordEvent(tx, ctx, {
        action: 'satisfaction.record',
        entityType: 'case',
        entityId: c.id,
        districtCode: c.districtCode,
        after: {
          state: c.state,
          satisfactionId: row.id,
          result: input.result,
          source: input.source,
          callbackId: pending?.id ?? null,
          note,
        },
        reason: note,
      });
      let reopened = false;
      // Why a 不满意 left the case closed, for the one who recorded it to read (null otherwise).
      let keptClosed: KeptClosed | null = null;
      // A self-service source (the portal's code holder, an Open311 client) reopens a case once:
      // a second 不满意 after the next closing is recorded and counts, but the case stays closed —
      // whoever holds a code cannot keep a case open forever; the centre's phone call-back, a
      // person's judgement, may reopen it again.
      const mayReopen = input.source === 'phone' || !(await repo.reopenedBySource(tx, c.id, input.source));
      const settingOn =
        input.result === 'dissatisfied' && (await getSetting(tx, 'callback.reopenOnDissatisfied'));
      if (input.result === 'dissatisfied') {
        if (!settingOn) keptClosed = 'setting_off';
        else if (!mayReopen) keptClosed = 'reopened_once';
      }
      if (input.result === 'dissatisfied' && mayReopen && settingOn) {
        const r = await reopenCase(tx, c.id, {
          reason: note ?? '回访不满意 / reporter dissatisfied',
          cause: { satisfactionId: row.id, source: input.source, result: input.result },
        });
        reopened = r.reopened;
        // The table keeps a case fixed on the spot closed: it was never filed, nothing to dispatch.
        if (!reopened) keptClosed = 'never_filed';
        if (reopened) {
          await tx.update(satisfaction).set({ reopened: true }).where(eq(satisfaction.id, row.id));
          // The other reporters of this closing are called after the next one (a call-back each
          // then): a call now would ask about a closing that no longer stands.
          await repo.dropPendingCallbacks(tx, c.id, c.closedAt);
        }
      }
      return { id: row.id, reopened, keptClosed };
    });
  } catch (err) {
    // Two ratings from one source at once: the unique index let one through.
    if (isUniqueViolation(err)) throw alreadyRated(input.source);
    throw err;
  }
}

/**
 * The satisfaction of the case's current closing (the latest, from any source), or null — also
 * while the case is open, or closed anew after a reopening and not rated again: what the portal
 * and the case page show, and whether the reporter may still rate.
 */
export async function satisfactionOf(
  db: Db,
  caseId: string,
): Promise<{
  result: SatisfactionResult;
  note: string | null;
  source: SatisfactionSource;
  at: string;
} | null> {
  const c = (await caseFacts(db, [caseId])).get(caseId);
  if (!c?.closedAt) return null;
  const row = await repo.latestSatisfaction(db, caseId, c.closedAt);
  return row
    ? { result: row.result, note: row.note, source: row.source, at: row.createdAt.toISOString() }
    : null;
}
