/**
 * Hotline calls (热线受理): the telephony posts a ringing call, which pops the console of the
 * operator signed in at its seat (or of every operator on its line) through the live stream; an
 * operator takes it, sees the caller's earlier calls and reports, answers an enquiry from the
 * knowledge base, or makes a report that goes through the same intake as every channel (channel
 * `hotline`, the caller as the reporter contact), and finishes the call recording what it was.
 * Every step is one transaction with its audit event; the events of a call carry its caller's
 * number masked (the full number stays in the call's row, for the operators).
 */
import { and, count, desc, eq, inArray, ne, type SQL } from 'drizzle-orm';
import { isBlankText } from '../../../common/blank-text.ts';
import { maskName, maskPhone } from '../../../common/contact.ts';
import { normalisePhone, phoneVariants } from '../../../common/hotline.ts';
import { publicStatusOf } from '../../../common/public-report.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { type Db, isUniqueViolation } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { caseFacts, createReport, locateAddress, reportsByPhone } from '../cases/index.ts';
import type { SpatialService } from '../geo/index.ts';
import { accountNames } from '../identity/index.ts';
import { orgRelation } from '../org/index.ts';
import { countAnswered, enabledEntry } from './knowledge.ts';
import { hotlineLines } from './lines.ts';
import { callRead, requireAnswer, requirePost, seesCallerNumber } from './policy.ts';
import type {
  CallFinishBodyT,
  CallListQueryT,
  CallPostBodyT,
  CallReportBodyT,
  VersionBodyT,
} from './schemas.ts';
import { mayTakeAtSeat, targetsOf } from './seats.ts';
import { hotlineCall, knowledgeEntry } from './tables.ts';

export type CallRow = typeof hotlineCall.$inferSelect;

/** Whether a district centre (a district's hotline desk) exists for `districtCode`. */
async function districtCentreExists(db: Db, districtCode: string): Promise<boolean> {
  const [found] = await db
    .select({ id: orgRelation.id })
    .from(orgRelation)
    .where(and(eq(orgRelation.kind, 'district_center'), eq(orgRelation.districtCode, districtCode)))
    .limit(1);
  return found !== undefined;
}

const callNotFound = (id: string) => notFound({ zh: '来电', en: 'Call' }, id);

/** The calls as the console shows them: names, the answering entry, the case's status now. */
export async function toCallDtos(db: Db, actor: Actor, rows: readonly CallRow[]) {
  const full = seesCallerNumber(actor);
  const [names, entries, cases] = await Promise.all([
    accountNames(
      db,
      rows.flatMap((r) => (r.operatorId ? [r.operatorId] : [])),
    ),
    (async () => {
      const ids = [...new Set(rows.flatMap((r) => (r.knowledgeEntryId ? [r.knowledgeEntryId] : [])))];
      if (ids.length === 0) return new Map<string, string>();
      const found = await db
        .select({ id: knowledgeEntry.id, question: knowledgeEntry.question })
        .from(knowledgeEntry)
        .where(inArray(knowledgeEntry.id, ids));
      return new Map(found.map((e) => [e.id, e.question]));
    })(),
    caseFacts(
      db,
      rows.flatMap((r) => (r.caseId ? [r.caseId] : [])),
    ),
  ]);
  return rows.map((r) => {
    const c = r.caseId ? cases.get(r.caseId) : undefined;
    return {
      id: r.id,
      line: r.line,
      callerNumber: full ? r.callerNumber : maskPhone(r.callerNumber),
      callerName: r.callerName === null ? null : full ? r.callerName : maskName(r.callerName),
      seat: r.seat,
      districtCode: r.districtCode,
      status: r.status,
      kind: r.kind,
      note: r.note,
      operator: r.operatorId
        ? { id: r.operatorId, name: names.get(r.operatorId)?.name ?? r.operatorId }
        : null,
      knowledgeEntry: r.knowledgeEntryId
        ? { id: r.knowledgeEntryId, question: entries.get(r.knowledgeEntryId) ?? '' }
        : null,
      case: c
        ? {
            id: c.id,
            code: c.code,
            state: c.state,
            publicStatus: publicStatusOf(c.state),
            closedAt: c.closedAt?.toISOString() ?? null,
          }
        : null,
      reportId: r.reportId,
      // What the operator read out: shown again after a reload of the console.
      trackingCode: (r.reportId && c?.reports.find((x) => x.id === r.reportId)?.trackingCode) || null,
      startedAt: r.startedAt.toISOString(),
      answeredAt: r.answeredAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      hungUpAt: r.hungUpAt?.toISOString() ?? null,
      version: r.version,
    };
  });
}

