/**
 * One demo case, driven in memory through the real transition table (common/workflow.ts
 * `transition()`: roles, levels, guards) and the server's own plan of each step's effects (cases
 * `planEffects`/`planCreation`): the seed keeps no second copy of the rules, so demo data cannot
 * drift from what the live loop does (test/integration/seed-parity.test.ts compares the two).
 * What a step changes lands on the in-memory rows: the case, its stages and timers (clock.ts),
 * tasks (tasks.ts), events and inbox notes; write.ts writes them all at the end.
 */
import type { DEMO_DISTRICTS } from '../../../common/identity.ts';
import {
  type CaseAction,
  type CaseState,
  CREATION,
  type Notify,
  STAGE_TIMER_NOTIFY,
  type Stage,
  transition,
  type WorkflowInput,
} from '../../../common/workflow.ts';
import type { caseFile, report } from '../../db-schema.ts';
import {
  currentWarnAt,
  type FilingRecord,
  filingOutcome,
  type Plan,
  planCreation,
  planEffects,
  stageNoticeGroup,
} from '../../modules/cases/index.ts';
import { CaseClocks } from './clock.ts';
import { between, type Rng } from './random.ts';
import type { EventRow, NoteSim } from './rows.ts';
import { applyTasks, type TaskRow } from './tasks.ts';
import { HOUR, MIN } from './time.ts';
import type { StandardRef, UserRef, World } from './world.ts';

/** Steps whose required photo shows the place after disposal; the others show the problem. */
const AFTER_PHOTO = new Set<CaseAction>(['self_dispose', 'feed_back', 'check_pass']);

/** Exported for the engine-parity test (test/integration/seed-parity.test.ts). */
export class CaseSim {
  readonly c: typeof caseFile.$inferInsert & {
    id: string;
    state: CaseState;
    version: number;
    pending: NonNullable<(typeof caseFile.$inferInsert)['pending']>;
  };
  readonly clocks: CaseClocks;
  readonly tasks: TaskRow[] = [];
  readonly reports: (typeof report.$inferInsert & { id: string })[] = [];
  readonly events: EventRow[] = [];
  readonly notes: NoteSim[] = [];
  /** The simulation's clock: the moment of the next step (ms). */
  t: number;
  /** The matter type the reporter meant (the case carries it only once known). */
  reportMatter = '';
  /** For a duplicate: the case it is merged into. */
  mergeTarget?: string;
  readonly rng: Rng;

  constructor(
    private readonly w: World,
    rng: Rng,
    init: typeof caseFile.$inferInsert & { id: string },
    readonly standard: StandardRef,
    readonly district: (typeof DEMO_DISTRICTS)[number],
  ) {
    this.rng = rng;
    this.t = init.createdAt!.getTime();
    this.c = { ...init, state: 'reported', version: 1, pending: {} };
    this.clocks = new CaseClocks(w, rng, this.c, standard);
  }

  get stages() {
    return this.clocks.stages;
  }
  get timers() {
    return this.clocks.timers;
  }

  user(username: string): UserRef {
    const u = this.w.users.get(username);
    if (!u) throw new Error(`demo cases: account ${username} missing`);
    return u;
  }
  /** A district centre account of the case's district, by role. */
  centre(role: 'inspector' | 'acceptor' | 'shift_leader' | 'dispatcher') {
    return this.user(`${this.district.pinyin}.${role}`);
  }
  unitHandler(): UserRef {
    const key = this.w.unitKeyOf.get(this.c.unitId!);
    return this.user(`unit.${key}`);
  }

  /** Records a notification of the case as it is now (after the event of its cause). */
  note(at: Date, kind: string, who: readonly Notify[], actorId: string | null, group?: string) {
    if (who.length === 0) return;
    this.notes.push({
      at,
      kind,
      who: [...who],
      state: this.c.state,
      unitId: this.c.unitId ?? null,
      caseLevel: this.c.caseLevel ?? 'district',
      checkResult: this.c.checkResult ?? null,
      actorId,
      ...(group ? { group } : {}),
      next: this.events.length,
    });
  }

  /** The running stage with the nearest deadline (what the next actor works against). */
  current() {
    return this.clocks.current();
  }

  /** Fires (in memory) every timer due up to `until`, with the event and notice the sweeper writes. */
  fireTimers(until: number) {
    for (const { timer: x, stage: s } of this.clocks.fire(until)) {
      const firedAt = x.firedAt!;
      const after: Record<string, unknown> = {
        stage: s.stage,
        dueAt: s.dueAt.toISOString(),
        // The timer's id once written (write.ts takes a block of ids and fills it in).
        timerId: 0,
        firedAt: firedAt.toISOString(),
      };
      x.event = { after };
      this.events.push({
        at: firedAt,
        actorType: 'system',
        actorId: null,
        actorName: 'timer',
        actorOrgId: null,
        action: x.kind === 'warning' ? 'case.stage_warning' : 'case.stage_overdue',
        entityType: 'case',
        entityId: this.c.id,
        districtCode: this.c.districtCode,
        after,
      });
      // The sweeper's inbox rule (timers.ts): whoever the case waits on and the stage's followers,
      // repeats counting on one unread row per user and case.
      this.note(
        firedAt,
        x.kind === 'warning' ? 'case.stage_warning' : 'case.stage_overdue',
        STAGE_TIMER_NOTIFY[s.stage as Stage],
        null,
        stageNoticeGroup(this.c.id),
      );
    }
  }

