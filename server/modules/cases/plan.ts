/**
 * What a transition does, as data: `planEffects` turns the effects a rule declares
 * (common/workflow-table.ts) into a plan — the patch of the case row, the stage operations, the
 * task operations, who is told and whether the case goes to a unit — without any I/O. The server
 * applies a plan in its transaction (effects.ts `applyPlan`); the demo seed applies the same plan
 * to its in-memory cases, so both write the same history.
 *
 * The switch over `Effect` is exhaustive: a new effect kind does not compile until it is planned
 * here. Effects whose record is the event itself (a verification, a self-disposal…) are planned as
 * nothing, by name.
 */

import type { TimeUnit, WorkCalendar } from '../../../common/calendar/index.ts';
import type {
  CaseAction,
  CaseState,
  Effect,
  Notify,
  Stage,
  TaskKind,
  TransitionRule,
  WorkflowInput,
} from '../../../common/workflow.ts';
import { endsCase } from '../../../common/workflow.ts';
import type { CaseSettings, StageLimit } from './config.ts';
import type { PendingApplications } from './tables.ts';

/** The facts of the case row a plan reads. */
export interface PlanCase {
  state: CaseState;
  pending: PendingApplications;
  reworkCount: number;
  urgeCount: number;
}

/** The columns of the case row a plan may set. */
export interface PlanPatch {
  state?: CaseState;
  pending?: PendingApplications;
  important?: boolean;
  actFirst?: boolean;
  urgency?: 'normal' | 'urgent';
  caseLevel?: 'district' | 'city';
  checkResult?: 'pass' | 'fail' | null;
  reworkCount?: number;
  urgeCount?: number;
  rating?: number;
  unitId?: string;
  dispatchedAt?: Date;
  /** Set when a rule ends the case; null when a closed case is reopened. */
  closedAt?: Date | null;
}

/**
 * A limit is known when planning, except the disposal one: it comes from the standard the case is
 * filed under and its urgency, which the applier looks up (`'disposal'`).
 */
export type PlannedLimit = StageLimit | 'disposal';

export type StageOp =
  | { op: 'start'; stage: Stage; limit: PlannedLimit }
  /** `stage: null` stops every running stage. */
  | { op: 'stop'; stage: Stage | null }
  | { op: 'pauseDispose' }
  | { op: 'resumeDispose' }
  | { op: 'extendDispose'; amount: number; unit: TimeUnit };

export type TaskOp =
  | { op: 'create'; task: TaskKind }
  | { op: 'complete'; task: TaskKind; result: CaseAction; assigneeId: string | null }
  | { op: 'cancelOpen' };

export interface Plan {
  patch: PlanPatch;
  stages: StageOp[];
  tasks: TaskOp[];
  /** Who is told, in the order the rule names them. */
  notify: Notify[];
  /** The case goes to a unit's inbox (and to the unit's own system through the outbox). */
  deliver: boolean;
  /** A unit named by the input that the case is sent to: the applier checks it is reachable. */
  unitNamed?: string;
  /** Filing under a standard: the applier checks the condition belongs to the matter type. */
  filing?: { matterType: string; filingConditionId: string };
  /** Merging into another case: the applier checks the target and moves the reports. */
  mergeInto?: string;
}

export interface PlanActor {
  id: string | null;
  name: string;
}

export interface PlanClock {
  now: Date;
  settings: CaseSettings;
}

const limitOf = (stage: Stage, clock: PlanClock): PlannedLimit =>
  stage === 'dispose' ? 'disposal' : clock.settings.stageLimits[stage];

function unreachable(e: never): never {
  throw new Error(`workflow: unplanned effect ${JSON.stringify(e)}`);
}

