/**
 * The case as the outbox reads it: its code for delivery listings and the summary a unit's system
 * receives with each delivery, including the `version` the unit's system names when it acts back
 * on the case. The outbox imports it from this module's index; the case loop knows nothing of the
 * outbox (it publishes its events, the outbox subscribes: server/platform/subscribers.ts).
 */
import type { Db } from '../../platform/db.ts';
import { findCase, reportsOfCase } from './repository.ts';

export interface CaseSummaries {
  /** The case's code, or undefined when there is no such case. */
  codeOf(db: Db, caseId: string): Promise<string | undefined>;
  /** The case as a unit's system sees it when a delivery is sent, or null when it is gone. */
  summaryOf(db: Db, caseId: string): Promise<Record<string, unknown> | null>;
}

async function summaryOf(db: Db, caseId: string) {
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

export const caseSummaries: CaseSummaries = {
  codeOf: async (db, caseId) => (await findCase(db, caseId))?.code,
  summaryOf,
};