const one = async (db: Db, actor: Actor, row: CallRow) => (await toCallDtos(db, actor, [row]))[0];

/** What the telephony is told about a call it posted. */
const posted = (r: CallRow, routedTo: number, replayed: boolean) => ({
  id: r.id,
  status: r.status,
  line: r.line,
  seat: r.seat,
  startedAt: r.startedAt.toISOString(),
  routedTo,
  replayed,
});

/**
 * `POST /api/hotline/calls`: a call rings (the telephony's key, `hotline:call`). The line must be
 * one of the hotline's numbers; the caller's number is kept as digits. The call pops the console
 * of the operator signed in at its seat — or, when it names no seat or nobody sits there, of every
 * operator signed in on its line — through the live stream (the `hotline.incoming` event names
 * them). Posting the same `externalId` again is the same call.
 */
export async function postCall(db: Db, ctx: RequestContext, body: CallPostBodyT) {
  requirePost(ctx.actor);
  const callerNumber = normalisePhone(body.callerNumber);
  if (callerNumber.length < 3 || callerNumber.length > 20) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `来电号码应为 3–20 位数字：${body.callerNumber}`,
      en: `The caller's number must have 3–20 digits: ${body.callerNumber}`,
      details: [{ field: 'body.callerNumber', message: 'expected 3–20 digits' }],
    });
  }
  const lines = await hotlineLines(db);
  if (!lines.includes(body.line)) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `不是本市热线号码：${body.line}（可用：${lines.join('、')}）`,
      en: `Not one of the hotline's numbers: ${body.line} (known: ${lines.join(', ')})`,
      details: [{ field: 'body.line', message: `one of ${lines.join(', ')}` }],
    });
  }
  const districtCode = body.districtCode ?? null;
  if (districtCode !== null && !(await districtCentreExists(db, districtCode))) {
    throw new AppError('INVALID_REFERENCE', {
      zh: `没有该区的热线受理中心：${districtCode}`,
      en: `No district centre answers calls for district ${districtCode}`,
      details: [{ field: 'body.districtCode', message: districtCode }],
    });
  }
  const postedBy = ctx.actor.id ?? ctx.actor.name;
  const replay = async () => {
    if (!body.externalId) return undefined;
    const [existing] = await db
      .select()
      .from(hotlineCall)
      .where(and(eq(hotlineCall.postedBy, postedBy), eq(hotlineCall.externalId, body.externalId)));
    if (!existing) return undefined;
    // The same call posted again says the same things; other things under its id are another
    // call (a telephony bug, or ids reused), refused rather than silently answered with the first.
    const differs = (
      [
        ['line', existing.line, body.line],
        ['callerNumber', existing.callerNumber, callerNumber],
        ['seat', existing.seat, body.seat ?? null],
        ['districtCode', existing.districtCode, districtCode],
      ] as const
    ).filter(([, was, now]) => was !== now);
    if (differs.length > 0) {
      const fields = differs.map(([f]) => f);
      throw new AppError('CONFLICT', {
        zh: `externalId ${body.externalId} 已用于另一通来电（${fields.join('、')} 不同）`,
        en: `externalId ${body.externalId} was already used for another call (${fields.join(', ')} differ)`,
        details: fields.map((f) => ({
          field: `body.${f}`,
          message: 'differs from the call first posted with this externalId',
        })),
      });
    }
    return posted(existing, 0, true);
  };
  const again = await replay();
  if (again) return again;
  try {
    return await db.transaction(async (tx) => {
      const targets = await targetsOf(tx, body.line, body.seat, districtCode);
      const [row] = await tx
        .insert(hotlineCall)
        .values({
          line: body.line,
          callerNumber,
          seat: body.seat ?? null,
          districtCode,
          externalId: body.externalId ?? null,
          postedBy,
        })
        .returning();
      await recordEvent(tx, ctx, {
        action: 'hotline.incoming',
        entityType: 'hotline_call',
        entityId: row.id,
        districtCode: row.districtCode,
        after: {
          line: row.line,
          seat: row.seat,
          callerNumber: maskPhone(callerNumber),
          externalId: row.externalId,
          targets,
        },
      });
      return posted(row, targets.length, false);
    });
  } catch (err) {
    // The same call posted twice at once: the unique index let one through; answer with that one.
    if (isUniqueViolation(err)) {
      const raced = await replay();
      if (raced) return raced;
    }
    throw err;
  }
}

