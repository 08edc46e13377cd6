/** The GPS queries: terminals (with their organisation's name), a track of positions. */
import { and, asc, count, eq, ilike, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { likeLiteral } from '../../platform/like.ts';
import { orgRelation } from '../org/index.ts';
import { gpsPosition, gpsTerminal } from './tables.ts';

export type TerminalRow = typeof gpsTerminal.$inferSelect;
export interface TerminalWithOrg {
  t: TerminalRow;
  orgName: string | null;
}

const selection = { t: gpsTerminal, orgName: orgRelation.name };

export async function findTerminal(db: Db, id: string, forUpdate = false): Promise<TerminalRow | undefined> {
  const q = db.select().from(gpsTerminal).where(eq(gpsTerminal.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

/** By its canonical phone/ID (common/gps.ts `canonicalTerminalPhone`). */
export async function findTerminalByPhone(
  db: Db,
  phone: string,
  forUpdate = false,
): Promise<TerminalRow | undefined> {
  const q = db.select().from(gpsTerminal).where(eq(gpsTerminal.terminalPhone, phone));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function terminalWithOrg(db: Db, id: string): Promise<TerminalWithOrg | undefined> {
  const [row] = await db
    .select(selection)
    .from(gpsTerminal)
    .leftJoin(orgRelation, eq(orgRelation.id, gpsTerminal.orgId))
    .where(eq(gpsTerminal.id, id));
  return row;
}

export interface TerminalFilters {
  scope: SQL | undefined;
  q?: string;
  kind?: string;
  orgId?: string;
  districtCode?: string;
  enabled?: boolean;
}

export async function listTerminals(
  db: Db,
  f: TerminalFilters,
  page: number,
  pageSize: number,
): Promise<{ rows: TerminalWithOrg[]; total: number }> {
  const like = f.q ? `%${likeLiteral(f.q)}%` : undefined;
  const where = and(
    f.scope,
    like ? or(ilike(gpsTerminal.plate, like), ilike(gpsTerminal.terminalPhone, like)) : undefined,
    f.kind ? eq(gpsTerminal.kind, f.kind as TerminalRow['kind']) : undefined,
    f.orgId ? eq(gpsTerminal.orgId, f.orgId) : undefined,
    f.districtCode ? eq(gpsTerminal.districtCode, f.districtCode) : undefined,
    f.enabled === undefined ? undefined : eq(gpsTerminal.enabled, f.enabled),
  );
  const [rows, [{ n }]] = await Promise.all([
    db
      .select(selection)
      .from(gpsTerminal)
      .leftJoin(orgRelation, eq(orgRelation.id, gpsTerminal.orgId))
      .where(where)
      .orderBy(asc(gpsTerminal.terminalPhone))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(gpsTerminal).where(where),
  ]);
  return { rows, total: Number(n) };
}

export type TrackRow = Pick<
  typeof gpsPosition.$inferSelect,
  'time' | 'lat' | 'lng' | 'speed' | 'direction' | 'altitude' | 'alarm' | 'status' | 'accuracy' | 'extras'
>;

/**
 * One terminal's or person's positions in [from, to), in time order, at most `limit` (the caller
 * asks one more than it answers, to know there were more). The conditions match the unique key's
 * leading columns (terminal, user, time), and the time range prunes the partitions.
 */
export async function track(
  db: Db,
  subject: { terminalId: string } | { userId: string },
  from: Date,
  to: Date,
  limit: number,
): Promise<TrackRow[]> {
  const who =
    'terminalId' in subject
      ? and(eq(gpsPosition.terminalId, subject.terminalId), isNull(gpsPosition.userId))
      : and(isNull(gpsPosition.terminalId), eq(gpsPosition.userId, subject.userId));
  return db
    .select({
      time: gpsPosition.time,
      lat: gpsPosition.lat,
      lng: gpsPosition.lng,
      speed: gpsPosition.speed,
      direction: gpsPosition.direction,
      altitude: gpsPosition.altitude,
      alarm: gpsPosition.alarm,
      status: gpsPosition.status,
      accuracy: gpsPosition.accuracy,
      extras: gpsPosition.extras,
    })
    .from(gpsPosition)
    .where(
      and(
        who,
        sql`${gpsPosition.time} >= ${from.toISOString()}::timestamptz`,
        sql`${gpsPosition.time} < ${to.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(gpsPosition.time), asc(gpsPosition.serial))
    .limit(limit);
}
