/**
 * Carries out a plan (plan.ts) inside the transition's transaction: the references it names
 * (filing standard, merge target), clocks, tasks, the case row, then the event, published with its
 * subject — the unit it goes to and the notices to the people the plan names — to the subscribers
 * that write the inbox and queue the delivery to the unit's own system
 * (server/platform/subscribers.ts), in the same transaction.
 */
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { TimeUnit } from '../../../common/calendar/index.ts';
import type { CaseEventAction, Notice } from '../../../common/events.ts';
import { publicStatusOf } from '../../../common/public-report.ts';
import { type Notify, waitingOn } from '../../../common/workflow.ts';
import type { EventInput } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { emit } from '../../platform/subscribers.ts';
import { getStandardById, getStandardForFiling } from '../catalog/index.ts';
import { userActor } from '../identity/index.ts';
import type { StageLimit } from './config.ts';
import {
  type FilingRecord,
  filingOutcome,
  type Plan,
  type PlannedLimit,
  type PlanPatch,
  type StageOp,
  type TaskOp,
} from './plan.ts';
import { canSeeCase } from './policy.ts';
import * as repo from './repository.ts';
import * as stages from './stages.ts';
import { caseFile, caseTask, report } from './tables.ts';

/** Time limit of the disposal stage: from the standard the case was filed under. */
async function disposeLimit(tx: Db, c: repo.CaseRow): Promise<StageLimit> {
  const std = c.standardId ? await getStandardById(tx, c.standardId) : undefined;
  const limit = std?.timeLimits.find((l) => l.areaClass === c.areaClass && l.urgency === c.urgency);
  if (!limit) {
    throw new AppError('UNPROCESSABLE', {
      zh: '案件没有可用的处置时限（尚未按立结案规范立案）',
      en: 'The case has no disposal time limit (not filed under a disposal standard)',
    });
  }
  return { amount: limit.amount, unit: limit.unit as TimeUnit };
}

/** A planned limit as the applier uses it: the disposal one looked up for the case `c`. */
export const resolveLimit = async (tx: Db, c: repo.CaseRow, limit: PlannedLimit) =>
  limit === 'disposal' ? disposeLimit(tx, c) : limit;

/**
 * The stage operations of a plan, in order; `c` is the case as the plan leaves it. Returns the ids
 * of the stages it stopped, for `markEnded` once the transition's event is known.
 */
export async function applyStages(
  tx: Db,
  c: repo.CaseRow,
  ops: readonly StageOp[],
  clock: stages.Clock,
): Promise<string[]> {
  const stopped: string[] = [];
  for (const op of ops) {
    switch (op.op) {
      case 'start':
        await stages.startStage(tx, c.id, op.stage, await resolveLimit(tx, c, op.limit), clock);
        break;
      case 'stop':
        stopped.push(...(await stages.stopStage(tx, c.id, op.stage, clock.now)));
        break;
      case 'pauseDispose':
        await stages.pauseDispose(tx, c.id, clock.now);
        break;
      case 'resumeDispose':
        await stages.resumeDispose(tx, c.id, clock);
        break;
      case 'extendDispose':
        await stages.extendDispose(tx, c.id, op.amount, op.unit, clock);
        break;
      default:
        op satisfies never;
    }
  }
  return stopped;
}

async function applyTasks(tx: Db, c: repo.CaseRow, ops: readonly TaskOp[], now: Date) {
  for (const op of ops) {
    switch (op.op) {
      case 'create':
        await tx.insert(caseTask).values({ caseId: c.id, kind: op.task, districtCode: c.districtCode });
        break;
      case 'complete':
        await tx
          .update(caseTask)
          .set({ status: 'done', completedAt: now, result: op.result, assigneeId: op.assigneeId })
          .where(and(eq(caseTask.caseId, c.id), eq(caseTask.kind, op.task), eq(caseTask.status, 'open')));
        break;
      case 'cancelOpen':
        await tx
          .update(caseTask)
          .set({ status: 'cancelled', completedAt: now })
          .where(and(eq(caseTask.caseId, c.id), eq(caseTask.status, 'open')));
        break;
      default:
        op satisfies never;
    }
  }
}

/**
 * Filing: the condition must be one of the matter type's standard; the case takes that standard,
 * and becomes urgent when the condition says so.
 */
