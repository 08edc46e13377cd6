/**
 * GPS alarms for people: the list (scoped by policy.ts `alarmRead`, filtered by state, kind,
 * source, terminal and time), acknowledging (who, when, a note) and closing — each an audited
 * change at the version the caller saw (`gps.alarm.acknowledge` / `gps.alarm.close`). An alarm
 * outside the caller's scope answers 404. Also the live stream's topic `gps_alarm` (platform/
 * live-stream.ts): every alarm event the caller may see, so the watch sees new alarms at once.
 */
import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { EventRow } from '../../platform/event-feed.ts';
import { event } from '../../platform/event-table.ts';
import type { LiveTopic } from '../../platform/live-stream.ts';
import { defineScope } from '../../platform/scope.ts';
import { alarmEventData } from './alarm-engine.ts';
import type { AlarmHandleT, AlarmListQueryT, GpsAlarmDto } from './geofence-schemas.ts';
import { alarmHandle, alarmRead } from './policy.ts';
import { gpsAlarm, gpsGeofence, gpsTerminal } from './tables.ts';

const ALARM = { zh: 'GPS告警', en: 'GPS alarm' };
const iso = (d: Date | null) => d?.toISOString() ?? null;

type AlarmRow = typeof gpsAlarm.$inferSelect;

const selection = {
  a: gpsAlarm,
  plate: gpsTerminal.plate,
  terminalPhone: gpsTerminal.terminalPhone,
  fenceName: gpsGeofence.name,
};

function toDto(r: {
  a: AlarmRow;
  plate: string | null;
  terminalPhone: string | null;
  fenceName: string | null;
}): GpsAlarmDto {
  const a = r.a;
  return {
    id: a.id,
    kind: a.kind,
    source: a.source,
    terminalId: a.terminalId,
    terminalPhone: r.terminalPhone,
    plate: r.plate,
    userId: a.userId,
    fenceId: a.fenceId,
    fenceName: r.fenceName,
    orgId: a.orgId,
    districtCode: a.districtCode,
    at: a.at.toISOString(),
    lat: a.lat,
    lng: a.lng,
    speed: a.speed,
    state: a.state,
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAt: iso(a.acknowledgedAt),
    ackNote: a.ackNote,
    closedBy: a.closedBy,
    closedAt: iso(a.closedAt),
    closeNote: a.closeNote,
    caseId: a.caseId,
    caseCode: a.caseCode,
    caseError: a.caseError,
    createdAt: a.createdAt.toISOString(),
    version: a.version,
  };
}

const joined = (db: Db) =>
  db
    .select(selection)
    .from(gpsAlarm)
    .leftJoin(gpsTerminal, eq(gpsTerminal.id, gpsAlarm.terminalId))
    .leftJoin(gpsGeofence, eq(gpsGeofence.id, gpsAlarm.fenceId));

