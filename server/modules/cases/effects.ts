/**
 * Carries out the effects a transition declares (common/workflow.ts), inside the transition's
 * transaction: clocks, tasks, pending applications, flags, notifications. Effects that need the
 * event id (deliveries to a unit's own system) are returned to the caller to run after the event
 * is appended.
 */
import { and, eq } from 'drizzle-orm';
import type { TimeUnit } from '../../../common/calendar/index.ts';
import { publicStatusOf } from '../../../common/public-report.ts';
import type { CaseAction, Effect, Notify, Stage, WorkflowInput } from '../../../common/workflow.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { getStandardById, getStandardForFiling } from '../catalog/index.ts';
import { userActor } from '../identity/index.ts';
import { notification } from '../notifications/tables.ts';
import type { StageLimit } from './config.ts';
import { canSeeCase } from './policy.ts';
import * as repo from './repository.ts';
import * as stages from './stages.ts';
import { caseTask, report } from './tables.ts';

type Patch = Partial<repo.CaseRow>;

export interface EffectResult {
  patch: Patch;
  notify: Set<Notify>;
  deliver: boolean;
  /** The reports a merge moved to the surviving case: their reporters are the ones to tell. */
  movedReports?: string[];
}

/** Time limit of the disposal stage: from the standard the case was filed under. */
async function disposeLimit(tx: Db, c: repo.CaseRow, urgency: 'normal' | 'urgent'): Promise<StageLimit> {
  const std = c.standardId ? await getStandardById(tx, c.standardId) : undefined;
  const limit = std?.timeLimits.find((l) => l.areaClass === c.areaClass && l.urgency === urgency);
  if (!limit) {
    throw new AppError('UNPROCESSABLE', {
      zh: '案件没有可用的处置时限（尚未按立结案规范立案）',
      en: 'The case has no disposal time limit (not filed under a disposal standard)',
    });
  }
  return { amount: limit.amount, unit: limit.unit as TimeUnit };
}

async function limitOf(
  tx: Db,
  c: repo.CaseRow,
  stage: Stage,
  clock: stages.Clock,
  urgency: 'normal' | 'urgent',
) {
  if (stage === 'dispose') return disposeLimit(tx, c, urgency);
  return clock.settings.stageLimits[stage];
}

