/**
 * What the public may learn of reports, for the public portal (modules/portal): a report and its
 * case by the tracking code, the case's public steps since the report, the photos of its result,
 * and recent cases the public reported near a point. No permission check here — these answer the
 * holder of a tracking code, or anyone — so each returns only what common/public-report.ts calls
 * public or what the portal's policy narrows further; who gets them is the portal's policy.
 */
import fs from 'node:fs/promises';
import { and, asc, desc, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import { PUBLIC_CHANNELS } from '../../../common/channels.ts';
import { PUBLIC_STEP_OF, type PublicStep, RESULT_PHOTO_ACTIONS } from '../../../common/public-report.ts';
import type { CaseAction } from '../../../common/workflow.ts';
import type { Db } from '../../platform/db.ts';
import { event } from '../../platform/event-table.ts';
import { photoPaths } from './photos.ts';
import { type CaseRow, haversineM, type ReportRow } from './repository.ts';
import { caseFile, photo, report } from './tables.ts';

/** The report with this tracking code and the case it is on now (a merge moves it), or null. */
export async function reportByTrackingCode(
  db: Db,
  trackingCode: string,
): Promise<{ report: ReportRow; case: CaseRow } | null> {
  const [row] = await db
    .select({ r: report, c: caseFile })
    .from(report)
    .innerJoin(caseFile, eq(caseFile.id, report.caseId))
    .where(eq(report.trackingCode, trackingCode));
  return row ? { report: row.r, case: row.c } : null;
}

const STEP_ACTIONS = Object.keys(PUBLIC_STEP_OF).map((a) => `case.${a}`);

/**
 * The public steps of a case from `since` on (the report's own time: what happened to the case
 * before someone joined it is summed up by its status), oldest first, a step repeated in a row
 * (two dispatches) shown once. Times and steps only: not who, not their words.
 */
export async function publicStepsOf(db: Db, caseId: string, since: Date) {
  const rows = await db
    .select({ action: event.action, at: event.at })
    .from(event)
    .where(
      and(
        eq(event.entityType, 'case'),
        eq(event.entityId, caseId),
        inArray(event.action, STEP_ACTIONS),
        gte(event.at, since),
      ),
    )
    .orderBy(asc(event.id));
  const steps: { at: Date; step: PublicStep }[] = [];
  for (const r of rows) {
    const step = PUBLIC_STEP_OF[r.action.slice('case.'.length) as CaseAction];
    if (step && steps.at(-1)?.step !== step) steps.push({ at: r.at, step });
  }
  return steps;
}

/**
 * The photos of a case's result (处置后照片): those of its latest disposal (the unit's feedback or
 * an inspector's fix on the spot — after a rework, the round that passed) and of its latest passed
 * check. Ids only; whether the public may see them (once resolved) is the portal's decision.
 */
export async function resultPhotosOf(db: Db, caseId: string): Promise<string[]> {
  const rows = await db
    .select({ action: event.action, after: event.after })
    .from(event)
    .where(
      and(
        eq(event.entityType, 'case'),
        eq(event.entityId, caseId),
        inArray(
          event.action,
          RESULT_PHOTO_ACTIONS.map((a) => `case.${a}`),
        ),
      ),
    )
    .orderBy(desc(event.id));
  const photosOf = (after: unknown): string[] => {
    const ids = (after as { input?: { photos?: unknown } } | null)?.input?.photos;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  };
  const disposal = rows.find((r) => r.action !== 'case.check_pass');
  const check = rows.find((r) => r.action === 'case.check_pass');
  return [...new Set([...photosOf(disposal?.after), ...photosOf(check?.after)])];
}

/**
 * Cases the public reported (common/channels.ts `PUBLIC_CHANNELS`) since `since` within `radiusM`
 * of a WGS84 point, newest first, at most `limit`; merged ones are left out (they live on in the
 * case they joined). A bounding box first, the exact distance after.
 */
export async function recentPublicCases(
  db: Db,
  q: { lng: number; lat: number; radiusM: number; since: Date; limit: number },
) {
  const dLat = q.radiusM / 111_320;
  const dLng = q.radiusM / (111_320 * Math.cos((q.lat * Math.PI) / 180));
  const rows = await db
    .select({
      id: caseFile.id,
      state: caseFile.state,
      matterCode: caseFile.matterCode,
      lng: caseFile.lng,
      lat: caseFile.lat,
      createdAt: caseFile.createdAt,
      closedAt: caseFile.closedAt,
    })
    .from(caseFile)
    .where(
      and(
        inArray(caseFile.channel, [...PUBLIC_CHANNELS]),
        gte(caseFile.createdAt, q.since),
        gte(caseFile.lng, q.lng - dLng),
        lte(caseFile.lng, q.lng + dLng),
        gte(caseFile.lat, q.lat - dLat),
        lte(caseFile.lat, q.lat + dLat),
        isNull(caseFile.mergedInto),
        sql`${caseFile.state} <> 'merged'`,
      ),
    )
    .orderBy(desc(caseFile.createdAt))
    // The box's corners lie outside the circle (a fifth of its area): room for what they take.
    .limit(q.limit * 2);
  return rows
    .map((c) => ({ ...c, distanceM: haversineM(q.lng, q.lat, c.lng, c.lat) }))
    .filter((c) => c.distanceM <= q.radiusM)
    .slice(0, q.limit);
}

/** A stored photo (the re-encoded original or its WebP thumbnail), or null when there is none. */
export async function storedPhoto(
  db: Db,
  dataDir: string,
  id: string,
  thumb: boolean,
): Promise<{ mime: string; data: Buffer } | null> {
  const [row] = await db.select({ mime: photo.mime }).from(photo).where(eq(photo.id, id));
  if (!row) return null;
  const p = photoPaths(dataDir, id);
  const data = await fs.readFile(thumb ? p.thumb : p.original).catch(() => null);
  return data ? { mime: thumb ? 'image/webp' : row.mime, data } : null;
}
