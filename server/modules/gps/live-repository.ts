/** The live map's queries: terminals with their organisation, the newest phone fix per person. */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { orgRelation } from '../org/index.ts';
import { gpsPosition, gpsTerminal } from './tables.ts';

export interface LiveTerminalRow {
  id: string;
  terminalPhone: string;
  plate: string | null;
  kind: typeof gpsTerminal.$inferSelect.kind;
  orgId: string;
  orgName: string | null;
  districtCode: string | null;
  lastSeenAt: Date | null;
  lastPositionAt: Date | null;
  lastLat: number | null;
  lastLng: number | null;
}

const terminalSelection = {
  id: gpsTerminal.id,
  terminalPhone: gpsTerminal.terminalPhone,
  plate: gpsTerminal.plate,
  kind: gpsTerminal.kind,
  orgId: gpsTerminal.orgId,
  orgName: orgRelation.name,
  districtCode: gpsTerminal.districtCode,
  lastSeenAt: gpsTerminal.lastSeenAt,
  lastPositionAt: gpsTerminal.lastPositionAt,
  lastLat: gpsTerminal.lastLat,
  lastLng: gpsTerminal.lastLng,
};

/**
 * Enabled terminals: in `scope` (the policy's SQL), or of `ids`, or heard from since `seenSince`
 * (the stream's poll for what other nodes received). The registry is small (a city's vehicles).
 */
export async function liveTerminals(
  db: Db,
  f: { scope?: SQL; ids?: readonly string[]; seenSince?: Date },
): Promise<LiveTerminalRow[]> {
  if (f.ids && f.ids.length === 0) return [];
  return db
    .select(terminalSelection)
    .from(gpsTerminal)
    .leftJoin(orgRelation, eq(orgRelation.id, gpsTerminal.orgId))
    .where(
      and(
        eq(gpsTerminal.enabled, true),
        f.scope,
        f.ids ? inArray(gpsTerminal.id, [...f.ids]) : undefined,
        f.seenSince ? gte(gpsTerminal.lastSeenAt, f.seenSince) : undefined,
      ),
    )
    .orderBy(asc(gpsTerminal.terminalPhone));
}

export interface PersonFixRow {
  userId: string;
  time: Date;
  receivedAt: Date;
  lat: number;
  lng: number;
  speed: number | null;
  direction: number | null;
}

/**
 * Each person's newest phone fix in [since, until] (DISTINCT ON the user; the time range prunes
 * the day partitions to today's and perhaps yesterday's).
 */
export async function newestPersonFixes(db: Db, since: Date, until: Date): Promise<PersonFixRow[]> {
  const rows = await db
    .selectDistinctOn([gpsPosition.userId], {
      userId: gpsPosition.userId,
      time: gpsPosition.time,
      receivedAt: gpsPosition.receivedAt,
      lat: gpsPosition.lat,
      lng: gpsPosition.lng,
      speed: gpsPosition.speed,
      direction: gpsPosition.direction,
    })
    .from(gpsPosition)
    .where(
      and(
        isNull(gpsPosition.terminalId),
        isNotNull(gpsPosition.userId),
        gte(gpsPosition.time, sql`${since.toISOString()}::timestamptz`),
        lte(gpsPosition.time, sql`${until.toISOString()}::timestamptz`),
      ),
    )
    .orderBy(asc(gpsPosition.userId), desc(gpsPosition.time));
  return rows as PersonFixRow[];
}