async function filing(tx: Db, filing: NonNullable<Plan['filing']>, now: Date) {
  const std = await getStandardForFiling(tx, filing.matterType);
  const outcome = filingOutcome(std, filing, now);
  if (!outcome) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `立案条件不属于该事项的立结案规范：${filing.filingConditionId}`,
      en: `Filing condition is not one of this matter type's standard: ${filing.filingConditionId}`,
      details: [
        {
          field: 'body.filingConditionId',
          message: `valid: ${std.filingConditions.map((f) => f.id).join(', ')}`,
        },
      ],
    });
  }
  return outcome;
}

/** Merging: the target must be another live case of the same district; its reporters come along. */
async function mergeInto(tx: Db, c: repo.CaseRow, targetId: string) {
  const target = await repo.findCase(tx, targetId, true);
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
  return { mergedInto: target.id, movedReports: moved.map((m) => m.id) };
}

/** What applying a plan found out that the event records besides the case row. */
export interface AppliedFacts {
  /** Filing: the condition chosen, in the words of the standard's version. */
  filing?: FilingRecord;
}

export interface ApplyOptions {
  /** The event of the transition (`case.<action>`) for the case as the plan leaves it. */
  event: (after: repo.CaseRow, facts: AppliedFacts) => EventInput & { action: CaseEventAction };
}

/**
 * The event of one transition of the case `c`: its state, version, unit and pending before and
 * after, plus what the step itself records (`extra`: input, cause, filing …).
 */
export function transitionEvent(
  c: repo.CaseRow,
  action: CaseEventAction,
  after: repo.CaseRow,
  extra: Record<string, unknown>,
  reason: string | null,
): EventInput & { action: CaseEventAction } {
  return {
    action,
    entityType: 'case',
    entityId: c.id,
    districtCode: c.districtCode,
    before: { state: c.state, version: c.version, unitId: c.unitId, pending: c.pending },
    after: {
      state: after.state,
      version: after.version,
      unitId: after.unitId,
      pending: after.pending,
      ...extra,
    },
    reason,
  };
}

/**
 * Applies a plan to the case `c` (read FOR UPDATE at `c.version`) and returns the case after it.
 * A concurrent change of the row (the version moved) is a CONFLICT.
 */
export async function applyPlan(
  tx: Db,
  ctx: RequestContext,
  c: repo.CaseRow,
  plan: Plan,
  clock: stages.Clock,
  options: ApplyOptions,
): Promise<repo.CaseRow> {
  const patch: Partial<repo.CaseRow> & PlanPatch = { ...plan.patch };
  const facts: AppliedFacts = {};
  if (plan.filing) {
    const filed = await filing(tx, plan.filing, clock.now);
    Object.assign(patch, filed.patch);
    facts.filing = filed.record;
  }
  const stopped = await applyStages(tx, { ...c, ...patch }, plan.stages, clock);
  await applyTasks(tx, c, plan.tasks, clock.now);
  let movedReports: string[] | undefined;
  if (plan.mergeInto) {
    const merged = await mergeInto(tx, c, plan.mergeInto);
    patch.mergedInto = merged.mergedInto;
    movedReports = merged.movedReports;
  }
  const [updated] = await tx
    .update(caseFile)
    .set({ ...patch, version: c.version + 1, updatedAt: clock.now })
    .where(and(eq(caseFile.id, c.id), eq(caseFile.version, c.version)))
    .returning();
  if (!updated) throw new AppError('CONFLICT');
  await stages.refreshCurrent(tx, c.id, clock);
  const after = (await repo.findCase(tx, c.id))!;
  const event = options.event(after, facts);
  // The stages this transition ended carry it as their decision (what 综合评价 counts per post).
  await stages.markEnded(tx, stopped, event.action, ctx.actor.id ?? null);
  const subject = {
    caseId: c.id,
    deliverTo: plan.deliver ? after.unitId : null,
    notices: await noticesOf(tx, after, new Set(plan.notify), event.action, ctx.actor.id, movedReports),
  };
  if (isFiling(event)) {
    // Filing tells its subscribers what was filed: the words and the type chosen for them.
    await emit(tx, ctx, event, {
      ...subject,
      filed: {
        description: after.description,
        matterCode: after.matterCode!,
        previousMatterCode: c.matterCode,
        districtCode: after.districtCode,
      },
    });
  } else {
    await emit(tx, ctx, event, subject);
  }
  return after;
}

