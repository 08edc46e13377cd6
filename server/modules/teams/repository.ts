/** The team queries: members in a scope, shifts, roster cells and attendance rows of days. */
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { teamAttendance, teamMember, teamRoster, teamRosterTemplate, teamShift } from './tables.ts';

export type MemberRow = typeof teamMember.$inferSelect;
export type ShiftRow = typeof teamShift.$inferSelect;
export type RosterRow = typeof teamRoster.$inferSelect;
export type TemplateRow = typeof teamRosterTemplate.$inferSelect;
export type AttendanceRow = typeof teamAttendance.$inferSelect;

export async function findMember(db: Db, userId: string, forUpdate = false): Promise<MemberRow | undefined> {
  const q = db.select().from(teamMember).where(eq(teamMember.userId, userId));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function members(db: Db, scope: SQL | undefined, district?: string, activeOnly = false) {
  return db
    .select()
    .from(teamMember)
    .where(
      and(
        scope,
        district ? eq(teamMember.districtCode, district) : undefined,
        activeOnly ? eq(teamMember.active, true) : undefined,
      ),
    );
}

export async function shifts(db: Db, scope: SQL | undefined): Promise<ShiftRow[]> {
  return db.select().from(teamShift).where(scope).orderBy(asc(teamShift.startMinute), asc(teamShift.name));
}

export async function findShift(db: Db, id: string, forUpdate = false): Promise<ShiftRow | undefined> {
  const q = db.select().from(teamShift).where(eq(teamShift.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function shiftsByIds(db: Db, ids: readonly string[]): Promise<Map<string, ShiftRow>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await db.select().from(teamShift).where(inArray(teamShift.id, wanted));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function templates(db: Db, scope: SQL | undefined): Promise<TemplateRow[]> {
  return db.select().from(teamRosterTemplate).where(scope).orderBy(asc(teamRosterTemplate.name));
}

export async function findTemplate(db: Db, id: string, forUpdate = false): Promise<TemplateRow | undefined> {
  const q = db.select().from(teamRosterTemplate).where(eq(teamRosterTemplate.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function rosterCells(
  db: Db,
  userIds: readonly string[],
  days: readonly string[],
): Promise<RosterRow[]> {
  if (userIds.length === 0 || days.length === 0) return [];
  return db
    .select()
    .from(teamRoster)
    .where(and(inArray(teamRoster.userId, [...userIds]), inArray(teamRoster.day, [...days])));
}

export async function attendanceRows(
  db: Db,
  userIds: readonly string[],
  days: readonly string[],
): Promise<AttendanceRow[]> {
  if (userIds.length === 0 || days.length === 0) return [];
  return db
    .select()
    .from(teamAttendance)
    .where(and(inArray(teamAttendance.userId, [...userIds]), inArray(teamAttendance.day, [...days])));
}
