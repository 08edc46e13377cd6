/**
 * Calls left ringing: a telephony whose hang-up never arrived (a lost event, a restart) would leave
 * a call ringing on every console for good. No real call rings that long — queues give up within
 * minutes — so a call still ringing after `RING_TIMEOUT_MINUTES` is marked missed, as a hang-up
 * would have marked it, with the system's `hotline.hangup` event saying why.
 */
import { and, eq, lt } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { everyInterval } from '../../platform/periodic.ts';
import { hotlineCall } from './tables.ts';

export const RING_TIMEOUT_MINUTES = 10;

/** Marks the calls ringing since before `now − RING_TIMEOUT_MINUTES` missed; answers how many. */
export async function sweepRingingCalls(db: Db, now = new Date()): Promise<number> {
  const ctx = systemContext('hotline');
  const cutoff = new Date(now.getTime() - RING_TIMEOUT_MINUTES * 60_000);
  return db.transaction(async (tx) => {
    const stale = await tx
      .select()
      .from(hotlineCall)
      .where(and(eq(hotlineCall.status, 'ringing'), lt(hotlineCall.startedAt, cutoff)))
      .for('update', { skipLocked: true })
      .limit(500);
    for (const row of stale) {
      await tx
        .update(hotlineCall)
        .set({ status: 'missed', hungUpAt: now, version: row.version + 1 })
        .where(eq(hotlineCall.id, row.id));
      await recordEvent(tx, ctx, {
        action: 'hotline.hangup',
        entityType: 'hotline_call',
        entityId: row.id,
        districtCode: row.districtCode,
        before: { status: 'ringing' },
        after: { status: 'missed', line: row.line, seat: row.seat, operatorId: null, timedOut: true },
        reason: `响铃超过 ${RING_TIMEOUT_MINUTES} 分钟未接，按未接处理 / rang ${RING_TIMEOUT_MINUTES} min unanswered: missed`,
      });
    }
    return stale.length;
  });
}

/** Sweeps every `intervalMs` (every node; SKIP LOCKED gives each call to one). */
export function startRingingSweep(db: Db, intervalMs: number, onError: (err: unknown) => void) {
  return everyInterval(intervalMs, async () => {
    try {
      await sweepRingingCalls(db);
    } catch (err) {
      onError(err);
    }
  });
}
