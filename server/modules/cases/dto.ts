import type { Static } from 'typebox';
import type { Light } from '../../../common/calendar/index.ts';
import { TERMINAL_STATES } from '../../../common/workflow.ts';
import type { CaseRow } from './repository.ts';
import type { CaseSummary } from './schemas.ts';

export type CaseSummaryDto = Static<typeof CaseSummary>;

/**
 * The light of the current deadline at `now`: red once past it, yellow from the stored warning
 * instant (`current_warn_at`, the calendar's `warnAt`), else green; null without a running clock
 * or once the case is finished.
 * The SQL of the list's light filter and of the workbench's counts (`lightSql`) says the same.
 */
export function caseLight(
  c: Pick<CaseRow, 'state' | 'currentDueAt' | 'currentWarnAt'>,
  now: Date,
): Light | null {
  if (!c.currentDueAt || TERMINAL_STATES.includes(c.state)) return null;
  if (now.getTime() > c.currentDueAt.getTime()) return 'red';
  if (c.currentWarnAt && now.getTime() >= c.currentWarnAt.getTime()) return 'yellow';
  return 'green';
}

/** The case as lists and the case page show it, with the light of its current deadline. */
export function toCaseSummary(c: CaseRow, now = new Date()): CaseSummaryDto {
  const light = caseLight(c, now);
  return {
    id: c.id,
    code: c.code,
    state: c.state,
    version: c.version,
    channel: c.channel,
    description: c.description,
    address: c.address,
    location: { lng: c.lng, lat: c.lat, crs: 'wgs84' },
    gridId: c.gridId,
    communityCode: c.communityCode,
    townshipCode: c.townshipCode,
    districtCode: c.districtCode,
    areaClass: c.areaClass,
    matterCode: c.matterCode,
    urgency: c.urgency,
    important: c.important,
    actFirst: c.actFirst,
    caseLevel: c.caseLevel,
    pending: c.pending as Record<string, unknown>,
    unitId: c.unitId,
    suggestedUnitId: c.suggestedUnitId,
    currentStage: c.currentStage,
    currentDueAt: c.currentDueAt?.toISOString() ?? null,
    light,
    reworkCount: c.reworkCount,
    urgeCount: c.urgeCount,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    filedAt: c.filedAt?.toISOString() ?? null,
    dispatchedAt: c.dispatchedAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
  };
}
