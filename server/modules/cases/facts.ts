/**
 * The case as the modules that follow it up read it through this module's index — the call-back
 * queue (who reported it on which channel, when it was closed, which unit had it), the hotline
 * console (a caller's earlier reports, by their phone number). Plain facts of
 * the rows: whoever asks decides what its caller may see of them (its own policy; reporters'
 * contacts masked by `seesReporterContact`).
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Channel } from '../../../common/channels.ts';
import type { CaseState } from '../../../common/workflow.ts';
import type { Actor } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { caseRead } from './policy.ts';
import { caseFile, report } from './tables.ts';

export interface CaseReportFacts {
  id: string;
  channel: Channel;
  submitter: string;
  reporterName: string | null;
  reporterPhone: string | null;
  trackingCode: string;
  description: string;
  /** The report joined the case as the same problem (at intake, or a later merge). */
  merged: boolean;
  createdAt: Date;
}

export interface CaseFacts {
  id: string;
  code: string;
  state: CaseState;
  version: number;
  channel: Channel;
  description: string;
  address: string | null;
  lng: number;
  lat: number;
  districtCode: string;
  matterCode: string | null;
  unitId: string | null;
  filedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  /** Every report on the case now (merged ones included), oldest first. */
  reports: CaseReportFacts[];
}

/**
 * The facts of these cases, by id (a missing id is simply absent). `lock`: the case rows are read
 * FOR UPDATE, so a decision taken on their state in the caller's transaction (a rating of a
 * closed case, and the reopening it may cause) is not overtaken by a concurrent transition.
 */
export async function caseFacts(
  db: Db,
  ids: readonly string[],
  opts: { lock?: boolean } = {},
): Promise<Map<string, CaseFacts>> {
  const out = new Map<string, CaseFacts>();
  const unique = [...new Set(ids)].sort();
  if (unique.length === 0) return out;
  const q = db.select().from(caseFile).where(inArray(caseFile.id, unique));
  const cases = opts.lock ? await q.orderBy(asc(caseFile.id)).for('update') : await q;
  const reports = await db
    .select()
    .from(report)
    .where(inArray(report.caseId, unique))
    .orderBy(asc(report.createdAt), asc(report.id));
  for (const c of cases) {
    out.set(c.id, {
      id: c.id,
      code: c.code,
      state: c.state,
      version: c.version,
      channel: c.channel,
      description: c.description,
      address: c.address,
      lng: c.lng,
      lat: c.lat,
      districtCode: c.districtCode,
      matterCode: c.matterCode,
      unitId: c.unitId,
      filedAt: c.filedAt,
      closedAt: c.closedAt,
      createdAt: c.createdAt,
      reports: [],
    });
  }
  for (const r of reports) {
    out.get(r.caseId)?.reports.push({
      id: r.id,
      channel: r.channel,
      submitter: r.submitter,
      reporterName: r.reporterName,
      reporterPhone: r.reporterPhone,
      trackingCode: r.trackingCode,
      description: r.description,
      merged: r.merged,
      createdAt: r.createdAt,
    });
  }
  return out;
}

/** A report of a caller with the case it is on now: the hotline console's history. */
export interface CallerReportFacts {
  reportId: string;
  trackingCode: string;
  channel: Channel;
  description: string;
  createdAt: Date;
  caseId: string;
  caseCode: string;
  state: CaseState;
  closedAt: Date | null;
}

/**
 * The latest reports whose reporter phone is one of `phones` (the forms one number is stored in:
 * reports keep the phone as it was typed) on cases `reader` may see, newest first, at most `limit`.
 */
export async function reportsByPhone(
  db: Db,
  reader: Actor,
  phones: readonly string[],
  limit: number,
): Promise<CallerReportFacts[]> {
  if (phones.length === 0) return [];
  const rows = await db
    .select({ r: report, c: caseFile })
    .from(report)
    .innerJoin(caseFile, eq(caseFile.id, report.caseId))
    // Only the cases the reader may see (the case list's rule: a district its district's cases).
    .where(and(inArray(report.reporterPhone, [...phones]), caseRead.filter(reader)))
    .orderBy(desc(report.createdAt), desc(report.id))
    .limit(limit);
  return rows.map(({ r, c }) => ({
    reportId: r.id,
    trackingCode: r.trackingCode,
    channel: r.channel,
    description: r.description,
    createdAt: r.createdAt,
    caseId: c.id,
    caseCode: c.code,
    state: c.state,
    closedAt: c.closedAt,
  }));
}