/** The call locked for a change; another district's call is a 404 to its `reader`, as if it did not exist. */
async function lockedCall(tx: Db, id: string, reader?: Actor) {
  const [row] = await tx.select().from(hotlineCall).where(eq(hotlineCall.id, id)).for('update');
  if (!row || (reader && !callRead.allows(reader, row))) throw callNotFound(id);
  return row;
}

/** `POST /api/hotline/calls/{id}/hangup`: the telephony says the line hung up; unanswered, the call is missed. */
export async function hangUpCall(db: Db, ctx: RequestContext, id: string): Promise<void> {
  requirePost(ctx.actor);
  await db.transaction(async (tx) => {
    const row = await lockedCall(tx, id);
    if (row.hungUpAt) return;
    const now = new Date();
    const status = row.status === 'ringing' ? 'missed' : row.status;
    // A ringing call that hangs up is missed: the version moves, so a late "answer" is refused.
    // A call already taken stays the operator's to record: the caller hanging up while the operator
    // types is the normal end of a call, not a conflicting change, so the version they hold stands.
    await tx
      .update(hotlineCall)
      .set({ hungUpAt: now, status, version: status === row.status ? row.version : row.version + 1 })
      .where(eq(hotlineCall.id, id));
    await recordEvent(tx, ctx, {
      action: 'hotline.hangup',
      entityType: 'hotline_call',
      entityId: id,
      districtCode: row.districtCode,
      before: { status: row.status },
      after: { status, line: row.line, seat: row.seat, operatorId: row.operatorId },
    });
  });
}

/** Only a person takes calls (a key may read them, never sit at a seat). */
function operatorOf(actor: Actor): string {
  if (actor.type !== 'user' || !actor.id) {
    throw new AppError('FORBIDDEN', {
      zh: '只有话务员本人可以接听和办理来电',
      en: 'Only an operator takes calls',
    });
  }
  return actor.id;
}

function checkVersion(row: CallRow, version: number) {
  if (row.version !== version) {
    throw new AppError('CONFLICT', {
      details: [{ field: 'body.version', message: `current version is ${row.version}` }],
    });
  }
}

/** The call must be the caller's own, taken and not finished yet. */
function mustBeMine(row: CallRow, me: string) {
  if (row.operatorId !== me) {
    throw new AppError('FORBIDDEN', {
      zh: '只有接听该来电的话务员可以办理',
      en: 'Only the operator who took the call may record it',
    });
  }
  if (row.status === 'finished') {
    throw new AppError('CONFLICT', { zh: '该来电已办结', en: 'The call is already finished' });
  }
}

/** `POST /api/hotline/calls/{id}/answer`: the operator takes a ringing call (the first one wins). */
export async function answerCall(db: Db, ctx: RequestContext, id: string, body: VersionBodyT) {
  requireAnswer(ctx.actor);
  const me = operatorOf(ctx.actor);
  const row = await db.transaction(async (tx) => {
    const r = await lockedCall(tx, id, ctx.actor);
    if (r.status === 'answered' && r.operatorId === me) return r;
    if (r.status !== 'ringing') {
      const by = r.operatorId ? (await accountNames(tx, [r.operatorId])).get(r.operatorId)?.name : undefined;
      throw new AppError('CONFLICT', {
        zh: by ? `来电已由${by}接听` : '来电已挂断或已办结',
        en: by ? `The call was taken by ${by}` : 'The call hung up or is finished',
        details: [{ field: 'status', message: r.status }],
      });
    }
    checkVersion(r, body.version);
    await mayTakeAtSeat(tx, r, me);
    const [updated] = await tx
      .update(hotlineCall)
      .set({ status: 'answered', operatorId: me, answeredAt: new Date(), version: r.version + 1 })
      .where(eq(hotlineCall.id, id))
      .returning();
    await recordEvent(tx, ctx, {
      action: 'hotline.answer',
      entityType: 'hotline_call',
      entityId: id,
      districtCode: r.districtCode,
      before: { status: r.status },
      after: { status: 'answered', line: r.line, seat: r.seat, operatorId: me },
    });
    return updated;
  });
  return one(db, ctx.actor, row);
}

/**
 * `POST /api/hotline/calls/{id}/report`: the caller reports a problem. It goes through the intake
 * every channel uses (`createReport`: lookup, routing, duplicates, idempotency), on the channel
 * `hotline` with the caller as the reporter contact, in the call's transaction: the call is linked
 * to the report and its case, and the report's `case.report` event names the call (`origin`), so
 * the case's timeline says which call it came from — one request, one audit event. One report per
 * call (the idempotency key is the call's).
 */
