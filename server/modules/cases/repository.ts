import { and, asc, count, desc, eq, gte, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import type { CaseState } from '../../../common/workflow.ts';
import type { Db } from '../../platform/db.ts';
import { event } from '../../platform/event-table.ts';
import { apiKey, appUser } from '../identity/tables.ts';
import { org } from '../org/tables.ts';
import { caseCodeSeq, caseFile, caseStage, caseTask, report } from './tables.ts';

export type CaseRow = typeof caseFile.$inferSelect;
export type ReportRow = typeof report.$inferSelect;

export async function findCase(db: Db, id: string, forUpdate = false): Promise<CaseRow | undefined> {
  const q = db.select().from(caseFile).where(eq(caseFile.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
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
        eq(caseFile.matterCode, p.matterCode),
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
  return db
    .select({ r: report, c: caseFile, user: appUser, org })
    .from(report)
    .innerJoin(appUser, sql`${appUser.id}::text = ${report.submitter}`)
    .innerJoin(org, eq(org.id, appUser.orgId))
    .innerJoin(caseFile, eq(caseFile.id, report.caseId))
    .where(
      and(
        'caseId' in which ? eq(report.caseId, which.caseId) : inArray(report.id, [...which.reportIds]),
        eq(appUser.disabled, false),
      ),
    )
    .orderBy(asc(report.createdAt));
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the timeline shows for its actors: a user's display name, an API key's name, by the
 * event's actor id (events keep the username, which people do not read as a name).
 */
export async function actorDisplayNames(
  db: Db,
  actors: { actorType: string; actorId: string | null }[],
): Promise<Map<string, string>> {
  const ids = (type: string) => [
    ...new Set(
      actors.filter((a) => a.actorType === type && a.actorId && UUID.test(a.actorId)).map((a) => a.actorId!),
    ),
  ];
  const userIds = ids('user');
  const keyIds = ids('api_key');
  const [users, keys] = await Promise.all([
    userIds.length
      ? db
          .select({ id: appUser.id, name: appUser.displayName })
          .from(appUser)
          .where(inArray(appUser.id, userIds))
      : [],
    keyIds.length
      ? db.select({ id: apiKey.id, name: apiKey.name }).from(apiKey).where(inArray(apiKey.id, keyIds))
      : [],
  ]);
  return new Map([...users, ...keys].map((r) => [r.id, r.name]));
}

export async function listCases(
  db: Db,
  where: SQL | undefined,
  order: 'due' | 'newest',
  page: number,
  pageSize: number,
): Promise<{ rows: CaseRow[]; total: number }> {
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(caseFile)
      .where(where)
      .orderBy(
        ...(order === 'due'
          ? [sql`${caseFile.currentDueAt} ASC NULLS LAST`, desc(caseFile.createdAt)]
          : [desc(caseFile.createdAt)]),
      )
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(caseFile).where(where),
  ]);
  return { rows, total: Number(n) };
}

/** Users of an organisation holding one of the roles: who a notification goes to. */
export async function usersWithRoles(db: Db, orgIds: string[], roles: string[]) {
  if (orgIds.length === 0) return [];
  return db
    .select({ id: appUser.id })
    .from(appUser)
    .where(
      and(
        inArray(appUser.orgId, orgIds),
        eq(appUser.disabled, false),
        or(...roles.map((r) => sql`${r} = ANY(${appUser.roles})`)),
      ),
    );
}

export async function centreOf(db: Db, level: 'district' | 'city', districtCode: string) {
  const [row] = await db
    .select()
    .from(org)
    .where(
      level === 'city'
        ? eq(org.kind, 'city_center')
        : and(eq(org.kind, 'district_center'), eq(org.districtCode, districtCode)),
    )
    .limit(1);
  return row;
}
