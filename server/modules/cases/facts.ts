/**
 * The case as the modules that follow it up read it through this module's index — the call-back
 * queue (who reported it on which channel, when it was closed, which unit had it). Plain facts of
 * the rows: whoever asks decides what its caller may see of them (its own policy; reporters'
 * contacts masked by `seesReporterContact`).
 */
import { asc, inArray } from 'drizzle-orm';
import type { Channel } from '../../../common/channels.ts';
import type { CaseState } from '../../../common/workflow.ts';
import type { Db } from '../../platform/db.ts';
import { caseFile, report } from './tables.ts';

export interface CaseReportFacts {
  id: string;
  channel: Channel;
  submitter: string;
  reporterName: string | null;
  reporterPhone: string | null;
  trackingCode: string;
  description: string;
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
      createdAt: r.createdAt,
    });
  }
  return out;
}
