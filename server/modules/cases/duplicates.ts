/**
 * Across channels, one problem is one case: the duplicate check of intake (`createReport`, which
 * every channel goes through) and the hotline's look-up of a caller's address without a map point.
 *
 * - The type checked: the report's own, or — a report without one (the portal's, a caller who
 *   does not know the category) — the classifier's first suggestion when its share of belief
 *   reaches the rule's floor (`minSuggestionScore`). A case opened that way keeps that suggestion
 *   (`suggested_matter_code`) so later reports of the type find it before anyone types it.
 * - The match: an open case of that type (its type, or its confident suggestion while it has
 *   none), unmerged, in the report's district, created within the type family's window, whose
 *   point is within the family's radius (common/duplicates.ts says which and why); the nearest.
 * - An address without a point: an open case of the type in the caller's reporting area whose
 *   address is the same once normalised (address.ts) → the report joins it at its point; else
 *   the gazetteer's one clear place for the address → its point, checked as above; else 422.
 */
import { duplicateWindowFor, minSuggestionScoreOf } from '../../../common/duplicates.ts';
import { OPEN_STATES } from '../../../common/workflow.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { suggest } from '../classifier/index.ts';
import { placeForAddress, type SpatialService } from '../geo/index.ts';
import { normaliseAddress } from './address.ts';
import { loadClock } from './clock.ts';
import type { CaseSettings } from './config.ts';
import { reportArea } from './policy.ts';
import * as repo from './repository.ts';

/** The type a report is checked as: its own, or the classifier's first suggestion when sure enough. */
export function duplicateTypeOf(
  rule: CaseSettings['duplicate'],
  matterCode: string | null | undefined,
  suggestions: readonly { code: string; score: number }[],
): string | null {
  if (matterCode) return matterCode;
  const first = suggestions[0];
  return first && first.score >= minSuggestionScoreOf(rule) ? first.code : null;
}

/**
 * The open case this report joins, or undefined. `joinCaseId`: the case the channel already found
 * as the same problem (the hotline's address match), taken when it is still open and unmerged.
 */
export async function findDuplicate(
  db: Db,
  settings: CaseSettings,
  now: Date,
  p: {
    matterCode: string | null;
    lng: number;
    lat: number;
    districtCode: string;
    joinCaseId?: string;
  },
): Promise<{ c: repo.CaseRow; distance: number } | undefined> {
  if (p.joinCaseId) {
    const c = await repo.findCase(db, p.joinCaseId);
    if (
      c &&
      !c.mergedInto &&
      c.districtCode === p.districtCode &&
      (OPEN_STATES as readonly string[]).includes(c.state)
    ) {
      return { c, distance: repo.haversineM(p.lng, p.lat, c.lng, c.lat) };
    }
  }
  if (!p.matterCode) return undefined;
  return (await candidates(db, settings, now, { ...p, matterCode: p.matterCode }))[0];
}

/** Every open case the report would join, nearest first (`GET /api/reports/duplicates` too). */
export async function candidates(
  db: Db,
  settings: CaseSettings,
  now: Date,
  p: { matterCode: string; lng: number; lat: number; districtCode: string },
) {
  const w = duplicateWindowFor(settings.duplicate, p.matterCode);
  return repo.nearbyOpenCases(
    db,
    { ...p, radiusM: w.radiusM, since: new Date(now.getTime() - w.windowHours * 3600_000) },
    OPEN_STATES,
  );
}

/** How many open cases of a type the address look-up compares, oldest first. */
const ADDRESS_CANDIDATES = 500;

export interface AddressLocation {
  location: { lng: number; lat: number; crs: 'wgs84' };
  /** How the point was found: an open case at the same address, or the gazetteer's place. */
  by: 'case_address' | 'gazetteer';
  /** The open case at the same address (the report joins it). */
  caseId?: string;
  /** The gazetteer's place the address names. */
  place?: { id: string; name: string };
}

const noPoint = (address: string, why: { zh: string; en: string }) =>
  new AppError('UNPROCESSABLE', {
    zh: `无法确定“${address}”的位置：${why.zh}。请在地图上选点`,
    en: `Cannot place "${address}": ${why.en}. Pick the point on the map`,
    details: [{ field: 'body.location', message: `${why.en}; a map point is needed` }],
  });

/**
 * Where a report given only as an address is (the hotline's caller who gives no point): the open
 * case of its type at the same address in the caller's reporting area (the type: the given one, or
 * the classifier's confident suggestion for the words), else the gazetteer's one place, else 422.
 */
export async function locateAddress(
  db: Db,
  ctx: RequestContext,
  spatial: SpatialService,
  input: { address: string; description: string; matterCode?: string | null },
): Promise<AddressLocation> {
  const { settings, now } = await loadClock(db);
  const address = input.address.trim();
  const suggested = input.matterCode
    ? []
    : (await suggest(db, ctx, { text: input.description }, { places: false })).matterTypes;
  const type = duplicateTypeOf(settings.duplicate, input.matterCode, suggested);
  if (type) {
    const w = duplicateWindowFor(settings.duplicate, type);
    const rows = await repo.openCasesWithAddress(
      db,
      {
        matterCode: type,
        since: new Date(now.getTime() - w.windowHours * 3600_000),
        scope: reportArea.filter(ctx.actor),
        limit: ADDRESS_CANDIDATES,
      },
      OPEN_STATES,
    );
    const matches = rows.filter((c) => {
      const divisions = [spatial.nameOf(c.districtCode), spatial.nameOf(c.townshipCode)];
      const mine = normaliseAddress(address, divisions);
      return mine !== '' && mine === normaliseAddress(c.address ?? '', divisions);
    });
    // The same street and number in two districts (解放路100号 in 海曙 and in 江北) is not one place:
    // a caller whose operator may report in both is asked where, never joined to either at random.
    const districts = [...new Set(matches.map((c) => c.districtCode))];
    if (districts.length > 1) {
      const names = districts.map((d) => spatial.nameOf(d) ?? d);
      throw noPoint(address, {
        zh: `该地址在多个区都有在办案件（${names.join('、')}）`,
        en: `open cases have this address in several districts (${names.join(', ')})`,
      });
    }
    const c = matches[0];
    if (c) return { location: { lng: c.lng, lat: c.lat, crs: 'wgs84' }, by: 'case_address', caseId: c.id };
  }
  const found = await placeForAddress(db, spatial, address);
  if (found.kind === 'one') {
    const { place } = found;
    return {
      location: { ...place.point, crs: 'wgs84' },
      by: 'gazetteer',
      place: { id: place.id, name: place.name },
    };
  }
  if (found.kind === 'ambiguous') {
    throw noPoint(address, {
      zh: `“${found.name}”在多处都有（${found.districts.join('、')}）`,
      en: `"${found.name}" is in several places (${found.districts.join(', ')})`,
    });
  }
  if (found.kind === 'tooLong') {
    throw noPoint(address, {
      zh: '地址超过 50 个字，无法在地名地址库中查找',
      en: 'the address is over 50 characters and cannot be looked up in the gazetteer',
    });
  }
  throw noPoint(address, {
    zh: '没有同一地址的在办案件，地名地址库中也找不到该地址',
    en: 'no open case has this address and the gazetteer does not know it',
  });
}