export async function listAlarms(db: Db, ctx: RequestContext, q: AlarmListQueryT) {
  alarmRead.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  if (q.from && q.to && !(new Date(q.from) < new Date(q.to))) {
    throw new AppError('VALIDATION_FAILED', {
      zh: '结束时间须晚于开始时间',
      en: '`to` must be after `from`',
      details: [{ field: 'querystring.to', message: '`to` must be after `from`' }],
    });
  }
  const where = and(
    alarmRead.filter(ctx.actor),
    q.state ? eq(gpsAlarm.state, q.state) : undefined,
    q.kind ? eq(gpsAlarm.kind, q.kind) : undefined,
    q.source ? eq(gpsAlarm.source, q.source) : undefined,
    q.terminal ? eq(gpsAlarm.terminalId, q.terminal) : undefined,
    q.from ? gte(gpsAlarm.at, new Date(q.from)) : undefined,
    q.to ? lt(gpsAlarm.at, new Date(q.to)) : undefined,
  );
  const [rows, [{ n }]] = await Promise.all([
    joined(db)
      .where(where)
      .orderBy(desc(gpsAlarm.at), desc(gpsAlarm.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(gpsAlarm).where(where),
  ]);
  return { items: rows.map(toDto), total: Number(n), page, pageSize };
}

export async function getAlarm(db: Db, ctx: RequestContext, id: string) {
  alarmRead.requirePermission(ctx.actor);
  const [row] = await joined(db).where(eq(gpsAlarm.id, id));
  if (!row || !alarmRead.allows(ctx.actor, row.a)) throw notFound(ALARM, id);
  return toDto(row);
}

async function forHandling(tx: Db, actor: Actor, id: string, version: number) {
  const [current] = await tx.select().from(gpsAlarm).where(eq(gpsAlarm.id, id)).for('update');
  if (!current || !alarmHandle.allows(actor, current)) throw notFound(ALARM, id);
  if (current.version !== version) {
    throw new AppError('CONFLICT', {
      details: [{ field: 'body.version', message: `current version is ${current.version}` }],
    });
  }
  return current;
}

/** open → acknowledged: who saw it, when, and what they say. */
export async function acknowledgeAlarm(db: Db, ctx: RequestContext, id: string, input: AlarmHandleT) {
  alarmHandle.requirePermission(ctx.actor);
  return db.transaction(async (tx) => {
    const current = await forHandling(tx, ctx.actor, id, input.version);
    if (current.state !== 'open') {
      throw new AppError('UNPROCESSABLE', {
        zh: current.state === 'acknowledged' ? '该告警已确认' : '该告警已关闭',
        en: current.state === 'acknowledged' ? 'The alarm is already acknowledged' : 'The alarm is closed',
        details: [{ field: 'id', message: current.state }],
      });
    }
    const [after] = await tx
      .update(gpsAlarm)
      .set({
        state: 'acknowledged',
        acknowledgedBy: ctx.actor.id,
        acknowledgedAt: new Date(),
        ackNote: input.note?.trim() || null,
        version: current.version + 1,
      })
      .where(eq(gpsAlarm.id, id))
      .returning();
    await recordEvent(tx, ctx, {
      action: 'gps.alarm.acknowledge',
      entityType: 'gps_alarm',
      entityId: id,
      districtCode: after.districtCode,
      before: { state: current.state },
      after: { ...alarmEventData(after, null), note: after.ackNote },
    });
    return getAlarm(tx, ctx, id);
  });
}

/** → closed (from open or acknowledged), with a note. */
export async function closeAlarm(db: Db, ctx: RequestContext, id: string, input: AlarmHandleT) {
  alarmHandle.requirePermission(ctx.actor);
  return db.transaction(async (tx) => {
    const current = await forHandling(tx, ctx.actor, id, input.version);
    if (current.state === 'closed') {
      throw new AppError('UNPROCESSABLE', {
        zh: '该告警已关闭',
        en: 'The alarm is closed',
        details: [{ field: 'id', message: current.state }],
      });
    }
    const now = new Date();
    const [after] = await tx
      .update(gpsAlarm)
      .set({
        state: 'closed',
        // Closed without an acknowledgement: the closing is the acknowledgement.
        acknowledgedBy: current.acknowledgedBy ?? ctx.actor.id,
        acknowledgedAt: current.acknowledgedAt ?? now,
        closedBy: ctx.actor.id,
        closedAt: now,
        closeNote: input.note?.trim() || null,
        version: current.version + 1,
      })
      .where(eq(gpsAlarm.id, id))
      .returning();
    await recordEvent(tx, ctx, {
      action: 'gps.alarm.close',
      entityType: 'gps_alarm',
      entityId: id,
      districtCode: after.districtCode,
      before: { state: current.state },
      after: { ...alarmEventData(after, null), note: after.closeNote },
    });
    return getAlarm(tx, ctx, id);
  });
}

/** The alarm events' scope, on the event table (the alarm's district and organisation are in it). */
const alarmEventRead = defineScope({
  permission: 'gps:read',
  columns: {
    districtCode: event.districtCode,
    orgId: sql<string | null>`(${event.after} ->> 'orgId')`,
  },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

const orgOf = (v: unknown) =>
  v && typeof v === 'object' && typeof (v as { orgId?: unknown }).orgId === 'string'
    ? (v as { orgId: string }).orgId
    : null;

/** `event: gps_alarm` frames on `GET /api/stream`: an alarm raised, acknowledged or closed. */
export const gpsAlarmLiveTopic: LiveTopic = {
  name: 'gps_alarm',
  entityTypes: ['gps_alarm'],
  permitted: (actor: Actor) => alarmEventRead.permitted(actor),
  visible: (actor: Actor, e: EventRow) =>
    alarmEventRead.allows(actor, { districtCode: e.districtCode, orgId: orgOf(e.after) }),
  filter: (actor: Actor) => alarmEventRead.filter(actor),
  data: (e: EventRow) => ({ id: e.id, at: e.at, action: e.action, ...(e.after as Record<string, unknown>) }),
};