/** Plans one effect into `plan`; `pending` is the applications as they stand so far. */
function planEffect(
  plan: Plan,
  e: Effect,
  c: PlanCase,
  action: CaseAction,
  input: WorkflowInput,
  clock: PlanClock,
  actor: PlanActor,
  pending: PendingApplications,
) {
  const { patch } = plan;
  switch (e.type) {
    case 'startStage':
      plan.stages.push({ op: 'start', stage: e.stage, limit: limitOf(e.stage, clock) });
      return;
    case 'stopStage':
      plan.stages.push({ op: 'stop', stage: e.stage });
      return;
    case 'restartStage':
      plan.stages.push(
        { op: 'stop', stage: e.stage },
        { op: 'start', stage: e.stage, limit: limitOf(e.stage, clock) },
      );
      return;
    case 'stopAllStages':
      plan.stages.push({ op: 'stop', stage: null });
      return;
    case 'pauseClock':
      plan.stages.push({ op: 'pauseDispose' });
      return;
    case 'resumeClock':
      plan.stages.push({ op: 'resumeDispose' });
      return;
    case 'extendDue': {
      // The amount is the one applied for, as it stood when the application was made.
      const ext = c.pending.extension;
      if (ext) plan.stages.push({ op: 'extendDispose', amount: ext.amount, unit: ext.unit as TimeUnit });
      return;
    }
    case 'createTask':
      plan.tasks.push({ op: 'create', task: e.task });
      return;
    case 'completeTask':
      plan.tasks.push({ op: 'complete', task: e.task, result: action, assigneeId: actor.id });
      return;
    case 'cancelOpenTasks':
      plan.tasks.push({ op: 'cancelOpen' });
      return;
    case 'setPending': {
      const at = clock.now.toISOString();
      const reason = input.reason ?? '';
      if (e.application === 'extension') {
        const ext = input.extension!;
        pending.extension = { amount: ext.amount, unit: ext.unit, reason, at, by: actor.name };
      } else {
        pending[e.application] = { reason, at, by: actor.name };
      }
      patch.pending = { ...pending };
      return;
    }
    case 'clearPending':
      delete pending[e.application];
      patch.pending = { ...pending };
      return;
    case 'setFlag':
      if (e.flag === 'important') patch.important = true;
      else if (e.flag === 'act_first') patch.actFirst = true;
      else patch.urgency = 'urgent';
      return;
    case 'setCaseLevel':
      patch.caseLevel = e.level;
      return;
    case 'recordFiling':
      plan.filing = { matterType: input.matterType!, filingConditionId: input.filingConditionId! };
      return;
    case 'recordCheckResult':
      patch.checkResult = e.result;
      return;
    case 'recordRework':
      patch.reworkCount = c.reworkCount + 1;
      patch.checkResult = null;
      return;
    case 'recordUrge':
      patch.urgeCount = c.urgeCount + 1;
      return;
    case 'recordSatisfaction':
      patch.rating = input.rating!;
      return;
    case 'recordReopen':
      // No longer closed; the next close needs a check of the new work.
      patch.closedAt = null;
      patch.checkResult = null;
      return;
    case 'mergeInto':
      plan.mergeInto = input.targetCaseId!;
      return;
    case 'deliverToUnit':
      if (input.unitId) {
        patch.unitId = input.unitId;
        plan.unitNamed = input.unitId;
      }
      plan.deliver = true;
      return;
    case 'recordDispatch':
      patch.dispatchedAt = clock.now;
      return;
    case 'notify':
      if (!plan.notify.includes(e.who)) plan.notify.push(e.who);
      return;
    case 'recordVerification':
    case 'recordSelfDisposal':
    case 'recordSignedFor':
    case 'recordCallback':
    case 'scheduleCallback':
      // The event itself is the record (actor, time, reason, photos).
      return;
    default:
      unreachable(e);
  }
}

const emptyPlan = (): Plan => ({ patch: {}, stages: [], tasks: [], notify: [], deliver: false });

/**
 * The plan of a decided transition: `rule` is the rule `transition()` chose for the case's state
 * and the action, `input` what the actor submitted (already checked for the rule's fields).
 */
export function planEffects(
  c: PlanCase,
  rule: TransitionRule,
  input: WorkflowInput,
  clock: PlanClock,
  actor: PlanActor,
): Plan {
  const plan = emptyPlan();
  const pending: PendingApplications = { ...c.pending };
  for (const e of rule.effects) planEffect(plan, e, c, rule.action, input, clock, actor, pending);
  plan.patch.state = rule.to ?? c.state;
  if (endsCase(rule)) plan.patch.closedAt = clock.now;
  return plan;
}

