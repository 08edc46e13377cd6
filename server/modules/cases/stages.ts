/**
 * The clocks of a case. Each time-limited stage is a `case_stage` row with its due time computed
 * on the working calendar (China time), and two timers (warning at the configured share of the
 * limit, overdue at the due time) that the sweeper fires exactly once. Parking pauses the
 * disposal clock and carries the remaining working time; an approved extension moves it.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { TimeUnit, WorkCalendar } from '../../../common/calendar/index.ts';
import type { Stage } from '../../../common/workflow.ts';
import type { Db } from '../../platform/db.ts';
import type { CaseSettings, StageLimit } from './config.ts';
import { currentWarnAt, dueOf, resumedDue, timersOf } from './plan.ts';
import { caseFile, caseStage, caseTimer } from './tables.ts';

export interface Clock {
  calendar: WorkCalendar;
  settings: CaseSettings;
  now: Date;
}

export type StageRow = typeof caseStage.$inferSelect;

/** Inserts the timers `timersOf` plans for a (re)started stage. */
async function addTimers(tx: Db, caseId: string, stage: StageRow, clock: Clock, skipWarning = false) {
  const timers = timersOf(clock.calendar, clock.settings.warnShare, stage, skipWarning);
  await tx.insert(caseTimer).values(timers.map((t) => ({ caseId, stageId: stage.id, ...t })));
}

async function cancelTimers(tx: Db, stageId: string, now: Date) {
  await tx
    .update(caseTimer)
    .set({ cancelledAt: now })
    .where(and(eq(caseTimer.stageId, stageId), isNull(caseTimer.firedAt), isNull(caseTimer.cancelledAt)));
}

export async function runningStages(tx: Db, caseId: string): Promise<StageRow[]> {
  return tx
    .select()
    .from(caseStage)
    .where(and(eq(caseStage.caseId, caseId), isNull(caseStage.stoppedAt)))
    .orderBy(asc(caseStage.dueAt));
}

export async function startStage(tx: Db, caseId: string, stage: Stage, limit: StageLimit, clock: Clock) {
  const dueAt = dueOf(clock.calendar, clock.now, limit);
  const [row] = await tx
    .insert(caseStage)
    .values({ caseId, stage, startedAt: clock.now, dueAt, limitAmount: limit.amount, limitUnit: limit.unit })
    .returning();
  await addTimers(tx, caseId, row, clock);
  return row;
}

/** Stops the running stages (of one kind, or all); returns the ids of those stopped. */
export async function stopStage(tx: Db, caseId: string, stage: Stage | null, now: Date): Promise<string[]> {
  const rows = await runningStages(tx, caseId);
  const stopped: string[] = [];
  for (const r of rows) {
    if (stage && r.stage !== stage) continue;
    await tx.update(caseStage).set({ stoppedAt: now }).where(eq(caseStage.id, r.id));
    await cancelTimers(tx, r.id, now);
    stopped.push(r.id);
  }
  return stopped;
}

/** Records on stopped stages the transition that stopped them and its actor (the stage's decision). */
export async function markEnded(tx: Db, stageIds: readonly string[], action: string, actorId: string | null) {
  if (!stageIds.length) return;
  await tx
    .update(caseStage)
    .set({ endedBy: action, endedActor: actorId })
    .where(inArray(caseStage.id, [...stageIds]));
}

async function runningDispose(tx: Db, caseId: string) {
  return (await runningStages(tx, caseId)).find((s) => s.stage === 'dispose');
}

/** Parking: the disposal clock stops; its timers are withdrawn until it resumes. */
export async function pauseDispose(tx: Db, caseId: string, now: Date) {
  const s = await runningDispose(tx, caseId);
  if (!s || s.pausedAt) return;
  await tx.update(caseStage).set({ pausedAt: now }).where(eq(caseStage.id, s.id));
  await cancelTimers(tx, s.id, now);
}

/** Un-parking: the remaining working time is carried over from the moment of parking. */
export async function resumeDispose(tx: Db, caseId: string, clock: Clock) {
  const s = await runningDispose(tx, caseId);
  if (!s?.pausedAt) return;
  const { dueAt, warnAt } = resumedDue(
    clock.calendar,
    clock.settings.warnShare,
    { ...s, pausedAt: s.pausedAt },
    clock.now,
  );
  const [row] = await tx
    .update(caseStage)
    .set({ pausedAt: null, dueAt })
    .where(eq(caseStage.id, s.id))
    .returning();
  await addTimers(tx, caseId, row, clock, true);
  // Warn again at the same share of the (now longer) remaining window.
  if (warnAt) await tx.insert(caseTimer).values({ caseId, stageId: row.id, kind: 'warning', fireAt: warnAt });
}

/** An approved extension moves the disposal due time by the applied amount. */
export async function extendDispose(tx: Db, caseId: string, amount: number, unit: TimeUnit, clock: Clock) {
  const s = await runningDispose(tx, caseId);
  if (!s) return null;
  const dueAt = clock.calendar.addTime(s.dueAt, amount, unit);
  await cancelTimers(tx, s.id, clock.now);
  const [row] = await tx
    .update(caseStage)
    .set({ dueAt, extended: true })
    .where(eq(caseStage.id, s.id))
    .returning();
  await addTimers(tx, caseId, row, clock);
  return row;
}

export async function isDisposeOverdue(tx: Db, caseId: string, now: Date): Promise<boolean> {
  const s = await runningDispose(tx, caseId);
  return !!s && !s.pausedAt && s.dueAt <= now;
}

/** Keeps the case row's current stage, deadline and warning instant in step for the work queues. */
export async function refreshCurrent(tx: Db, caseId: string, clock: Pick<Clock, 'calendar' | 'settings'>) {
  const rows = (await runningStages(tx, caseId)).filter((s) => !s.pausedAt);
  const first = rows[0];
  await tx
    .update(caseFile)
    .set({
      currentStage: first?.stage ?? null,
      currentStartedAt: first?.startedAt ?? null,
      currentDueAt: first?.dueAt ?? null,
      currentLimitUnit: first?.limitUnit ?? null,
      currentWarnAt: first ? currentWarnAt(clock.calendar, clock.settings.warnShare, first) : null,
    })
    .where(eq(caseFile.id, caseId));
}

export const lightOf = (calendar: WorkCalendar, s: StageRow, now: Date, warnShare: number) =>
  s.stoppedAt
    ? s.stoppedAt > s.dueAt
      ? 'red'
      : 'green'
    : calendar.light(s.startedAt, s.dueAt, s.pausedAt ?? now, warnShare, { unit: s.limitUnit as TimeUnit });

export const sqlNow = sql`now()`;
