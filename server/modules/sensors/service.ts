/**
 * The device registry (传感器台账): list, map, page, register, change — each write in one
 * transaction with its audit event — and the chart's readings. Every read and write asks the
 * policy (policy.ts): a device outside the caller's scope answers 404 and is in no list.
 */
import { and, eq } from 'drizzle-orm';
import type { Static } from 'typebox';
import { REJECT_REASONS } from '../../../common/sensors.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { canSeeCase, caseStandings, type Spatial } from '../cases/index.ts';
import { findComponent } from '../components/index.ts';
import { convertLngLat } from '../geo/index.ts';
import { centreOf, findOrgById, orgRead } from '../org/index.ts';
import type { IngestStats } from './ingest.ts';
import { toKindDto } from './kinds.ts';
import type { ListenerStatus } from './listener.ts';
import { deviceManage, deviceRead } from './policy.ts';
import * as repo from './repository.ts';
import type {
  DeviceCreateT,
  DeviceDto,
  DeviceListQueryT,
  DeviceUpdateT,
  ReadingsQueryT,
  SensorStatus,
} from './schemas.ts';
import { sensorDevice, sensorDeviceStatus } from './tables.ts';

const DEVICE = { zh: '传感器', en: 'Sensor' };

export const invalid = (
  code: 'VALIDATION_FAILED' | 'INVALID_REFERENCE',
  field: string,
  zh: string,
  en: string,
) => new AppError(code, { zh, en, details: [{ field, message: en }] });

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toDeviceDto(x: repo.DeviceWithStatus, orgName: string | null): DeviceDto {
  const { d, s, k } = x;
  return {
    id: d.id,
    code: d.code,
    kindCode: d.kindCode,
    kindNameZh: k.nameZh,
    kindNameEn: k.nameEn,
    name: d.name,
    lng: d.lng,
    lat: d.lat,
    gridId: d.gridId,
    districtCode: d.districtCode,
    address: d.address,
    componentId: d.componentId,
    orgId: d.orgId,
    orgName,
    silenceS: d.silenceS,
    effectiveSilenceS: d.silenceS ?? k.silenceS,
    enabled: d.enabled,
    generated: d.generated,
    note: d.note,
    status: {
      state: s.state,
      stateSince: s.stateSince.toISOString(),
      lastSeenAt: iso(s.lastSeenAt),
      lastReadingAt: iso(s.lastReadingAt),
      lastValues: Object.entries(s.lastValues ?? {}).map(([field, value]) => ({ field, value })),
      readings: Number(s.readings),
      rejected: Number(s.rejected),
      lastRejectedAt: iso(s.lastRejectedAt),
      lastRejectedReason: s.lastRejectedReason,
    },
    activeConditions: x.active ?? [],
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    version: d.version,
  };
}

/** Organisation names, looked up once per id. */
async function orgNames(db: Db, ids: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const id of new Set(ids)) out.set(id, (await findOrgById(db, id))?.name ?? null);
  return out;
}

async function toDtos(db: Db, rows: repo.DeviceWithStatus[]): Promise<DeviceDto[]> {
  const names = await orgNames(
    db,
    rows.map((r) => r.d.orgId),
  );
  return rows.map((r) => toDeviceDto(r, names.get(r.d.orgId) ?? null));
}

async function withStatus(db: Db, id: string): Promise<repo.DeviceWithStatus | undefined> {
  const [row] = await repo.devicesWithStatus(db, eq(sensorDevice.id, id));
  return row;
}

/** The device if the caller may see it; 404 otherwise (as if it did not exist). */
export async function visibleDevice(db: Db, actor: Actor, id: string): Promise<repo.DeviceRow> {
  deviceRead.requirePermission(actor);
  const row = await repo.findDevice(db, id);
  if (!row || !deviceRead.allows(actor, row)) throw notFound(DEVICE, id);
  return row;
}

export async function listDevices(db: Db, ctx: RequestContext, q: DeviceListQueryT) {
  deviceRead.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listDevices(
    db,
    { ...q, scope: deviceRead.filter(ctx.actor) },
    page,
    pageSize,
  );
  return { items: await toDtos(db, rows), total, page, pageSize };
}

export const MAP_LIMIT = 5000;