export async function applyEffects(
  tx: Db,
  ctx: RequestContext,
  c: repo.CaseRow,
  action: CaseAction,
  input: WorkflowInput,
  effects: readonly Effect[],
  clock: stages.Clock,
): Promise<EffectResult> {
  const patch: Patch = {};
  const out: EffectResult = { patch, notify: new Set(), deliver: false };
  const current = () => ({ ...c, ...patch }) as repo.CaseRow;
  const pending = { ...c.pending };
  const by = ctx.actor.name;
  const at = clock.now.toISOString();

  for (const e of effects) {
    switch (e.type) {
      case 'startStage':
        await stages.startStage(
          tx,
          c.id,
          e.stage,
          await limitOf(tx, current(), e.stage, clock, current().urgency),
          clock,
        );
        break;
      case 'stopStage':
        await stages.stopStage(tx, c.id, e.stage, clock.now);
        break;
      case 'restartStage':
        await stages.stopStage(tx, c.id, e.stage, clock.now);
        await stages.startStage(
          tx,
          c.id,
          e.stage,
          await limitOf(tx, current(), e.stage, clock, current().urgency),
          clock,
        );
        break;
      case 'stopAllStages':
        await stages.stopStage(tx, c.id, null, clock.now);
        break;
      case 'pauseClock':
        await stages.pauseDispose(tx, c.id, clock.now);
        break;
      case 'resumeClock':
        await stages.resumeDispose(tx, c.id, clock);
        break;
      case 'extendDue': {
        const ext = c.pending.extension;
        if (ext) await stages.extendDispose(tx, c.id, ext.amount, ext.unit as TimeUnit, clock);
        break;
      }
      case 'createTask':
        await tx.insert(caseTask).values({ caseId: c.id, kind: e.task, districtCode: c.districtCode });
        break;
      case 'completeTask':
        await tx
          .update(caseTask)
          .set({
            status: 'done',
            completedAt: clock.now,
            result: action,
            assigneeId: ctx.actor.type === 'user' ? ctx.actor.id : null,
          })
          .where(and(eq(caseTask.caseId, c.id), eq(caseTask.kind, e.task), eq(caseTask.status, 'open')));
        break;
      case 'cancelOpenTasks':
        await tx
          .update(caseTask)
          .set({ status: 'cancelled', completedAt: clock.now })
          .where(and(eq(caseTask.caseId, c.id), eq(caseTask.status, 'open')));
        break;
      case 'setPending':
        if (e.application === 'extension') {
          pending.extension = {
            amount: input.extension!.amount,
            unit: input.extension!.unit,
            reason: input.reason ?? '',
            at,
            by,
          };
        } else {
          pending[e.application] = { reason: input.reason ?? '', at, by };
        }
        patch.pending = { ...pending };
        break;
      case 'clearPending':
        delete pending[e.application];
        patch.pending = { ...pending };
        break;
      case 'setFlag':
        if (e.flag === 'important') patch.important = true;
        if (e.flag === 'act_first') patch.actFirst = true;
        if (e.flag === 'urgent') patch.urgency = 'urgent';
        break;
      case 'setCaseLevel':
        patch.caseLevel = e.level;
        break;
      case 'recordFiling': {
        const std = await getStandardForFiling(tx, input.matterType!);
        if (!std.filingConditions.some((f) => f.id === input.filingConditionId)) {
          throw new AppError('VALIDATION_FAILED', {
            zh: `立案条件不属于该事项的立结案规范：${input.filingConditionId}`,
            en: `Filing condition is not one of this matter type's standard: ${input.filingConditionId}`,
            details: [
              {
                field: 'body.filingConditionId',
                message: `valid: ${std.filingConditions.map((f) => f.id).join(', ')}`,
              },
            ],
          });
        }
        patch.matterKind = 'matter';
        patch.matterCode = input.matterType!;
        patch.standardId = std.id;
        patch.filingConditionId = input.filingConditionId!;
        patch.filedAt = clock.now;
        break;
      }
      case 'recordCheckResult':
        patch.checkResult = e.result;
        break;
      case 'recordRework':
        patch.reworkCount = c.reworkCount + 1;
        patch.checkResult = null;
        break;
      case 'recordUrge':
        patch.urgeCount = c.urgeCount + 1;
        break;
      case 'recordSatisfaction':
        patch.rating = input.rating!;
        break;
      case 'mergeInto': {
        const target = await repo.findCase(tx, input.targetCaseId!, true);
        if (!target || target.id === c.id || target.districtCode !== c.districtCode || target.mergedInto) {
          throw new AppError('VALIDATION_FAILED', {
            zh: '合并目标案件不存在、不在同一区或已被合并',
            en: 'The target case does not exist, is in another district, or is merged itself',
            details: [{ field: 'body.targetCaseId', message: 'invalid target' }],
          });
        }
        const moved = await tx
          .update(report)
          .set({ caseId: target.id, merged: true })
          .where(eq(report.caseId, c.id))
          .returning({ id: report.id });
        out.movedReports = moved.map((m) => m.id);
        patch.mergedInto = target.id;
        break;
      }
      case 'deliverToUnit':
        if (input.unitId) patch.unitId = input.unitId;
        if (action === 'dispatch' || action === 'city_dispatch' || action === 'city_order')
          patch.dispatchedAt = clock.now;
        out.deliver = true;
        break;
      case 'notify':
        out.notify.add(e.who);
        break;
      default:
        // recordVerification, recordSelfDisposal, recordSignedFor, recordCallback, scheduleCallback:
        // the event itself is the record (actor, time, reason, photos).
        break;
    }
  }
  if (
    action === 'close' ||
    action === 'approve_void' ||
    action === 'reject' ||
    action === 'merge_duplicate'
  ) {
    patch.closedAt = clock.now;
  }
  return out;
}

/** Writes one inbox notification per recipient; who is derived from the case and its reporters. */
/** Memo of "users of this organisation with these roles" for a batch (the timer sweeper). */
export type RecipientCache = Map<string, Promise<{ id: string }[]>>;

