import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  isNull,
  lte,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { CaseState } from '../../../common/workflow.ts';
import type { Db } from '../../platform/db.ts';
import { event } from '../../platform/event-table.ts';
import { enabledUsersWithOrg } from '../identity/index.ts';
import { caseCodeSeq, caseFile, caseStage, caseTask, report } from './tables.ts';

export type CaseRow = typeof caseFile.$inferSelect;
export type ReportRow = typeof report.$inferSelect;

export async function findCase(db: Db, id: string, forUpdate = false): Promise<CaseRow | undefined> {
  const q = db.select().from(caseFile).where(eq(caseFile.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

/** The id of the case with this code (e.g. the audit trail's filter), whoever may read it. */
export async function caseIdByCode(db: Db, code: string): Promise<string | undefined> {
  const [row] = await db.select({ id: caseFile.id }).from(caseFile).where(eq(caseFile.code, code));
  return row?.id;
}

export async function findReportByKey(
  db: Db,
  submitter: string,
  key: string,
): Promise<ReportRow | undefined> {
  const [row] = await db
    .select()
    .from(report)
    .where(and(eq(report.submitter, submitter), eq(report.idempotencyKey, key)));
  return row;
}

export async function nextCaseNumber(db: Db): Promise<number> {
  const [row] = await db
    .execute<{ n: string }>(sql`SELECT nextval(${caseCodeSeq.seqName}) AS n`)
    .then((r) => (r as unknown as { rows: { n: string }[] }).rows);
  return Number(row.n);
}

/**
 * A case "is of" a matter type for the duplicate check: its type, or — while it has none (a
 * report without a type) — the classifier's confident suggestion it was opened with.
 */
export const caseOfType = (matterCode: string) =>
  or(
    eq(caseFile.matterCode, matterCode),
    and(isNull(caseFile.matterCode), eq(caseFile.suggestedMatterCode, matterCode)),
  );

/**
 * Open cases of one matter type near a point within a time window: the duplicate candidates.
 * A bounding box on the indexed (matter, lng, lat) columns first, the exact distance after.
 */
export async function nearbyOpenCases(
  db: Db,
  p: { matterCode: string; lng: number; lat: number; radiusM: number; since: Date; districtCode: string },
  openStates: readonly string[],
) {
  const dLat = p.radiusM / 111_320;
  const dLng = p.radiusM / (111_320 * Math.cos((p.lat * Math.PI) / 180));
  const rows = await db
    .select()
    .from(caseFile)
    .where(
      and(
        caseOfType(p.matterCode),
        eq(caseFile.districtCode, p.districtCode),
        gte(caseFile.lng, p.lng - dLng),
        lte(caseFile.lng, p.lng + dLng),
        gte(caseFile.lat, p.lat - dLat),
        lte(caseFile.lat, p.lat + dLat),
        gte(caseFile.createdAt, p.since),
        inArray(caseFile.state, [...openStates] as CaseState[]),
        isNull(caseFile.mergedInto),
      ),
    )
    .orderBy(asc(caseFile.createdAt));
  return rows
    .map((c) => ({ c, distance: haversineM(p.lng, p.lat, c.lng, c.lat) }))
    .filter((x) => x.distance <= p.radiusM)
    .sort((a, b) => a.distance - b.distance);
}

/**
 * Open cases of one matter type created since `since` that carry an address, in the `scope`
 * (an SQL filter on the case, the caller's reporting area), oldest first, at most `limit`: where
 * the hotline looks for a caller's address among the open cases (duplicates.ts).
 */
export async function openCasesWithAddress(
  db: Db,
  p: { matterCode: string; since: Date; scope: SQL | undefined; limit: number },
  openStates: readonly string[],
) {
  return db
    .select()
    .from(caseFile)
    .where(
      and(
        caseOfType(p.matterCode),
        isNotNull(caseFile.address),
        gte(caseFile.createdAt, p.since),
        inArray(caseFile.state, [...openStates] as CaseState[]),
        isNull(caseFile.mergedInto),
        p.scope,
      ),
    )
    .orderBy(asc(caseFile.createdAt), asc(caseFile.id))
    .limit(p.limit);
}

export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const R = 6_371_008.8;
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLng = (lng2 - lng1) * toRad;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(a));
}

export async function reportsOfCase(db: Db, caseId: string) {
  return db.select().from(report).where(eq(report.caseId, caseId)).orderBy(asc(report.createdAt));
}

/**
 * The people behind reports (submitters that are user accounts, enabled), each with their
 * organisation and the case their report is on now: those of a case, or the given reports.
 */
export async function reportersOf(db: Db, which: { caseId: string } | { reportIds: readonly string[] }) {
  if ('reportIds' in which && which.reportIds.length === 0) return [];
  const rows = await db
    .select({ r: report, c: caseFile })
    .from(report)
    .innerJoin(caseFile, eq(caseFile.id, report.caseId))
    .where('caseId' in which ? eq(report.caseId, which.caseId) : inArray(report.id, [...which.reportIds]))
    .orderBy(asc(report.createdAt));
  const users = new Map(
    (
      await enabledUsersWithOrg(
        db,
        rows.map((x) => x.r.submitter),
      )
    ).map((u) => [u.user.id, u]),
  );
  return rows.flatMap(({ r, c }) => {
    const u = users.get(r.submitter);
    return u ? [{ r, c, user: u.user, org: u.org }] : [];
  });
}

/** One submitter's reports with their cases, newest first (the submitter leads the unique index). */
export async function reportsOfSubmitter(
  db: Db,
  submitter: string,
  page: number,
  pageSize: number,
): Promise<{ rows: { r: ReportRow; c: CaseRow }[]; total: number }> {
  const where = eq(report.submitter, submitter);
  const [rows, [{ n }]] = await Promise.all([
    db
      .select({ r: report, c: caseFile })
      .from(report)
      .innerJoin(caseFile, eq(caseFile.id, report.caseId))
      .where(where)
      .orderBy(desc(report.createdAt), desc(report.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(report).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function stagesOfCase(db: Db, caseId: string) {
  return db.select().from(caseStage).where(eq(caseStage.caseId, caseId)).orderBy(asc(caseStage.startedAt));
}

export async function tasksOfCase(db: Db, caseId: string) {
  return db.select().from(caseTask).where(eq(caseTask.caseId, caseId)).orderBy(asc(caseTask.createdAt));
}

export async function timelineOf(db: Db, caseId: string) {
  return db
    .select()
    .from(event)
    .where(and(eq(event.entityType, 'case'), eq(event.entityId, caseId)))
    .orderBy(asc(event.id));
}

export async function listCases(
  db: Db,
  where: SQL | undefined,
  order: SQL[],
  page: number,
  pageSize: number,
): Promise<{ rows: CaseRow[]; total: number }> {
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(caseFile)
      .where(where)
      .orderBy(...order)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(caseFile).where(where),
  ]);
  return { rows, total: Number(n) };
}

/** How many cases match (the count a case list totals). */
export async function countCases(db: Db, where: SQL): Promise<number> {
  const [{ n }] = await db.select({ n: count() }).from(caseFile).where(where);
  return Number(n);
}

export { usersWithRoles } from '../identity/index.ts';
/** Who a notification goes to, and the centre a case escalates to: identity's and org's answers. */
export { centreOf } from '../org/index.ts';

/** Open cases as map points: the columns a point and its light need, newest first, at most `limit`. */
export async function mapPoints(db: Db, where: SQL | undefined, limit: number) {
  const [rows, [{ n }]] = await Promise.all([
    db
      .select({
        id: caseFile.id,
        code: caseFile.code,
        state: caseFile.state,
        matterCode: caseFile.matterCode,
        lng: caseFile.lng,
        lat: caseFile.lat,
        currentDueAt: caseFile.currentDueAt,
        currentWarnAt: caseFile.currentWarnAt,
      })
      .from(caseFile)
      .where(where)
      .orderBy(desc(caseFile.createdAt), desc(caseFile.id))
      .limit(limit),
    db.select({ n: count() }).from(caseFile).where(where),
  ]);
  return { rows, total: Number(n) };
}