export async function reportFromCall(
  db: Db,
  ctx: RequestContext,
  spatial: SpatialService,
  id: string,
  body: CallReportBodyT,
) {
  requireAnswer(ctx.actor);
  const me = operatorOf(ctx.actor);
  return db.transaction(async (tx) => {
    const row = await lockedCall(tx, id, ctx.actor);
    mustBeMine(row, me);
    checkVersion(row, body.version);
    if (row.reportId) {
      throw new AppError('CONFLICT', {
        zh: '该来电已转上报（一次来电一件上报）',
        en: 'A report was already made on this call (one report per call)',
      });
    }
    const callerName = body.callerName?.trim() || row.callerName || undefined;
    const description = body.description.trim();
    const address = body.address?.trim() || undefined;
    // A caller who names a place but cannot point at it: placed through the address (cases'
    // duplicates.ts: an open case of the type at the same address, else the gazetteer).
    const placed = body.location
      ? null
      : await locateAddress(tx, ctx, spatial, {
          address: address ?? missingPlace(),
          description,
          matterCode: body.matterCode,
        });
    const made = await createReport(tx, ctx, spatial, {
      idempotencyKey: `hotline-call:${row.id}`,
      channel: 'hotline',
      description,
      address,
      location: body.location ?? placed!.location,
      ...(placed?.caseId ? { duplicateOf: placed.caseId } : {}),
      matterCode: body.matterCode,
      photos: body.photos,
      reporter: { name: callerName, phone: row.callerNumber },
      // The report's one event names the call (the case's timeline shows the line it came on).
      origin: { callId: row.id, line: row.line },
    });
    const caseId = made.case?.id ?? null;
    const [updated] = await tx
      .update(hotlineCall)
      .set({
        reportId: made.reportId,
        caseId,
        callerName: callerName ?? null,
        version: row.version + 1,
      })
      .where(eq(hotlineCall.id, id))
      .returning();
    return {
      call: await one(tx, ctx.actor, updated),
      report: {
        reportId: made.reportId,
        trackingCode: made.report.trackingCode,
        merged: made.merged,
        replayed: made.replayed,
        status: made.report.status,
        caseCode: made.case?.code ?? null,
        locatedBy: placed?.by ?? ('point' as const),
        place: placed?.place ?? null,
      },
    };
  });
}

/** Neither a map point nor an address: nothing to place the report by. */
function missingPlace(): never {
  throw new AppError('VALIDATION_FAILED', {
    zh: '请在地图上选点，或填写问题所在的地址',
    en: 'Pick the point on the map, or give the address of the problem',
    details: [{ field: 'body.location', message: 'a map point or an address is required' }],
  });
}

const needs = (field: string, zh: string, en: string) =>
  new AppError('VALIDATION_FAILED', { zh, en, details: [{ field: `body.${field}`, message: en }] });

/**
 * `POST /api/hotline/calls/{id}/finish`: the operator records what the call was and ends it. An
 * enquiry is answered on the spot from a knowledge-base entry (or in the operator's words); a
 * complaint or a suggestion is written down; a report must have been made on the call.
 */