export async function deviceMap(db: Db, ctx: RequestContext) {
  deviceRead.requirePermission(ctx.actor);
  const { rows, truncated } = await repo.mapPoints(db, deviceRead.filter(ctx.actor), MAP_LIMIT);
  return { items: rows.map((r) => ({ ...r, alarm: !!r.alarm })), truncated };
}

const ALARM_PAGE = 50;

export async function getDevice(db: Db, ctx: RequestContext, id: string) {
  const row = await visibleDevice(db, ctx.actor, id);
  const full = (await withStatus(db, id))!;
  const kind = (await repo.findKind(db, row.kindCode))!;
  const [dto] = await toDtos(db, [full]);
  const conditions = await repo.conditionStates(db, id);
  const alarms = await repo.recentAlarms(db, id, ALARM_PAGE);
  // A case is shown only to whom may open it (every path to a case asks the cases policy).
  const standings = await caseStandings(
    db,
    alarms.map((a) => a.caseId).filter((c): c is string => !!c),
  );
  const caseOf = (caseId: string | null) => {
    const s = caseId ? standings.get(caseId) : undefined;
    return s && canSeeCase(ctx.actor, s) ? s : undefined;
  };
  return {
    device: dto,
    kind: toKindDto(kind),
    conditions: kind.rules
      .filter((r) => r.enabled)
      .map((r) => {
        const c = conditions.find((x) => x.condition === r.condition);
        return { condition: r.condition, state: c?.state ?? 'normal', since: iso(c?.since ?? null) };
      }),
    alarms: alarms.map((a) => {
      const c = caseOf(a.caseId);
      return {
        id: a.id,
        condition: a.condition,
        field: a.field,
        startedAt: a.startedAt.toISOString(),
        raisedAt: a.raisedAt.toISOString(),
        clearedAt: iso(a.clearedAt),
        raisedValue: a.raisedValue,
        peakValue: a.peakValue,
        clearValue: a.clearValue,
        report: a.report,
        reportError: a.reportError,
        caseId: c?.id ?? null,
        caseCode: c?.code ?? null,
      };
    }),
  };
}

/** Where a device stands: its location (converted to WGS84) or its component's, and the grid there. */
async function placeOf(
  tx: Db,
  spatial: Spatial,
  location: DeviceCreateT['location'],
  componentId: string | null | undefined,
  field = 'body',
) {
  let lng: number;
  let lat: number;
  if (componentId) {
    const c = await findComponent(tx, componentId);
    if (!c) {
      throw invalid(
        'INVALID_REFERENCE',
        `${field}.componentId`,
        `部件不存在：${componentId}`,
        `Component not found: ${componentId}`,
      );
    }
    [lng, lat] = [c.lng, c.lat];
  }
  if (location) [lng, lat] = convertLngLat(location.lng, location.lat, location.crs, 'wgs84');
  if (lng! === undefined || lat! === undefined) {
    throw invalid(
      'VALIDATION_FAILED',
      `${field}.location`,
      '须给出位置或所监测的部件',
      'Give a location or the component it watches',
    );
  }
  const hit = spatial.lookup(lng, lat);
  if (!hit) {
    throw new AppError('OUTSIDE_MANAGED_AREA', {
      details: [{ field: `${field}.location`, message: `${lng},${lat}` }],
    });
  }
  return { lng, lat, gridId: hit.grid.id, districtCode: hit.district.code, districtName: hit.district.name };
}

/** The organisation that looks after the device: one the caller sees, of its district or city-level. */
async function orgFor(tx: Db, actor: Actor, orgId: string | undefined, districtCode: string, field = 'body') {
  if (!orgId) {
    const centre = await centreOf(tx, 'district', districtCode);
    if (!centre) {
      throw invalid(
        'INVALID_REFERENCE',
        `${field}.orgId`,
        `该区没有智慧城管中心：${districtCode}`,
        `No district centre for ${districtCode}`,
      );
    }
    return centre.id;
  }
  const o = await findOrgById(tx, orgId);
  if (!o || !orgRead.inScope(actor, o)) {
    throw invalid(
      'INVALID_REFERENCE',
      `${field}.orgId`,
      `组织不存在：${orgId}`,
      `Organisation not found: ${orgId}`,
    );
  }
  if (o.districtCode !== null && o.districtCode !== districtCode) {
    throw invalid(
      'INVALID_REFERENCE',
      `${field}.orgId`,
      '该组织属于其他区',
      'The organisation belongs to another district',
    );
  }
  return o.id;
}

