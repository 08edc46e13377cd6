/** The sensors' queries: devices with their status and kind, alarms, condition states, readings. */
import { and, asc, count, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { DeviceState } from '../../../common/sensors.ts';
import type { Db } from '../../platform/db.ts';
import { sensorAlarm, sensorAlarmState, sensorDevice, sensorDeviceStatus, sensorKind } from './tables.ts';

export type DeviceRow = typeof sensorDevice.$inferSelect;
export type KindRow = typeof sensorKind.$inferSelect;
export type StatusRow = typeof sensorDeviceStatus.$inferSelect;
export type AlarmRow = typeof sensorAlarm.$inferSelect;

export interface DeviceWithStatus {
  d: DeviceRow;
  s: StatusRow;
  k: Pick<KindRow, 'nameZh' | 'nameEn' | 'silenceS'>;
  active: string[];
}

/** The conditions of a device in alarm now, as an SQL array. */
const activeConditions = sql<string[]>`coalesce((SELECT array_agg(a.condition ORDER BY a.condition)
  FROM sensor_alarm_state a WHERE a.device_id = ${sensorDevice.id} AND a.state = 'active'), '{}')`;

const selection = {
  d: sensorDevice,
  s: sensorDeviceStatus,
  k: { nameZh: sensorKind.nameZh, nameEn: sensorKind.nameEn, silenceS: sensorKind.silenceS },
  active: activeConditions,
};

export async function findDevice(db: Db, id: string, forUpdate = false): Promise<DeviceRow | undefined> {
  const q = db.select().from(sensorDevice).where(eq(sensorDevice.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function findDeviceByCode(db: Db, code: string): Promise<DeviceRow | undefined> {
  const [row] = await db.select().from(sensorDevice).where(eq(sensorDevice.code, code));
  return row;
}

export async function devicesWithStatus(db: Db, where: SQL | undefined): Promise<DeviceWithStatus[]> {
  return db
    .select(selection)
    .from(sensorDevice)
    .innerJoin(sensorDeviceStatus, eq(sensorDeviceStatus.deviceId, sensorDevice.id))
    .innerJoin(sensorKind, eq(sensorKind.code, sensorDevice.kindCode))
    .where(where);
}

export interface DeviceFilters {
  scope: SQL | undefined;
  q?: string;
  kindCode?: string;
  state?: DeviceState;
  districtCode?: string;
  alarm?: boolean;
}

function filterOf(f: DeviceFilters): SQL | undefined {
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return and(
    f.scope,
    like ? or(ilike(sensorDevice.code, like), ilike(sensorDevice.name, like)) : undefined,
    f.kindCode ? eq(sensorDevice.kindCode, f.kindCode) : undefined,
    f.state ? eq(sensorDeviceStatus.state, f.state) : undefined,
    f.districtCode ? eq(sensorDevice.districtCode, f.districtCode) : undefined,
    f.alarm === undefined
      ? undefined
      : f.alarm
        ? sql`EXISTS (SELECT 1 FROM sensor_alarm_state a WHERE a.device_id = ${sensorDevice.id} AND a.state = 'active')`
        : sql`NOT EXISTS (SELECT 1 FROM sensor_alarm_state a WHERE a.device_id = ${sensorDevice.id} AND a.state = 'active')`,
  );
}

export async function listDevices(
  db: Db,
  f: DeviceFilters,
  page: number,
  pageSize: number,
): Promise<{ rows: DeviceWithStatus[]; total: number }> {
  const where = filterOf(f);
  const [rows, [{ n }]] = await Promise.all([
    db
      .select(selection)
      .from(sensorDevice)
      .innerJoin(sensorDeviceStatus, eq(sensorDeviceStatus.deviceId, sensorDevice.id))
      .innerJoin(sensorKind, eq(sensorKind.code, sensorDevice.kindCode))
      .where(where)
      .orderBy(asc(sensorDevice.code))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ n: count() })
      .from(sensorDevice)
      .innerJoin(sensorDeviceStatus, eq(sensorDeviceStatus.deviceId, sensorDevice.id))
      .where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function mapPoints(db: Db, scope: SQL | undefined, limit: number) {
  const rows = await db
    .select({
      id: sensorDevice.id,
      code: sensorDevice.code,
      name: sensorDevice.name,
      kindCode: sensorDevice.kindCode,
      lng: sensorDevice.lng,
      lat: sensorDevice.lat,
      enabled: sensorDevice.enabled,
      state: sensorDeviceStatus.state,
      alarm: sql<boolean>`EXISTS (SELECT 1 FROM sensor_alarm_state a WHERE a.device_id = ${sensorDevice.id} AND a.state = 'active')`,
    })
    .from(sensorDevice)
    .innerJoin(sensorDeviceStatus, eq(sensorDeviceStatus.deviceId, sensorDevice.id))
    .where(scope)
    .orderBy(asc(sensorDevice.code))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), truncated: rows.length > limit };
}

/** Devices by link state (and disabled, in alarm) in a scope. */
export async function deviceCounts(db: Db, scope: SQL | undefined) {
  const [r] = await db
    .select({
      total: sql<number>`count(*)::int`,
      never: sql<number>`count(*) FILTER (WHERE ${sensorDeviceStatus.state} = 'never')::int`,
      online: sql<number>`count(*) FILTER (WHERE ${sensorDeviceStatus.state} = 'online')::int`,
      offline: sql<number>`count(*) FILTER (WHERE ${sensorDeviceStatus.state} = 'offline')::int`,
      disabled: sql<number>`count(*) FILTER (WHERE NOT ${sensorDevice.enabled})::int`,
      inAlarm: sql<number>`count(*) FILTER (WHERE EXISTS (SELECT 1 FROM sensor_alarm_state a WHERE a.device_id = ${sensorDevice.id} AND a.state = 'active'))::int`,
    })
    .from(sensorDevice)
    .innerJoin(sensorDeviceStatus, eq(sensorDeviceStatus.deviceId, sensorDevice.id))
    .where(scope);
  return {
    total: Number(r.total),
    never: Number(r.never),
    online: Number(r.online),
    offline: Number(r.offline),
    disabled: Number(r.disabled),
    inAlarm: Number(r.inAlarm),
  };
}

export async function conditionStates(db: Db, deviceId: string) {
  return db
    .select()
    .from(sensorAlarmState)
    .where(eq(sensorAlarmState.deviceId, deviceId))
    .orderBy(asc(sensorAlarmState.condition));
}

export async function recentAlarms(db: Db, deviceId: string, limit: number): Promise<AlarmRow[]> {
  return db
    .select()
    .from(sensorAlarm)
    .where(eq(sensorAlarm.deviceId, deviceId))
    .orderBy(desc(sensorAlarm.raisedAt), desc(sensorAlarm.id))
    .limit(limit);
}

export async function listKinds(db: Db): Promise<KindRow[]> {
  return db.select().from(sensorKind).orderBy(asc(sensorKind.code));
}

export async function findKind(db: Db, code: string, forUpdate = false): Promise<KindRow | undefined> {
  const q = db.select().from(sensorKind).where(eq(sensorKind.code, code));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function existingCodes(db: Db, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db
    .select({ code: sensorDevice.code })
    .from(sensorDevice)
    .where(inArray(sensorDevice.code, codes));
  return new Set(rows.map((r) => r.code));
}

/** Downsampled readings of one device: per bucket, the count and each field's mean, minimum and maximum. */
export async function readingBuckets(
  db: Db,
  deviceId: string,
  from: Date,
  to: Date,
  bucketSeconds: number,
  fields: string[],
): Promise<{ t: number; n: number; aggs: ({ avg: number; min: number; max: number } | null)[] }[]> {
  const cols = fields.map(
    (f, i) =>
      sql`, avg((values->>${f})::float8) AS ${sql.raw(`a${i}`)}, min((values->>${f})::float8) AS ${sql.raw(`l${i}`)}, max((values->>${f})::float8) AS ${sql.raw(`h${i}`)}`,
  );
  const res = await db.execute(sql`
    SELECT (extract(epoch FROM date_bin(make_interval(secs => ${bucketSeconds}), at, timestamptz '2000-01-01T00:00:00Z')) * 1000)::float8 AS t,
      count(*)::int AS n ${sql.join(cols, sql``)}
    FROM sensor_reading
    WHERE device_id = ${deviceId}::uuid AND at >= ${from.toISOString()}::timestamptz AND at < ${to.toISOString()}::timestamptz
    GROUP BY 1 ORDER BY 1`);
  const rows = (res as unknown as { rows: Record<string, number | null>[] }).rows;
  return rows.map((r) => ({
    t: Number(r.t),
    n: Number(r.n),
    aggs: fields.map((_, i) =>
      r[`a${i}`] === null || r[`a${i}`] === undefined
        ? null
        : { avg: Number(r[`a${i}`]), min: Number(r[`l${i}`]), max: Number(r[`h${i}`]) },
    ),
  }));
}
