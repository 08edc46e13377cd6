/**
 * What a unit's system receives for one delivery: the event that caused it (a dispatch, a
 * re-dispatch, a rework…) and a summary of the case as it is when the delivery is sent — with
 * the `version` the unit's system names when it acts back on the case (cases/summary.ts).
 */
import type { Db } from '../../platform/db.ts';
import { caseSummaries } from '../cases/index.ts';
import { eventOf } from './repository.ts';

export interface DeliveryPayload {
  deliveryId: string;
  eventId: number;
  action: string;
  case: Record<string, unknown> | null;
  /** When the event happened. */
  at: string;
}

export async function buildPayload(
  db: Db,
  d: { id: string; eventId: number; caseId: string | null },
): Promise<DeliveryPayload> {
  const ev = await eventOf(db, d.eventId);
  return {
    deliveryId: d.id,
    eventId: d.eventId,
    action: ev?.action ?? 'unknown',
    case: d.caseId ? await caseSummaries.summaryOf(db, d.caseId) : null,
    at: (ev?.at ?? new Date()).toISOString(),
  };
}