function requireScope(
  actor: Actor,
  districtCode: string,
  orgId: string,
  districtName: string,
  field = 'body.location',
) {
  if (!deviceManage.allows(actor, { districtCode, orgId })) {
    throw new AppError('OUTSIDE_SCOPE', {
      zh: `该位置属于${districtName || districtCode}，不在本区管辖范围`,
      en: `The location is in ${districtCode}, outside your district`,
      details: [{ field, message: districtCode }],
    });
  }
}

export async function createDevice(db: Db, ctx: RequestContext, spatial: Spatial, input: DeviceCreateT) {
  deviceManage.requirePermission(ctx.actor);
  return db.transaction(async (tx) => {
    const kind = await repo.findKind(tx, input.kindCode);
    if (!kind) {
      throw invalid(
        'INVALID_REFERENCE',
        'body.kindCode',
        `传感器类型不存在：${input.kindCode}`,
        `Unknown sensor kind: ${input.kindCode}`,
      );
    }
    const place = await placeOf(tx, spatial, input.location, input.componentId);
    const orgId = await orgFor(tx, ctx.actor, input.orgId, place.districtCode);
    requireScope(ctx.actor, place.districtCode, orgId, place.districtName);
    if (await repo.findDeviceByCode(tx, input.code)) {
      throw new AppError('DUPLICATE', {
        zh: `设备编码已存在：${input.code}`,
        en: `A device with code ${input.code} exists`,
        details: [{ field: 'body.code', message: input.code }],
      });
    }
    const [row] = await tx
      .insert(sensorDevice)
      .values({
        code: input.code,
        kindCode: input.kindCode,
        name: input.name.trim(),
        lng: place.lng,
        lat: place.lat,
        gridId: place.gridId,
        districtCode: place.districtCode,
        address: input.address ?? null,
        componentId: input.componentId ?? null,
        orgId,
        silenceS: input.silenceS ?? null,
        enabled: input.enabled ?? true,
        note: input.note ?? null,
      })
      .returning();
    await tx.insert(sensorDeviceStatus).values({ deviceId: row.id });
    const dto = (await toDtos(tx, [(await withStatus(tx, row.id))!]))[0];
    await recordEvent(tx, ctx, {
      action: 'sensor.device.create',
      entityType: 'sensor_device',
      entityId: row.id,
      districtCode: row.districtCode,
      after: dto,
    });
    return dto;
  });
}

