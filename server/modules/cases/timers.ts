/**
 * The timer sweeper: fires due stage warnings and overdue marks exactly once. Each sweep claims
 * due rows with FOR UPDATE SKIP LOCKED inside a transaction that also writes the stage mark, the
 * event and — through the event's subscribers — the notifications, so with several server
 * processes on one PostgreSQL every timer fires in exactly one of them, and a crash before commit
 * leaves it due for the next sweep.
 */
import { inArray, sql } from 'drizzle-orm';
import { type Notify, STAGE_TIMER_NOTIFY, type Stage } from '../../../common/workflow.ts';
import { systemContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db.ts';
import { everyInterval } from '../../platform/periodic.ts';
import { type Emission, emitAll } from '../../platform/subscribers.ts';
import { notificationRows, type RecipientCache, recipientsOf, stageNoticeGroup } from './effects.ts';
import { caseFile, caseStage } from './tables.ts';

interface Claimed {
  id: number;
  case_id: string;
  stage_id: string;
  kind: 'warning' | 'overdue';
  fire_at: string;
}

export async function sweepTimers(database: Database, limit = 500, now = new Date()): Promise<number> {
  const ctx = systemContext('timer');
  ctx.actor.roles = [];
  return database.db.transaction(async (tx) => {
    const res = await tx.execute(sql`
      UPDATE case_timer SET fired_at = ${now}
      WHERE id IN (
        SELECT id FROM case_timer
        WHERE fired_at IS NULL AND cancelled_at IS NULL AND fire_at <= ${now}
        ORDER BY fire_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, case_id, stage_id, kind, fire_at`);
    // UPDATE … RETURNING keeps no order (PostgreSQL returns rows as it updates them): fire them in
    // time order, a warning before the overdue of the same instant, so events and a grouped
    // notice's latest kind say what happened last.
    const claimed = (res as unknown as { rows: Claimed[] }).rows.sort(
      (a, b) =>
        new Date(a.fire_at).getTime() - new Date(b.fire_at).getTime() ||
        (a.kind === b.kind ? 0 : a.kind === 'warning' ? -1 : 1) ||
        Number(a.id) - Number(b.id),
    );
    if (claimed.length === 0) return 0;
    // The whole batch in a handful of statements: stage marks, the cases, the events, and the
    // subscribers once for all of them (the inbox in one multi-row insert).
    const ids = (kind: Claimed['kind']) => claimed.filter((t) => t.kind === kind).map((t) => t.stage_id);
    if (ids('warning').length)
      await tx
        .update(caseStage)
        .set({ warnedAt: now })
        .where(inArray(caseStage.id, ids('warning')));
    if (ids('overdue').length)
      await tx
        .update(caseStage)
        .set({ overdueAt: now })
        .where(inArray(caseStage.id, ids('overdue')));
    const stages = new Map(
      (
        await tx
          .select()
          .from(caseStage)
          .where(inArray(caseStage.id, [...new Set(claimed.map((t) => t.stage_id))]))
      ).map((s) => [s.id, s]),
    );
    const cases = new Map(
      (
        await tx
          .select()
          .from(caseFile)
          .where(inArray(caseFile.id, [...new Set(claimed.map((t) => t.case_id))]))
      ).map((c) => [c.id, c]),
    );
    const emissions: Emission<'case.stage_warning' | 'case.stage_overdue'>[] = [];
    const recipients: RecipientCache = new Map();
    for (const t of claimed) {
      const stage = stages.get(t.stage_id);
      const c = cases.get(t.case_id);
      if (!c || !stage) continue;
      const action = t.kind === 'warning' ? 'case.stage_warning' : 'case.stage_overdue';
      // Whoever the case waits on now, and the stage's followers (common/workflow-vocabulary.ts).
      const who = new Set<Notify>(STAGE_TIMER_NOTIFY[stage.stage as Stage] ?? ['handler']);
      emissions.push({
        event: {
          action,
          entityType: 'case',
          entityId: c.id,
          districtCode: c.districtCode,
          after: {
            stage: stage.stage,
            dueAt: stage.dueAt.toISOString(),
            timerId: t.id,
            firedAt: now.toISOString(),
          },
        },
        subject: {
          caseId: c.id,
          deliverTo: null,
          notices: notificationRows(
            c,
            await recipientsOf(tx, c, who, null, recipients),
            action,
            stageNoticeGroup(c.id),
          ),
        },
      });
    }
    await emitAll(tx, ctx, emissions);
    return claimed.length;
  });
}

/**
 * Sweeps every `intervalMs` until stopped; a failed sweep is logged and retried on the next tick.
 * The returned stop function waits for a sweep in flight, so shutdown never cuts a transaction.
 */
export function startTimerLoop(
  database: Database,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => Promise<void> {
  return everyInterval(intervalMs, async (stopped) => {
    try {
      while (!stopped() && (await sweepTimers(database)) === 500) {
        // A backlog: keep sweeping until it is cleared.
      }
    } catch (err) {
      onError(err);
    }
  });
}