/** The plan of creating a case: the creation rule's effects on a new case. */
export function planCreation(effects: readonly Effect[], clock: PlanClock): Plan {
  const plan = emptyPlan();
  const fresh: PlanCase = { state: 'reported', pending: {}, reworkCount: 0, urgeCount: 0 };
  for (const e of effects) {
    if (e.type !== 'startStage' && e.type !== 'notify')
      throw new Error(`workflow: case creation cannot ${e.type}`);
    // Starting a clock and telling people read no action, input or actor.
    planEffect(plan, e, fresh, 'accept_report', {}, clock, { id: null, name: '' }, {});
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Filing under a standard, shared by the server's applier and the seed's simulation

/** The version of a disposal standard a case is filed under, with its filing conditions. */
export interface FilingStandard {
  id: string;
  version: number;
  /** `urgent`: the condition says 立即按紧急案件处理 — a case filed under it is urgent. */
  filingConditions: readonly { id: string; text: string; urgent?: boolean }[];
}

/** What the filing event records: the condition chosen, in the words of the version filed under. */
export interface FilingRecord {
  standardId: string;
  standardVersion: number;
  conditionId: string;
  text: string;
  urgent: boolean;
}

/**
 * Filing under `std`: the columns it sets (an urgent condition makes the case urgent; a case
 * already urgent stays so) and what the event records; undefined when the condition is not one
 * of the standard's.
 */
export function filingOutcome(
  std: FilingStandard,
  filing: NonNullable<Plan['filing']>,
  now: Date,
):
  | {
      patch: {
        matterKind: 'matter';
        matterCode: string;
        standardId: string;
        filingConditionId: string;
        filedAt: Date;
        urgency?: 'urgent';
      };
      record: FilingRecord;
    }
  | undefined {
  const condition = std.filingConditions.find((f) => f.id === filing.filingConditionId);
  if (!condition) return undefined;
  const urgent = condition.urgent === true;
  return {
    patch: {
      matterKind: 'matter',
      matterCode: filing.matterType,
      standardId: std.id,
      filingConditionId: condition.id,
      filedAt: now,
      ...(urgent ? { urgency: 'urgent' as const } : {}),
    },
    record: {
      standardId: std.id,
      standardVersion: std.version,
      conditionId: condition.id,
      text: condition.text,
      urgent,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Clock arithmetic, shared by the server's stages and the seed's simulation

export interface TimerPlan {
  kind: 'warning' | 'overdue';
  fireAt: Date;
}

/** The due time of a stage started at `start` with `limit`, on the working calendar. */
export const dueOf = (calendar: WorkCalendar, start: Date, limit: StageLimit): Date =>
  calendar.addTime(start, limit.amount, limit.unit);

/**
 * The timers of a (re)started stage: overdue at the due time and, unless the stage was warned or
 * the warning is skipped, a warning when the configured share of the stage's own kind of time is
 * used (never after the due time).
 */
export function timersOf(
  calendar: WorkCalendar,
  warnShare: number,
  stage: { startedAt: Date; dueAt: Date; limitAmount: number; limitUnit: string; warnedAt?: Date | null },
  skipWarning = false,
): TimerPlan[] {
  const out: TimerPlan[] = [{ kind: 'overdue', fireAt: stage.dueAt }];
  if (!skipWarning && !stage.warnedAt) {
    const warnAt = calendar.addTime(
      stage.startedAt,
      stage.limitAmount * Math.max(0, warnShare),
      stage.limitUnit as TimeUnit,
    );
    out.push({ kind: 'warning', fireAt: warnAt.getTime() <= stage.dueAt.getTime() ? warnAt : stage.dueAt });
  }
  return out;
}

/**
 * When the light of a current stage turns yellow (`case_file.current_warn_at`): the light's own
 * rule (`WorkCalendar.warnAt`) over the stage's start, due time and unit.
 */
export function currentWarnAt(
  calendar: WorkCalendar,
  warnShare: number,
  stage: { startedAt: Date; dueAt: Date; limitUnit: string },
): Date | null {
  return calendar.warnAt(stage.startedAt, stage.dueAt, warnShare, stage.limitUnit as TimeUnit);
}

/**
 * After un-parking: the due time carried over from the moment of parking, and the warning again at
 * the same share of the (now longer) remaining window when the stage was not warned yet.
 */
export function resumedDue(
  calendar: WorkCalendar,
  warnShare: number,
  stage: { dueAt: Date; pausedAt: Date; limitUnit: string; warnedAt?: Date | null },
  now: Date,
): { dueAt: Date; warnAt: Date | null } {
  const dueAt = calendar.dueAfterPause(stage.dueAt, stage.pausedAt, now, stage.limitUnit as TimeUnit);
  const warnAt =
    !stage.warnedAt && dueAt > now
      ? new Date(now.getTime() + (dueAt.getTime() - now.getTime()) * warnShare)
      : null;
  return { dueAt, warnAt };
}
