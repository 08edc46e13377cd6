/**
 * What a unit's system receives for one delivery: the event that caused it (a dispatch, a
 * re-dispatch, a rework…) and a summary of the case as it is when the delivery is sent — with
 * the `version` the unit's system names when it acts back on the case.
 */
import type { Db } from '../../platform/db.ts';
import { findCase, reportsOfCase } from '../cases/repository.ts';
import { eventOf } from './repository.ts';

export interface DeliveryPayload {
  deliveryId: string;
  eventId: number;
  action: string;
  case: Record<string, unknown> | null;
  /** When the event happened. */
  at: string;
}

export async function casePayload(db: Db, caseId: string) {
  const c = await findCase(db, caseId);
  if (!c) return null;
  const photos = [...new Set((await reportsOfCase(db, caseId)).flatMap((r) => r.photos))];
  return {
    id: c.id,
    code: c.code,
    version: c.version,
    state: c.state,
    matterCode: c.matterCode,
    urgency: c.urgency,
    important: c.important,
    actFirst: c.actFirst,
    location: { lng: c.lng, lat: c.lat, crs: 'wgs84' },
    address: c.address,
    description: c.description,
    gridId: c.gridId,
    districtCode: c.districtCode,
    unitId: c.unitId,
    photos,
    dueAt: c.currentDueAt?.toISOString() ?? null,
    filedAt: c.filedAt?.toISOString() ?? null,
  };
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
    case: d.caseId ? await casePayload(db, d.caseId) : null,
    at: (ev?.at ?? new Date()).toISOString(),
  };
}
