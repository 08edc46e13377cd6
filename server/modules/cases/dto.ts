import type { Static } from 'typebox';
import type { TimeUnit, WorkCalendar } from '../../../common/calendar/index.ts';
import type { CaseRow } from './repository.ts';
import type { CaseSummary } from './schemas.ts';

export type CaseSummaryDto = Static<typeof CaseSummary>;

/** The light (红/黄/绿) of the case's current deadline; null while no clock runs. */
export function caseLight(
  c: Pick<CaseRow, 'currentDueAt' | 'currentStartedAt' | 'currentLimitUnit'>,
  calendar: WorkCalendar,
  warnShare: number,
  now = new Date(),
): CaseSummaryDto['light'] {
  if (!c.currentDueAt || !c.currentStartedAt) return null;
  return calendar.light(c.currentStartedAt, c.currentDueAt, now, warnShare, {
    unit: (c.currentLimitUnit ?? 'urgent_hour') as TimeUnit,
  });
}

/** The case as lists and the case page show it, with the light of its current deadline. */
export function toCaseSummary(
  c: CaseRow,
  calendar: WorkCalendar,
  warnShare: number,
  now = new Date(),
): CaseSummaryDto {
  const light = caseLight(c, calendar, warnShare, now);
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
    closedAt: c.closedAt?.toISOString() ?? null,
  };
}
