/**
 * Open cases near a point, for another channel that asks which case a message is about (an online
 * opinion post linked to the case it complains of), the one open case such a link may name, and
 * the case a report made for such a message is on.
 * A case is read here through the same scope as everywhere else (`caseRead`): a caller gets only
 * the cases they may open; an internal process (the opinion poller's automatic link) names no
 * caller and sees every open case, deciding nothing but the link it records.
 */
import { and, eq, gte, inArray, isNull, like, lte, or, type SQL } from 'drizzle-orm';
import { OPEN_STATES } from '../../../common/workflow.ts';
import type { Actor } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { type CaseSummaryDto, toCaseSummary } from './dto.ts';
import { caseRead } from './policy.ts';
import { findCase, haversineM } from './repository.ts';
import { caseFile, report } from './tables.ts';

export interface OpenCasesNearQuery {
  lng: number;
  lat: number;
  radiusM: number;
  /** Only cases of this matter type … */
  matterCode?: string;
  /** … or of this family (the 2-digit major class, e.g. 01 市政公用设施), with untyped cases too. */
  matterMajor?: string;
  /** Only the cases this caller may open (absent: an internal process). */
  visibleTo?: Actor;
  limit?: number;
}

/** Nearest first, each with its distance in metres. */
export async function openCasesNear(
  db: Db,
  q: OpenCasesNearQuery,
): Promise<{ distanceM: number; case: CaseSummaryDto }[]> {
  const dLat = q.radiusM / 111_320;
  const dLng = q.radiusM / (111_320 * Math.cos((q.lat * Math.PI) / 180));
  const type: SQL | undefined = q.matterCode
    ? inArray(caseFile.matterCode, [q.matterCode])
    : q.matterMajor
      ? or(
          like(caseFile.matterCode, `${q.matterMajor.replace(/[^0-9A-Z]/g, '')}%`),
          isNull(caseFile.matterCode),
        )
      : undefined;
  const rows = await db
    .select()
    .from(caseFile)
    .where(
      and(
        type,
        gte(caseFile.lng, q.lng - dLng),
        lte(caseFile.lng, q.lng + dLng),
        gte(caseFile.lat, q.lat - dLat),
        lte(caseFile.lat, q.lat + dLat),
        inArray(caseFile.state, [...OPEN_STATES]),
        isNull(caseFile.mergedInto),
        q.visibleTo ? caseRead.filter(q.visibleTo) : undefined,
      ),
    )
    .limit(500);
  const now = new Date();
  return rows
    .map((c) => ({ c, d: haversineM(q.lng, q.lat, c.lng, c.lat) }))
    .filter((x) => x.d <= q.radiusM)
    .sort((a, b) => a.d - b.d || a.c.code.localeCompare(b.c.code))
    .slice(0, q.limit ?? 20)
    .map((x) => ({ distanceM: Math.round(x.d), case: toCaseSummary(x.c, now) }));
}

/** The case, when it is open and the caller may open it; otherwise null (as if it did not exist). */
export async function openCaseFor(db: Db, actor: Actor, caseId: string): Promise<CaseSummaryDto | null> {
  const c = await findCase(db, caseId);
  if (!c || !caseRead.allows(actor, c) || !OPEN_STATES.includes(c.state) || c.mergedInto) return null;
  return toCaseSummary(c);
}

/** The code of a case the caller may open (any state), else null: a link names only what it may show. */
export async function caseCodeFor(db: Db, actor: Actor, caseId: string): Promise<string | null> {
  const c = await findCase(db, caseId);
  return c && caseRead.allows(actor, c) ? c.code : null;
}

/** The case a report is on now (merges move reports): its id and code. */
export async function caseOfReport(db: Db, reportId: string): Promise<{ id: string; code: string } | null> {
  const [row] = await db
    .select({ id: caseFile.id, code: caseFile.code })
    .from(report)
    .innerJoin(caseFile, eq(caseFile.id, report.caseId))
    .where(eq(report.id, reportId));
  return row ?? null;
}
