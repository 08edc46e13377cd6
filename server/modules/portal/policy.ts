/**
 * The public portal's rules: everything under /api/public is anonymous (no session, no cookie), so
 * this file says exactly what an anonymous caller may do and see — nothing else in the module
 * decides it.
 *
 * - Report: as `citizenContext`, an actor holding `case:report` and nothing else (no case:read, so
 *   intake answers with the public view and never the case), through the cases module's intake on
 *   the channel `web`. Where: anywhere in the managed area.
 * - Follow a report: whoever holds its tracking code (12 characters, 60 random bits from the
 *   database's CSPRNG: not guessable, and lookups are throttled per address) sees its public view
 *   (`PublicTrackView`): the reporter's own words, place and photos, the public status and steps —
 *   never who acted, their words, another reporter's anything or the case behind it.
 * - Photos through the code (`photoVisible`): the report's own always; the result's (处置后照片)
 *   only once the report is resolved.
 * - Rate: the code's holder, once the report is resolved, once per closing of its case
 *   (`mayRate`; the call-back module records it and checks the code again).
 * - Nearby (`NEARBY`): cases the public reported, within a bounded radius, time and count, at a
 *   coarse position (`coarse`), with type, public status and dates only — no words, no photos, no
 *   people.
 * - Read shared reference data the public needs: enabled matter types (browse), the gazetteer (the
 *   address search, without grid ids), the city's extent, the demo district outlines and the
 *   division tiles (`PUBLIC_TILE_LAYERS`: not grids, not components). Each through a reader context
 *   holding only that read permission (`readerContext`).
 */
import { randomUUID } from 'node:crypto';
import type { Permission } from '../../../common/identity.ts';
import type { PublicStatus } from '../../../common/public-report.ts';
import { type RequestContext, systemContext } from '../../platform/context.ts';

/**
 * The member of the public behind one portal request: anonymous, reporting only. Each request is
 * its own actor (`id`: a fresh uuid, what the audit trail and the photo's uploader row name), so
 * nothing one citizen sends is readable by another; the idempotency namespace is the portal's
 * (intake's `submitterOf`: `anonymous:portal`), whose keys are random uuids.
 */
export function citizenContext(ctx: RequestContext): RequestContext {
  return {
    ...ctx,
    actor: {
      type: 'anonymous',
      id: randomUUID(),
      name: 'portal',
      orgId: null,
      roles: [],
      permissions: ['case:report'],
      // Reporting is allowed anywhere in the managed area (intake's `reportArea`); with no read
      // permission the scope opens nothing else.
      scope: { kind: 'city' },
    },
  };
}

/** The reading context for one kind of shared reference data the public may see. */
export function readerContext(name: string, permission: Permission): RequestContext {
  return systemContext(`portal:${name}`, [permission]);
}

/** Vector tile layers the public map draws: the divisions only (grids and components are the staff's). */
export const PUBLIC_TILE_LAYERS = ['divisions'] as const;

/** Bounds of "recent reports nearby". */
export const NEARBY = {
  defaultRadiusM: 1000,
  maxRadiusM: 3000,
  defaultLimit: 50,
  maxLimit: 100,
  /** How far back the list looks. */
  days: 30,
} as const;

/** Decimal places of a public position: 0.001° ≈ 100 m north–south, about 95 m east–west here. */
const COARSE_DIGITS = 3;
export const coarse = (deg: number) => Number(deg.toFixed(COARSE_DIGITS));

/** Photos a tracking code opens: the report's own, and the result's once it is resolved. */
export function photoVisible(
  view: { status: PublicStatus; photos: readonly string[]; afterPhotos: readonly string[] },
  id: string,
): boolean {
  return view.photos.includes(id) || (view.status === 'resolved' && view.afterPhotos.includes(id));
}

/** The code's holder may rate a resolved report whose case has no rating yet. */
export const mayRate = (status: PublicStatus, rated: boolean): boolean => status === 'resolved' && !rated;

/** Photos one report may carry from the portal. */
export const MAX_PHOTOS = 3;
/** The `report` field of the multipart form (JSON): far above any valid one, far below harm. */
export const MAX_FIELD_BYTES = 16 * 1024;