/** Who a notification goes to, derived from the case, its current unit and its reporters. */
export async function recipientsOf(
  tx: Db,
  c: repo.CaseRow,
  who: Set<Notify>,
  actorId: string | null,
  cache: RecipientCache = new Map(),
): Promise<string[]> {
  const memo = (key: string, load: () => Promise<{ id: string }[]>) => {
    let v = cache.get(key);
    if (!v) {
      v = load();
      cache.set(key, v);
    }
    return v;
  };
  const centreUsers = (level: 'district' | 'city', roles: string[]) =>
    memo(`centre:${level}:${level === 'city' ? '' : c.districtCode}:${roles}`, async () => {
      const centre = await repo.centreOf(tx, level, c.districtCode);
      return centre ? repo.usersWithRoles(tx, [centre.id], roles) : [];
    });
  const userIds = new Set<string>();
  for (const w of who) {
    let rows: { id: string }[] = [];
    if (w === 'unit' || (w === 'handler' && c.unitId)) {
      const unitId = c.unitId;
      rows = unitId
        ? await memo(`unit:${unitId}`, () => repo.usersWithRoles(tx, [unitId], ['unit_handler']))
        : [];
    } else if (w === 'handler' || w === 'dispatcher') rows = await centreUsers(c.caseLevel, ['dispatcher']);
    else if (w === 'shift_leader') rows = await centreUsers(c.caseLevel, ['shift_leader']);
    else if (w === 'acceptor') rows = await centreUsers(c.caseLevel, ['acceptor']);
    else if (w === 'city_center') rows = await centreUsers('city', ['dispatcher']);
    // 'reporters' is not a recipient of the case: see reporterNotifications.
    for (const r of rows) if (r.id !== actorId) userIds.add(r.id);
  }
  return [...userIds];
}

export const notificationRows = (c: repo.CaseRow, userIds: string[], kind: string) =>
  userIds.map((userId) => ({ userId, caseId: c.id, kind, params: { code: c.code, state: c.state } }));

/**
 * What reporters are told, as far as each may see now. A reporter who may open the case (a
 * centre's inspector or acceptor in its district) gets the case's notification like its staff; any
 * other (a unit reporting in the street, a person since moved to another district) gets a notice
 * about their own report — its tracking code and public status — with no case id, code or state.
 * `reportIds`: the reports concerned when they are not the case's own (a merge moved them).
 */
async function reporterNotifications(
  tx: Db,
  c: repo.CaseRow,
  actorId: string | null,
  reportIds: readonly string[] | undefined,
) {
  const caseUsers: string[] = [];
  const reportRows: (typeof notification.$inferInsert)[] = [];
  for (const x of await repo.reportersOf(tx, reportIds ? { reportIds } : { caseId: c.id })) {
    if (x.user.id === actorId) continue;
    if (canSeeCase(userActor(x.user, x.org), x.c)) caseUsers.push(x.user.id);
    else
      reportRows.push({
        userId: x.user.id,
        caseId: null,
        kind: 'report.status',
        params: {
          reportId: x.r.id,
          trackingCode: x.r.trackingCode,
          status: publicStatusOf(x.c.state),
        },
      });
  }
  return { caseUsers, reportRows };
}

/** Writes one inbox notification per recipient, in the caller's transaction. */
export async function sendNotifications(
  tx: Db,
  c: repo.CaseRow,
  who: Set<Notify>,
  kind: string,
  actorId: string | null,
  reportIds?: readonly string[],
) {
  if (who.size === 0) return;
  const userIds = new Set(await recipientsOf(tx, c, who, actorId));
  let reportRows: (typeof notification.$inferInsert)[] = [];
  if (who.has('reporters')) {
    const r = await reporterNotifications(tx, c, actorId, reportIds);
    for (const id of r.caseUsers) userIds.add(id);
    reportRows = r.reportRows;
  }
  const rows = [...notificationRows(c, [...userIds], kind), ...reportRows];
  if (rows.length === 0) return;
  await tx.insert(notification).values(rows);
}
