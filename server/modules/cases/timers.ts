/**
 * The timer sweeper: fires due stage warnings and overdue marks exactly once. Each sweep claims
 * due rows with FOR UPDATE SKIP LOCKED inside a transaction that also writes the stage mark, the
 * event and the notifications — so with several server processes on one PostgreSQL every timer
 * fires in exactly one of them, and a crash before commit leaves it due for the next sweep.
 */
import { eq, sql } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import { systemContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db.ts';
import { sendNotifications } from './effects.ts';
import * as repo from './repository.ts';
import { caseStage } from './tables.ts';

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
    const claimed = (res as unknown as { rows: Claimed[] }).rows;
    for (const t of claimed) {
      const [stage] = await tx
        .update(caseStage)
        .set(t.kind === 'warning' ? { warnedAt: now } : { overdueAt: now })
        .where(eq(caseStage.id, t.stage_id))
        .returning();
      const c = await repo.findCase(tx, t.case_id);
      if (!c || !stage) continue;
      await recordEvent(tx, ctx, {
        action: t.kind === 'warning' ? 'case.stage_warning' : 'case.stage_overdue',
        entityType: 'case',
        entityId: c.id,
        districtCode: c.districtCode,
        after: {
          stage: stage.stage,
          dueAt: stage.dueAt.toISOString(),
          timerId: t.id,
          firedAt: now.toISOString(),
        },
      });
      const who =
        stage.stage === 'dispose' ? new Set(['unit', 'dispatcher'] as const) : new Set(['handler'] as const);
      await sendNotifications(
        tx,
        c,
        who,
        t.kind === 'warning' ? 'case.stage_warning' : 'case.stage_overdue',
        null,
      );
    }
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
  let current: Promise<void> | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      while (!stopped && (await sweepTimers(database)) === 500) {
        // A backlog: keep sweeping until it is cleared.
      }
    } catch (err) {
      onError(err);
    }
  };
  const timer = setInterval(() => {
    if (current || stopped) return;
    current = tick().finally(() => {
      current = undefined;
    });
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
