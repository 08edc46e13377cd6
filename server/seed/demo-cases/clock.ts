/**
 * A simulated case's clocks: its stages (受理, 立案, 派遣, 处置 …) and their warning/overdue timers,
 * kept in memory as the server's stages.ts and effects.ts `applyStages` keep them in the database.
 * The due-time and timer arithmetic is the server's own (cases `dueOf`, `timersOf`, `resumedDue`),
 * so a demo case's lights and overdue marks are the ones the live loop would have shown.
 */
import type { TimeUnit } from '../../../common/calendar/index.ts';
import type { Stage } from '../../../common/workflow.ts';
import type { caseFile } from '../../db-schema.ts';
import { dueOf, type PlannedLimit, resumedDue, type StageOp, timersOf } from '../../modules/cases/index.ts';
import { type Rng, uuidFrom } from './random.ts';
import type { StageSim, TimerSim } from './rows.ts';
import type { StandardRef, World } from './world.ts';

export class CaseClocks {
  readonly stages: StageSim[] = [];
  /** Live and fired timers; a withdrawn one is removed (it never fires, so it is never written). */
  readonly timers: TimerSim[] = [];

  /** `c` is the case row itself (read when a stage starts: its area class and urgency may have changed). */
  constructor(
    private readonly w: World,
    private readonly rng: Rng,
    private readonly c: typeof caseFile.$inferInsert & { id: string },
    private readonly standard: StandardRef,
  ) {}

  private running() {
    return this.stages.filter((s) => !s.stoppedAt).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /** The running stage with the nearest deadline (what the next actor works against). */
  current() {
    return this.running().find((s) => !s.pausedAt);
  }

  /** The running disposal stage, paused or not. */
  dispose() {
    return this.running().find((s) => s.stage === 'dispose');
  }

  /**
   * Fires (in memory) every timer due up to `until`, as the sweeper would have done, a moment
   * after its time (never after the run's now): marks its stage warned or overdue and returns the
   * fired timers in firing order, for the caller to write their events and notices.
   */
  fire(until: number): { timer: TimerSim; stage: StageSim }[] {
    const due = this.timers
      .filter((x) => !x.firedAt && x.fireAt.getTime() <= until)
      .sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime());
    const fired: { timer: TimerSim; stage: StageSim }[] = [];
    for (const x of due) {
      const firedAt = new Date(
        Math.min(x.fireAt.getTime() + Math.floor(this.rng() * 2_000) + 200, this.w.now - 1_000),
      );
      x.firedAt = firedAt;
      const s = this.stages.find((st) => st.id === x.stageId)!;
      if (x.kind === 'warning') s.warnedAt = firedAt;
      else s.overdueAt = firedAt;
      fired.push({ timer: x, stage: s });
    }
    return fired;
  }

  /** The stage operations of a plan, in memory, as the server's effects.ts `applyStages` does them. */
  apply(ops: readonly StageOp[], at: Date, ended?: { action: string; actorId: string }) {
    for (const op of ops) {
      switch (op.op) {
        case 'start':
          this.startStage(op.stage, op.limit, at);
          break;
        case 'stop':
          this.stopStage(op.stage, at, ended);
          break;
        case 'pauseDispose': {
          const s = this.dispose();
          if (s && !s.pausedAt) {
            s.pausedAt = at;
            this.cancelTimers(s.id);
          }
          break;
        }
        case 'resumeDispose': {
          const s = this.dispose();
          if (s?.pausedAt) {
            const r = resumedDue(
              this.w.calendar,
              this.w.settings.warnShare,
              { ...s, pausedAt: s.pausedAt },
              at,
            );
            s.dueAt = r.dueAt;
            s.pausedAt = null;
            this.addTimers(s, true);
            if (r.warnAt)
              this.timers.push({
                caseId: this.c.id,
                stageId: s.id,
                kind: 'warning',
                fireAt: r.warnAt,
                firedAt: null,
              });
          }
          break;
        }
        case 'extendDispose': {
          const s = this.dispose();
          if (s) {
            s.dueAt = dueOf(this.w.calendar, s.dueAt, { amount: op.amount, unit: op.unit });
            s.extended = true;
            this.cancelTimers(s.id);
            this.addTimers(s);
          }
          break;
        }
        default:
          op satisfies never;
      }
    }
  }

  /** The timers the server's stages write for a (re)started stage (plan.ts `timersOf`). */
  private addTimers(s: StageSim, skipWarning = false) {
    for (const t of timersOf(this.w.calendar, this.w.settings.warnShare, s, skipWarning))
      this.timers.push({ caseId: this.c.id, stageId: s.id, ...t, firedAt: null });
  }

  /** Withdraws a stage's unfired timers (they are not written). */
  private cancelTimers(stageId: string) {
    for (let i = this.timers.length - 1; i >= 0; i--) {
      const x = this.timers[i];
      if (x.stageId === stageId && !x.firedAt) this.timers.splice(i, 1);
    }
  }

  /** The disposal limit of the case's standard for its area class and urgency. */
  private disposalLimit() {
    const l = this.standard.limits.find(
      (x) => x.areaClass === this.c.areaClass && x.urgency === (this.c.urgency ?? 'normal'),
    );
    if (!l) throw new Error(`demo cases: no limit for ${this.c.areaClass}/${this.c.urgency}`);
    return { amount: l.amount, unit: l.unit as TimeUnit };
  }

  private startStage(stage: Stage, limit: PlannedLimit, at: Date) {
    const l = limit === 'disposal' ? this.disposalLimit() : limit;
    const s: StageSim = {
      id: uuidFrom(this.rng),
      caseId: this.c.id,
      stage,
      startedAt: at,
      dueAt: dueOf(this.w.calendar, at, l),
      limitAmount: l.amount,
      limitUnit: l.unit,
      pausedAt: null,
      stoppedAt: null,
      warnedAt: null,
      overdueAt: null,
      extended: false,
    };
    this.stages.push(s);
    this.addTimers(s);
  }

  /** Stops stages as stages.ts does, recording the transition that stopped them (`markEnded`). */
  private stopStage(stage: Stage | null, at: Date, ended?: { action: string; actorId: string }) {
    for (const s of this.running()) {
      if (stage && s.stage !== stage) continue;
      s.stoppedAt = at;
      s.endedBy = ended?.action ?? null;
      s.endedActor = ended?.actorId ?? null;
      this.cancelTimers(s.id);
    }
  }
}