  /**
   * A plan (cases/plan.ts, the same the server applies) on the in-memory case: filing under the
   * case's standard, the patch, stages, tasks and the merge. Deliveries to a unit's own system are
   * not simulated (the demo units have no endpoints); notifications are the caller's `note`.
   */
  private applyPlan(
    plan: Plan,
    at: Date,
    ended: { action: string; actorId: string },
  ): { filing?: FilingRecord } {
    const c = this.c;
    let filing: FilingRecord | undefined;
    if (plan.filing) {
      // The server's own filing outcome (cases/effects.ts): the condition's urgency and record.
      const filed = filingOutcome(this.standard, plan.filing, at);
      if (!filed) throw new Error(`demo cases: ${plan.filing.filingConditionId} is not a filing condition`);
      Object.assign(c, filed.patch);
      filing = filed.record;
    }
    Object.assign(c, plan.patch);
    this.clocks.apply(plan.stages, at, ended);
    applyTasks(this.tasks, plan.tasks, at, c, this.rng);
    if (plan.mergeInto) c.mergedInto = plan.mergeInto;
    return filing ? { filing } : {};
  }

  /** Case creation as the table declares it (CREATION): its clock; returns whom it tells. */
  create(at: Date): Notify[] {
    const plan = planCreation(CREATION.effects, { now: at, settings: this.w.settings });
    this.clocks.apply(plan.stages, at);
    return plan.notify;
  }

  /**
   * Moves the clock to the next step: a share of the running stage's remaining time (mostly in
   * time, some late so that lights and overdue marks show), at least a few minutes.
   */
  advance(kind: 'quick' | 'normal' | 'slow' = 'normal') {
    const s = this.current();
    const r = this.rng();
    let dt: number;
    if (s) {
      const left = Math.max(10 * MIN, s.dueAt.getTime() - this.t);
      const share =
        kind === 'quick'
          ? between(this.rng, 0.05, 0.4)
          : r < 0.8
            ? between(this.rng, 0.1, 0.78)
            : r < 0.9
              ? between(this.rng, 0.8, 0.99)
              : between(this.rng, 1.02, kind === 'slow' ? 3 : 1.8);
      dt = left * share;
    } else dt = between(this.rng, 10 * MIN, 3 * HOUR);
    this.t += Math.max(2 * MIN, Math.round(dt));
  }

  /** One action through the transition table; false when the table refuses it (guards). */
  act(action: CaseAction, by: UserRef, input: WorkflowInput = {}, reason?: string): boolean {
    this.fireTimers(this.t);
    const d = this.clocks.dispose();
    const result = transition(this.c.state, action, by.roles, {
      actorLevel: by.level,
      caseLevel: this.c.caseLevel ?? 'district',
      overdue: !!d && !d.pausedAt && d.dueAt.getTime() <= this.t,
      pending: {
        extension: !!this.c.pending.extension,
        parking: !!this.c.pending.parking,
        void: !!this.c.pending.void,
      },
      flags: {
        important: !!this.c.important,
        urgent: this.c.urgency === 'urgent',
        act_first: !!this.c.actFirst,
      },
      checkResult: this.c.checkResult ?? null,
      channel: this.c.channel,
      input: { ...input, version: this.c.version, reason },
    });
    if (!result.ok) return false;
    const before = {
      state: this.c.state,
      version: this.c.version,
      unitId: this.c.unitId ?? null,
      pending: this.c.pending,
    };
    const at = new Date(this.t);
    const plan = planEffects(
      {
        state: this.c.state,
        pending: this.c.pending,
        reworkCount: this.c.reworkCount ?? 0,
        urgeCount: this.c.urgeCount ?? 0,
      },
      result.rule,
      { ...input, reason },
      { now: at, settings: this.w.settings },
      { id: by.id, name: by.username },
    );
    const facts = this.applyPlan(plan, at, { action: `case.${action}`, actorId: by.id });
    this.c.version += 1;
    this.c.updatedAt = new Date(this.t);
    this.events.push({
      at: new Date(this.t),
      actorType: 'user',
      actorId: by.id,
      actorName: by.username,
      actorOrgId: by.orgId,
      action: `case.${action}`,
      entityType: 'case',
      entityId: this.c.id,
      districtCode: this.c.districtCode,
      before,
      after: {
        state: this.c.state,
        version: this.c.version,
        unitId: this.c.unitId ?? null,
        pending: this.c.pending,
        ...facts,
        input: {
          note: input.note,
          // The placeholder a path passes becomes the demo photo of the case's matter type.
          photos: input.photos
            ? AFTER_PHOTO.has(action)
              ? this.w.photos.fixed(this.reportMatter)
              : this.w.photos.scene(this.reportMatter)
            : undefined,
          unitId: input.unitId,
          matterType: input.matterType,
          filingConditionId: input.filingConditionId,
          extension: input.extension,
          rating: input.rating,
          targetCaseId: input.targetCaseId,
        },
      },
      reason: reason ?? null,
    });
    this.note(at, `case.${action}`, plan.notify, by.id);
    return true;
  }

  /** `act`, for a step the path knows the table allows: a refusal is a bug in the path. */
  must(action: CaseAction, by: UserRef, input: WorkflowInput = {}, reason?: string) {
    if (!this.act(action, by, input, reason))
      throw new Error(`demo cases: ${action} refused in ${this.c.state} for ${this.c.code}`);
  }

  /** Writes the current-stage columns as refreshCurrent does. */
  finish() {
    const cur = this.current();
    this.c.currentStage = cur?.stage ?? null;
    this.c.currentStartedAt = cur?.startedAt ?? null;
    this.c.currentDueAt = cur?.dueAt ?? null;
    this.c.currentLimitUnit = cur?.limitUnit ?? null;
    this.c.currentWarnAt = cur ? currentWarnAt(this.w.calendar, this.w.settings.warnShare, cur) : null;
    // Timers of running stages due before now have fired by now; the rest stay pending.
    this.fireTimers(this.w.now);
  }
}