export async function updateDevice(
  db: Db,
  ctx: RequestContext,
  spatial: Spatial,
  id: string,
  input: DeviceUpdateT,
) {
  deviceManage.requirePermission(ctx.actor);
  return db.transaction(async (tx) => {
    const current = await repo.findDevice(tx, id, true);
    // Outside what the caller manages, the device does not exist for this change (404).
    if (!current || !deviceManage.allows(ctx.actor, current)) throw notFound(DEVICE, id);
    if (current.version !== input.version) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${current.version}` }],
      });
    }
    const patch: Partial<typeof sensorDevice.$inferInsert> = {};
    const componentId = input.componentId === undefined ? current.componentId : input.componentId;
    const newComponent = !!componentId && componentId !== current.componentId;
    let districtCode = current.districtCode;
    // A location moves the device there; a new component without a location moves it to the component.
    const place = input.location
      ? await placeOf(tx, spatial, input.location, null)
      : newComponent
        ? await placeOf(tx, spatial, undefined, componentId)
        : null;
    if (place) {
      Object.assign(patch, {
        lng: place.lng,
        lat: place.lat,
        gridId: place.gridId,
        districtCode: place.districtCode,
      });
      districtCode = place.districtCode;
    }
    if (newComponent && !(await findComponent(tx, componentId))) {
      throw invalid(
        'INVALID_REFERENCE',
        'body.componentId',
        `部件不存在：${componentId}`,
        `Component not found: ${componentId}`,
      );
    }
    const orgId =
      input.orgId !== undefined || districtCode !== current.districtCode
        ? await orgFor(
            tx,
            ctx.actor,
            input.orgId ?? (districtCode === current.districtCode ? current.orgId : undefined),
            districtCode,
          )
        : current.orgId;
    requireScope(ctx.actor, districtCode, orgId, districtCode);
    if (input.code && input.code !== current.code && (await repo.findDeviceByCode(tx, input.code))) {
      throw new AppError('DUPLICATE', {
        zh: `设备编码已存在：${input.code}`,
        en: `A device with code ${input.code} exists`,
        details: [{ field: 'body.code', message: input.code }],
      });
    }
    const before = (await toDtos(tx, [(await withStatus(tx, id))!]))[0];
    await tx
      .update(sensorDevice)
      .set({
        ...patch,
        code: input.code ?? current.code,
        name: input.name?.trim() ?? current.name,
        address: input.address === undefined ? current.address : input.address,
        componentId,
        orgId,
        silenceS: input.silenceS === undefined ? current.silenceS : input.silenceS,
        enabled: input.enabled ?? current.enabled,
        note: input.note === undefined ? current.note : input.note,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(and(eq(sensorDevice.id, id), eq(sensorDevice.version, current.version)));
    const after = (await toDtos(tx, [(await withStatus(tx, id))!]))[0];
    await recordEvent(tx, ctx, {
      action: 'sensor.device.update',
      entityType: 'sensor_device',
      entityId: id,
      districtCode: after.districtCode,
      before,
      after,
    });
    return after;
  });
}

/** The point spacing of a chart: the smallest of these that keeps it within `maxPoints`. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
export function bucketFor(rangeMs: number, maxPoints: number): number {
  const wanted = rangeMs / 1000 / maxPoints;
  return STEPS.find((s) => s >= wanted) ?? 86400;
}

const MAX_RANGE_MS = 92 * 86_400_000;

export async function readings(db: Db, ctx: RequestContext, id: string, q: ReadingsQueryT, now: Date) {
  const device = await visibleDevice(db, ctx.actor, id);
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 86_400_000);
  if (!Number.isFinite(from.getTime()) || !Number.isFinite(to.getTime()) || from >= to) {
    throw invalid(
      'VALIDATION_FAILED',
      'querystring.from',
      '开始时间须早于结束时间',
      '`from` must be before `to`',
    );
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw invalid(
      'VALIDATION_FAILED',
      'querystring.from',
      '时间范围不能超过 92 天',
      'The range may span at most 92 days',
    );
  }
  const kind = (await repo.findKind(db, device.kindCode))!;
  const bucketSeconds = bucketFor(to.getTime() - from.getTime(), q.maxPoints ?? 500);
  const buckets = await repo.readingBuckets(
    db,
    id,
    from,
    to,
    bucketSeconds,
    kind.fields.map((f) => f.key),
  );
  return {
    deviceId: id,
    from: from.toISOString(),
    to: to.toISOString(),
    bucketSeconds,
    fields: kind.fields,
    points: buckets.map((b) => ({ t: new Date(b.t).toISOString(), n: b.n, values: b.aggs })),
  };
}

/**
 * The devices in the caller's scope by state, and this node's listener. The broker's address and
 * the last storage error are operators' business: only callers who manage sensors see them.
 */
export async function sensorStatus(
  db: Db,
  ctx: RequestContext,
  node: { listener: ListenerStatus | null; ingest: IngestStats | null; started: boolean },
): Promise<Static<typeof SensorStatus>> {
  deviceRead.requirePermission(ctx.actor);
  const devices = await repo.deviceCounts(db, deviceRead.filter(ctx.actor));
  const { listener, ingest, started } = node;
  const operator = deviceManage.permitted(ctx.actor);
  return {
    listener: {
      started,
      enabled: listener !== null,
      url: operator ? (listener?.url ?? null) : null,
      subscription: listener?.subscription ?? null,
      connections: listener?.connections ?? 0,
      connected: listener?.connected ?? 0,
      received: ingest?.received ?? 0,
      stored: ingest?.stored ?? 0,
      duplicates: ingest?.duplicates ?? 0,
      batches: ingest?.batches ?? 0,
      largestBatch: ingest?.largestBatch ?? 0,
      rejected: REJECT_REASONS.map((reason) => ({ reason, count: ingest?.rejected[reason] ?? 0 })).filter(
        (r) => r.count > 0,
      ),
      lastError: operator ? (ingest?.lastError ?? null) : null,
      lastErrorAt: operator ? (ingest?.lastErrorAt ?? null) : null,
    },
    devices,
  };
}
