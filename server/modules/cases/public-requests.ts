/**
 * Reports as the public may read them, for open interfaces that publish them (Open311
 * GeoReport v2's `GET requests`): each report's public view (common/public-report.ts — the
 * reporter's own words, place and time, the tracking code left out here, the public status
 * mapped from the case's state) and the few facts about its case that such an interface shows
 * to everyone: the matter type, when the case last changed or closed, and the disposal deadline
 * once a unit is working on it. Never who reported, who works on it, the case's code, grid,
 * urgency or another reporter's words.
 *
 * Which reports are public is the caller's rule (`channels`): the cases module only reads.
 * Reports whose case has no matter type yet are left out (an open interface names every
 * request's type) — unless the case was opened with the classifier's confident suggestion
 * (`suggested_matter_code`, the type the duplicate check matched it on): then that type stands
 * until the case is filed, so an Open311 request that joined such a case as the same problem (its
 * own service_code) does not vanish from GET requests.
 */
import { and, desc, eq, gte, inArray, isNotNull, lte, type SQL, sql } from 'drizzle-orm';
import type { Channel } from '../../../common/channels.ts';
import { type PublicReportView, toPublicReport } from '../../../common/public-report.ts';
import type { CaseState } from '../../../common/workflow.ts';
import type { Db } from '../../platform/db.ts';
import { caseFile, report } from './tables.ts';

export interface PublicReportFilter {
  /** The channels whose reports are public. */
  channels: readonly Channel[];
  /** Only these reports (their ids). */
  reportIds?: readonly string[];
  /** Only cases of these matter types. */
  matterCodes?: readonly string[];
  /** Reported at or after / at or before. */
  from?: Date;
  to?: Date;
  /** Only reports whose case is in one of these states. */
  states?: readonly CaseState[];
  /** Newest first, at most this many. */
  limit: number;
}

/** One public report: its public view and what an open interface may say about its case. */
export interface PublicReportRecord {
  view: Omit<PublicReportView<Channel>, 'trackingCode'>;
  /** The case's state, for the caller's rule of what to show (never shown itself). */
  caseState: CaseState;
  matterCode: string;
  mediaUrl: string | null;
  /** The address the reporter wrote (their own words, like the description), if any. */
  address: string | null;
  districtCode: string;
  /** When the case last changed (its close, once closed). */
  updatedAt: Date;
  /** The disposal deadline while a unit works on the case (the dispose stage runs). */
  expectedAt: Date | null;
}

type Row = { r: typeof report.$inferSelect; c: typeof caseFile.$inferSelect };

function toRecord({ r, c }: Row): PublicReportRecord {
  const { trackingCode: _secret, ...view } = toPublicReport(r, c);
  return {
    view,
    caseState: c.state,
    matterCode: (c.matterCode ?? c.suggestedMatterCode)!,
    mediaUrl: r.mediaUrl,
    address: r.address,
    districtCode: c.districtCode,
    updatedAt: c.closedAt ?? c.updatedAt,
    expectedAt: c.currentStage === 'dispose' ? c.currentDueAt : null,
  };
}

/** The type an open interface names: the case's, or its confident suggestion while it has none. */
const typeOfCase = sql<string | null>`coalesce(${caseFile.matterCode}, ${caseFile.suggestedMatterCode})`;

const publicOnly = (channels: readonly Channel[]): SQL =>
  and(inArray(report.channel, [...channels]), isNotNull(typeOfCase))!;

export async function publicReports(db: Db, f: PublicReportFilter): Promise<PublicReportRecord[]> {
  if (f.channels.length === 0 || f.reportIds?.length === 0 || f.matterCodes?.length === 0) return [];
  if (f.states?.length === 0) return [];
  const rows = await db
    .select({ r: report, c: caseFile })
    .from(report)
    .innerJoin(caseFile, eq(caseFile.id, report.caseId))
    .where(
      and(
        publicOnly(f.channels),
        f.reportIds ? inArray(report.id, [...f.reportIds]) : undefined,
        f.matterCodes ? inArray(typeOfCase, [...f.matterCodes]) : undefined,
        f.from ? gte(report.createdAt, f.from) : undefined,
        f.to ? lte(report.createdAt, f.to) : undefined,
        f.states ? inArray(caseFile.state, [...f.states]) : undefined,
      ),
    )
    .orderBy(desc(report.createdAt), desc(report.id))
    .limit(f.limit);
  return rows.map(toRecord);
}

/** The public report with this tracking code (查询码), or undefined (unknown, or not public). */
export async function publicReportIdByTrackingCode(
  db: Db,
  trackingCode: string,
  channels: readonly Channel[],
): Promise<string | undefined> {
  if (channels.length === 0) return undefined;
  const [row] = await db
    .select({ id: report.id })
    .from(report)
    .innerJoin(caseFile, eq(caseFile.id, report.caseId))
    .where(and(eq(report.trackingCode, trackingCode), publicOnly(channels)));
  return row?.id;
}