const isFiling = (e: EventInput & { action: CaseEventAction }): e is EventInput & { action: 'case.file' } =>
  e.action === 'case.file';

/** Memo of "users of this organisation with these roles" for a batch (the timer sweeper). */
export type RecipientCache = Map<string, Promise<{ id: string }[]>>;

/**
 * Who a notification goes to, derived from the case: its current unit, the centre roles named,
 * (`handler`) whoever the case waits on now, or (`inspector`) the inspector its field task goes
 * to — never anyone outside the case's district and level.
 */
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
  const unitUsers = () => {
    const unitId = c.unitId;
    return unitId ? memo(`unit:${unitId}`, () => repo.usersWithRoles(tx, [unitId], ['unit_handler'])) : [];
  };
  const userIds = new Set<string>();
  const add = (rows: { id: string }[]) => {
    for (const r of rows) if (r.id !== actorId) userIds.add(r.id);
  };
  for (const w of who) {
    if (w === 'handler') {
      // Whoever the case waits on now, by the table (the same owners as the work queues).
      for (const x of waitingOn(c)) {
        if (x.at === 'unit') add(x.role === 'unit_handler' ? await unitUsers() : []);
        else add(await centreUsers(x.at, [x.role]));
      }
    } else if (w === 'unit') add(await unitUsers());
    else if (w === 'dispatcher') add(await centreUsers(c.caseLevel, ['dispatcher']));
    else if (w === 'shift_leader') add(await centreUsers(c.caseLevel, ['shift_leader']));
    else if (w === 'acceptor') add(await centreUsers(c.caseLevel, ['acceptor']));
    else if (w === 'city_center') add(await centreUsers('city', ['dispatcher']));
    else if (w === 'inspector')
      add(await fieldInspector(tx, c, await centreUsers('district', ['inspector'])));
    // 'reporters' is not a recipient of the case: see reporterNotifications.
  }
  return [...userIds];
}

/**
 * The inspector a field task of the case goes to (Notify `inspector`), of the district's
 * inspectors `pool`: the one who last worked the case in the field (the latest verification or
 * check done), else its reporter; the whole pool only when neither is one of them (the case has no
 * inspector of its own, so the task is the district's to take).
 */
async function fieldInspector(tx: Db, c: repo.CaseRow, pool: { id: string }[]): Promise<{ id: string }[]> {
  const inPool = (id: string | null | undefined) => pool.find((u) => u.id === id);
  const [last] = await tx
    .select({ id: caseTask.assigneeId })
    .from(caseTask)
    .where(and(eq(caseTask.caseId, c.id), eq(caseTask.status, 'done'), isNotNull(caseTask.assigneeId)))
    .orderBy(desc(caseTask.completedAt))
    .limit(1);
  const one = inPool(last?.id) ?? inPool(c.createdBy);
  return one ? [one] : pool;
}

/**
 * The notices of the case to these users: its code and state as they are now; `group` when
 * repeats are to count on one unread row (stage warnings, `stageNoticeGroup`).
 */
export const notificationRows = (
  c: repo.CaseRow,
  userIds: string[],
  kind: string,
  group?: string,
): Notice[] =>
  userIds.map((userId) => ({
    userId,
    caseId: c.id,
    kind,
    params: { code: c.code, state: c.state },
    ...(group ? { group } : {}),
  }));

/** The group of a case's stage warnings and overdue marks: one unread row per user and case. */
export const stageNoticeGroup = (caseId: string) => `stage:${caseId}`;

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
  const reportRows: Notice[] = [];
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

/**
 * The notices of an event of the case: one per recipient of the plan's `notify` (the actor
 * excepted), which the event carries to the inbox's subscriber.
 */
export async function noticesOf(
  tx: Db,
  c: repo.CaseRow,
  who: Set<Notify>,
  kind: string,
  actorId: string | null,
  reportIds?: readonly string[],
): Promise<Notice[]> {
  if (who.size === 0) return [];
  const userIds = new Set(await recipientsOf(tx, c, who, actorId));
  let reportRows: Notice[] = [];
  if (who.has('reporters')) {
    const r = await reporterNotifications(tx, c, actorId, reportIds);
    for (const id of r.caseUsers) userIds.add(id);
    reportRows = r.reportRows;
  }
  return [...notificationRows(c, [...userIds], kind), ...reportRows];
}
