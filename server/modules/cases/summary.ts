/**
 * The case as the outbox reads it (outbox/case-summaries.ts): its code for delivery listings and
 * the summary a unit's system receives with each delivery, including the `version` the unit's
 * system names when it acts back on the case.
 */
import type { Db } from '../../platform/db.ts';
import type { CaseSummaries } from '../outbox/index.ts';
import { findCase, reportsOfCase } from './repository.ts';

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