export async function finishCall(db: Db, ctx: RequestContext, id: string, body: CallFinishBodyT) {
  requireAnswer(ctx.actor);
  const me = operatorOf(ctx.actor);
  // A note of only invisible characters says nothing: as if none was written.
  const note = body.note && !isBlankText(body.note) ? body.note.trim() : null;
  const row = await db.transaction(async (tx) => {
    const r = await lockedCall(tx, id, ctx.actor);
    mustBeMine(r, me);
    checkVersion(r, body.version);
    if (body.kind === 'report' && !r.reportId)
      throw needs(
        'kind',
        '请先提交上报，再办结来电',
        'Make the report before finishing the call as a report',
      );
    if (body.kind !== 'report' && r.reportId)
      throw needs(
        'kind',
        '该来电已转上报，应按“反映问题”办结',
        'A report was made on this call: finish it as a report',
      );
    if (body.kind === 'enquiry' && !body.knowledgeEntryId && !note)
      throw needs(
        'note',
        '咨询需选择知识库答复或填写答复内容',
        'An enquiry needs a knowledge-base answer or a note',
      );
    if ((body.kind === 'complaint' || body.kind === 'suggestion') && !note)
      throw needs(
        'note',
        '投诉和建议须记录内容',
        'A complaint or a suggestion needs a note of what was said',
      );
    if (body.knowledgeEntryId && !(await enabledEntry(tx, body.knowledgeEntryId))) {
      throw new AppError('INVALID_REFERENCE', {
        zh: '所选知识条目已停用或不存在，请重新检索后选择，或直接填写答复内容',
        en: 'The chosen knowledge entry is disabled or gone: search again and choose another, or write the answer',
        details: [{ field: 'body.knowledgeEntryId', message: body.knowledgeEntryId }],
      });
    }
    const [updated] = await tx
      .update(hotlineCall)
      .set({
        status: 'finished',
        kind: body.kind,
        note,
        callerName: body.callerName?.trim() || r.callerName,
        knowledgeEntryId: body.knowledgeEntryId ?? null,
        finishedAt: new Date(),
        version: r.version + 1,
      })
      .where(eq(hotlineCall.id, id))
      .returning();
    if (body.kind === 'enquiry' && body.knowledgeEntryId) await countAnswered(tx, body.knowledgeEntryId);
    await recordEvent(tx, ctx, {
      action: 'hotline.finish',
      entityType: 'hotline_call',
      entityId: id,
      districtCode: r.districtCode,
      before: { status: r.status },
      after: {
        status: 'finished',
        kind: body.kind,
        line: r.line,
        seat: r.seat,
        operatorId: me,
        knowledgeEntryId: body.knowledgeEntryId ?? null,
        caseId: r.caseId,
      },
      reason: note,
    });
    return updated;
  });
  return one(db, ctx.actor, row);
}

/** `GET /api/hotline/calls`: newest first, by status, line, caller number, or the caller's own. */
export async function listCalls(db: Db, ctx: RequestContext, q: CallListQueryT) {
  requireAnswer(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const conditions: (SQL | undefined)[] = [
    q.status ? eq(hotlineCall.status, q.status) : undefined,
    q.line ? eq(hotlineCall.line, q.line) : undefined,
    q.caller ? eq(hotlineCall.callerNumber, normalisePhone(q.caller)) : undefined,
    q.mine ? eq(hotlineCall.operatorId, operatorOf(ctx.actor)) : undefined,
    // A district's operators: their district's calls only.
    callRead.filter(ctx.actor),
  ];
  const where = and(...conditions);
  const rows = await db
    .select()
    .from(hotlineCall)
    .where(where)
    .orderBy(desc(hotlineCall.startedAt), desc(hotlineCall.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [{ n }] = await db.select({ n: count() }).from(hotlineCall).where(where);
  return { items: await toCallDtos(db, ctx.actor, rows), total: Number(n), page, pageSize };
}

/** History shown with a call: at most this many earlier calls and reports. */
const HISTORY = 10;

/**
 * `GET /api/hotline/calls/{id}`: the call and its caller's history — their earlier calls to the
 * hotline and their reports on any channel (found by the phone number, as reports keep it), each
 * with its case's public status now.
 */
export async function getCall(db: Db, ctx: RequestContext, id: string) {
  requireAnswer(ctx.actor);
  const [row] = await db.select().from(hotlineCall).where(eq(hotlineCall.id, id));
  if (!row || !callRead.allows(ctx.actor, row)) throw callNotFound(id);
  // The history in the caller's scope: a district's operator sees the caller's earlier calls to
  // its district and reports on its district's cases (the cases module's read rule), nothing else.
  const earlier = await db
    .select()
    .from(hotlineCall)
    .where(
      and(
        eq(hotlineCall.callerNumber, row.callerNumber),
        ne(hotlineCall.id, row.id),
        callRead.filter(ctx.actor),
      ),
    )
    .orderBy(desc(hotlineCall.startedAt), desc(hotlineCall.id))
    .limit(HISTORY);
  const reports = await reportsByPhone(db, ctx.actor, phoneVariants(row.callerNumber), HISTORY);
  const [call, ...calls] = await toCallDtos(db, ctx.actor, [row, ...earlier]);
  return {
    call,
    history: {
      calls,
      reports: reports.map((r) => ({
        reportId: r.reportId,
        trackingCode: r.trackingCode,
        channel: r.channel,
        description: r.description,
        createdAt: r.createdAt.toISOString(),
        case: {
          id: r.caseId,
          code: r.caseCode,
          state: r.state,
          publicStatus: publicStatusOf(r.state),
          closedAt: r.closedAt?.toISOString() ?? null,
        },
      })),
    },
  };
}
