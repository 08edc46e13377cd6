/**
 * The terminal registry (GPS终端台账) and the positions' API: list, page, register, change,
 * disable — each write in one transaction with its audit event — a track of positions, and a
 * phone's own positions from the field app. Every read and write asks the policy (policy.ts): a
 * terminal outside the caller's scope answers 404 and is in no list.
 */
import { randomInt } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Static } from 'typebox';
import { canonicalTerminalPhone } from '../../../common/gps.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { convertLngLat } from '../geo/index.ts';
import { enabledUsersWithOrg } from '../identity/index.ts';
import { findOrgById, orgRead } from '../org/index.ts';
import { getSetting } from '../settings/index.ts';
import type { LastPositions } from './live.ts';
import { ownPositionsReport, personTrackRead, terminalManage, terminalRead } from './policy.ts';
import * as repo from './repository.ts';
import {
  type Extras,
  MAX_TRACK_ROWS,
  MAX_TRACK_SPAN_MS,
  type PhonePositionsT,
  type PositionsQueryT,
  type TerminalCreateT,
  type TerminalDisableQueryT,
  type TerminalDto,
  type TerminalListQueryT,
  type TerminalUpdateT,
} from './schemas.ts';
import {
  boundedExtras,
  insertPositions,
  type PositionInsert,
  type PositionsObserver,
  refusalOf,
} from './store.ts';
import { gpsTerminal } from './tables.ts';

const TERMINAL = { zh: 'GPS终端', en: 'GPS terminal' };
const PERSON = { zh: '人员', en: 'Person' };

const invalid = (
  field: string,
  zh: string,
  en: string,
  code: 'VALIDATION_FAILED' | 'INVALID_REFERENCE' = 'VALIDATION_FAILED',
) => new AppError(code, { zh, en, details: [{ field, message: en }] });

const iso = (d: Date | null) => d?.toISOString() ?? null;

const AUTH_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
/**
 * A fresh auth code (鉴权码): 16 characters of an unambiguous alphabet from the CSPRNG (~92 bits).
 * ASCII, so it is the same bytes in the GBK STRING of 0x8100 and 0x0102.
 */
export function newAuthCode(): string {
  let out = '';
  for (let i = 0; i < 16; i++) out += AUTH_ALPHABET[randomInt(AUTH_ALPHABET.length)];
  return out;
}

export function toTerminalDto(t: repo.TerminalRow, orgName: string | null): TerminalDto {
  return {
    id: t.id,
    terminalId: t.terminalPhone,
    plate: t.plate,
    plateColour: t.plateColour,
    kind: t.kind,
    orgId: t.orgId,
    orgName,
    districtCode: t.districtCode,
    utcOffsetMinutes: t.utcOffsetMinutes,
    crs: t.crs,
    imei: t.imei,
    protocolVersion: t.registration?.version ?? null,
    registeredAt: iso(t.registeredAt),
    lastSeenAt: iso(t.lastSeenAt),
    lastPositionAt: iso(t.lastPositionAt),
    lastLat: t.lastLat,
    lastLng: t.lastLng,
    enabled: t.enabled,
    generated: t.generated,
    note: t.note,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    version: t.version,
  };
}

async function dtoOf(db: Db, id: string): Promise<TerminalDto> {
  const row = (await repo.terminalWithOrg(db, id))!;
  return toTerminalDto(row.t, row.orgName);
}

/** The terminal by id if the caller may see it; 404 otherwise (as if it did not exist). */
async function visibleTerminal(db: Db, actor: Actor, id: string): Promise<repo.TerminalRow> {
  terminalRead.requirePermission(actor);
  const row = await repo.findTerminal(db, id);
  if (!row || !terminalRead.allows(actor, row)) throw notFound(TERMINAL, id);
  return row;
}

export async function listTerminals(db: Db, ctx: RequestContext, q: TerminalListQueryT) {
  terminalRead.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listTerminals(
    db,
    { ...q, scope: terminalRead.filter(ctx.actor) },
    page,
    pageSize,
  );
  return { items: rows.map((r) => toTerminalDto(r.t, r.orgName)), total, page, pageSize };
}

export async function getTerminal(db: Db, ctx: RequestContext, id: string) {
  const row = await visibleTerminal(db, ctx.actor, id);
  return {
    terminal: await dtoOf(db, id),
    // A credential: shown to whom may change the terminal, never in a list or an event.
    authCode: terminalManage.allows(ctx.actor, row) ? row.authCode : null,
  };
}

/** The organisation a terminal runs under: one the caller sees and manages terminals of. */
async function orgFor(tx: Db, actor: Actor, orgId: string | undefined, field = 'body.orgId') {
  const id = orgId ?? actor.orgId;
  const o = id ? await findOrgById(tx, id) : undefined;
  if (!o || !orgRead.inScope(actor, o)) {
    throw invalid(
      field,
      `组织不存在：${id ?? ''}`,
      `Organisation not found: ${id ?? ''}`,
      'INVALID_REFERENCE',
    );
  }
  if (!terminalManage.allows(actor, { districtCode: o.districtCode, orgId: o.id })) {
    throw new AppError('OUTSIDE_SCOPE', {
      zh: `不能为${o.name}登记或改动终端：不在您的管辖范围`,
      en: `You may not register or change terminals of ${o.name}: outside your scope`,
      details: [{ field, message: o.id }],
    });
  }
  return o;
}

function phoneOf(raw: string, field: string): string {
  const phone = canonicalTerminalPhone(raw);
  if (!phone) {
    throw invalid(
      field,
      '终端手机号/终端ID须为 11–12 位（2013 版）或 20 位（2019 版）数字',
      'The terminal phone/ID must be 11–12 digits (2013) or 20 digits (2019)',
    );
  }
  return phone;
}

async function requireFreePhone(tx: Db, phone: string, field: string, except?: string) {
  const other = await repo.findTerminalByPhone(tx, phone);
  if (other && other.id !== except) {
    throw new AppError('DUPLICATE', {
      zh: `终端手机号/终端ID已登记：${phone}`,
      en: `A terminal with phone/ID ${phone} is registered`,
      details: [{ field, message: phone }],
    });
  }
}

function requirePlate(plate: string | null | undefined, colour: number, field = 'body.plate') {
  if (colour !== 0 && !plate?.trim()) {
    throw invalid(
      field,
      '车牌颜色不为“未上牌”时须填写车牌号',
      'A plate number is required unless the plate colour is 0 (no plate)',
    );
  }
}

export async function createTerminal(db: Db, ctx: RequestContext, input: TerminalCreateT) {
  terminalManage.requirePermission(ctx.actor);
  const phone = phoneOf(input.terminalId, 'body.terminalId');
  const plateColour = input.plateColour ?? 0;
  requirePlate(input.plate, plateColour);
  return db.transaction(async (tx) => {
    const o = await orgFor(tx, ctx.actor, input.orgId);
    await requireFreePhone(tx, phone, 'body.terminalId');
    const [row] = await tx
      .insert(gpsTerminal)
      .values({
        terminalPhone: phone,
        plate: input.plate?.trim() || null,
        plateColour,
        kind: input.kind,
        orgId: o.id,
        districtCode: o.districtCode,
        utcOffsetMinutes: input.utcOffsetMinutes ?? 480,
        crs: input.crs ?? 'wgs84',
        authCode: newAuthCode(),
        imei: input.imei ?? null,
        enabled: input.enabled ?? true,
        note: input.note ?? null,
      })
      .returning();
    const dto = await dtoOf(tx, row.id);
    await recordEvent(tx, ctx, {
      action: 'gps.terminal.create',
      entityType: 'gps_terminal',
      entityId: row.id,
      districtCode: row.districtCode,
      after: dto,
    });
    return { terminal: dto, authCode: row.authCode };
  });
}

/** The terminal as the caller may change it (404 outside what it manages), at the version it saw. */
async function forChange(tx: Db, actor: Actor, id: string, version: number | undefined) {
  const current = await repo.findTerminal(tx, id, true);
  if (!current || !terminalManage.allows(actor, current)) throw notFound(TERMINAL, id);
  if (version !== undefined && current.version !== version) {
    throw new AppError('CONFLICT', {
      details: [{ field: 'body.version', message: `current version is ${current.version}` }],
    });
  }
  return current;
}

export async function updateTerminal(
  db: Db,
  ctx: RequestContext,
  live: LastPositions,
  id: string,
  input: TerminalUpdateT,
) {
  terminalManage.requirePermission(ctx.actor);
  const phone = input.terminalId === undefined ? undefined : phoneOf(input.terminalId, 'body.terminalId');
  const dto = await db.transaction(async (tx) => {
    const current = await forChange(tx, ctx.actor, id, input.version);
    const o =
      input.orgId !== undefined && input.orgId !== current.orgId
        ? await orgFor(tx, ctx.actor, input.orgId)
        : null;
    if (phone && phone !== current.terminalPhone) await requireFreePhone(tx, phone, 'body.terminalId', id);
    const plate = input.plate === undefined ? current.plate : input.plate?.trim() || null;
    const plateColour = input.plateColour ?? current.plateColour;
    requirePlate(plate, plateColour);
    const before = await dtoOf(tx, id);
    await tx
      .update(gpsTerminal)
      .set({
        terminalPhone: phone ?? current.terminalPhone,
        plate,
        plateColour,
        kind: input.kind ?? current.kind,
        orgId: o?.id ?? current.orgId,
        districtCode: o ? o.districtCode : current.districtCode,
        utcOffsetMinutes: input.utcOffsetMinutes ?? current.utcOffsetMinutes,
        crs: input.crs ?? current.crs,
        imei: input.imei === undefined ? current.imei : input.imei,
        // Clearing the IMEI releases the terminal's binding to the device that registered it
        // (gateway-backend.ts `register`): the next device to register with this phone/ID is taken.
        ...(input.imei === null ? { registration: null } : {}),
        enabled: input.enabled ?? current.enabled,
        note: input.note === undefined ? current.note : input.note,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(and(eq(gpsTerminal.id, id), eq(gpsTerminal.version, current.version)));
    const after = await dtoOf(tx, id);
    await recordEvent(tx, ctx, {
      action: 'gps.terminal.update',
      entityType: 'gps_terminal',
      entityId: id,
      districtCode: after.districtCode,
      before,
      after,
    });
    return after;
  });
  if (!dto.enabled) live.forget('terminal', id);
  return dto;
}

/** DELETE: the terminal is disabled, its history kept (a disabled terminal's registration is refused). */
export async function disableTerminal(
  db: Db,
  ctx: RequestContext,
  live: LastPositions,
  id: string,
  q: TerminalDisableQueryT,
) {
  terminalManage.requirePermission(ctx.actor);
  const dto = await db.transaction(async (tx) => {
    const current = await forChange(tx, ctx.actor, id, q.version);
    if (!current.enabled) return dtoOf(tx, id);
    const before = await dtoOf(tx, id);
    await tx
      .update(gpsTerminal)
      .set({ enabled: false, updatedAt: new Date(), version: current.version + 1 })
      .where(and(eq(gpsTerminal.id, id), eq(gpsTerminal.version, current.version)));
    const after = await dtoOf(tx, id);
    await recordEvent(tx, ctx, {
      action: 'gps.terminal.disable',
      entityType: 'gps_terminal',
      entityId: id,
      districtCode: after.districtCode,
      before,
      after,
    });
    return after;
  });
  live.forget('terminal', id);
  return dto;
}

// ---- positions -------------------------------------------------------------------------------

const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whose track the query names, if the caller may read it (404 otherwise). */
export async function trackSubject(
  db: Db,
  actor: Actor,
  q: PositionsQueryT,
): Promise<{ terminalId: string } | { userId: string }> {
  if ((q.terminal === undefined) === (q.user === undefined)) {
    throw invalid(
      q.terminal === undefined ? 'querystring.terminal' : 'querystring.user',
      '须且只能指定 terminal（终端）或 user（人员）之一',
      'Give exactly one of `terminal` and `user`',
    );
  }
  if (q.terminal !== undefined) {
    terminalRead.requirePermission(actor);
    let row: repo.TerminalRow | undefined;
    if (UUID.test(q.terminal)) row = await repo.findTerminal(db, q.terminal);
    else {
      const phone = canonicalTerminalPhone(q.terminal);
      if (!phone) {
        throw invalid(
          'querystring.terminal',
          'terminal 须为终端的 ID（UUID）或终端手机号/终端ID（11–12 位或 20 位数字）',
          '`terminal` must be a terminal’s id (UUID) or its phone/ID (11–12 or 20 digits)',
        );
      }
      row = await repo.findTerminalByPhone(db, phone);
    }
    if (!row || !terminalRead.allows(actor, row)) throw notFound(TERMINAL, q.terminal);
    return { terminalId: row.id };
  }
  personTrackRead.requirePermission(actor);
  const [u] = await enabledUsersWithOrg(db, [q.user!]);
  if (!u || !personTrackRead.allows(actor, { districtCode: u.org.districtCode, orgId: u.org.id })) {
    throw notFound(PERSON, q.user!);
  }
  return { userId: u.user.id };
}

/**
 * A track: the positions of one terminal or person in [from, to), in time order, in WGS84 with
 * speeds in km/h. Bounded: at most MAX_TRACK_SPAN_MS, at most MAX_TRACK_ROWS positions (400
 * naming the bound: ask for a shorter range).
 */
export async function positions(db: Db, ctx: RequestContext, q: PositionsQueryT) {
  const { from, to } = trackRange(q);
  const subject = await trackSubject(db, ctx.actor, q);
  const rows = await trackRows(db, subject, from, to);
  return {
    items: rows.map((r) => ({
      time: r.time.toISOString(),
      lat: r.lat,
      lng: r.lng,
      speed: r.speed,
      direction: r.direction,
      altitude: r.altitude,
      alarm: r.alarm,
      status: r.status,
      // Stored through `boundedExtras` (store.ts), so of the schema's shape; a phone's accuracy joins them.
      extras: (r.accuracy === null ? r.extras : { ...r.extras, accuracy: r.accuracy }) as Static<
        typeof Extras
      >,
    })),
  };
}

/** A track query's [from, to): instants the database keeps, in order, at most MAX_TRACK_SPAN_MS (400 otherwise). */
export function trackRange(q: { from: string; to: string }): { from: Date; to: Date } {
  const from = new Date(q.from);
  const to = new Date(q.to);
  // Instants the database keeps (year 0 is not one): a track is of this century's fixes anyway.
  for (const [d, field] of [
    [from, 'querystring.from'],
    [to, 'querystring.to'],
  ] as const) {
    if (!(d.getTime() >= EARLIEST && d.getTime() <= LATEST)) {
      throw invalid(field, '时间须在 1970 年至 2199 年之间', 'The time must be between 1970 and 2199');
    }
  }
  if (!(from.getTime() < to.getTime())) {
    throw invalid('querystring.to', '结束时间须晚于开始时间', '`to` must be after `from`');
  }
  if (to.getTime() - from.getTime() > MAX_TRACK_SPAN_MS) {
    throw invalid(
      'querystring.to',
      `查询时段不能超过 ${MAX_TRACK_SPAN_MS / 86_400_000} 天`,
      `The range may span at most ${MAX_TRACK_SPAN_MS / 86_400_000} days`,
    );
  }
  return { from, to };
}

/** The subject's fixes in [from, to), at most MAX_TRACK_ROWS (400 naming the bound beyond). */
export async function trackRows(
  db: Db,
  subject: { terminalId: string } | { userId: string },
  from: Date,
  to: Date,
): Promise<repo.TrackRow[]> {
  const rows = await repo.track(db, subject, from, to, MAX_TRACK_ROWS + 1);
  if (rows.length > MAX_TRACK_ROWS) {
    throw invalid(
      'querystring.to',
      `该时段的定位点超过 ${MAX_TRACK_ROWS} 个，请缩短查询时段`,
      `More than ${MAX_TRACK_ROWS} positions in the range; ask for a shorter one`,
    );
  }
  return rows;
}

const REFUSAL_TEXT = {
  future: {
    zh: '定位时间超前服务器时间 10 分钟以上（手机时钟有误）',
    en: 'more than 10 minutes ahead of the server’s clock',
  },
  too_old: { zh: '定位时间早于数据保留期限', en: 'older than the positions are kept' },
  bad_time: { zh: '定位时间不是有效的时刻', en: 'the time is not a valid instant' },
} as const;

/**
 * The caller's own positions from the field app, as one batch: each position is stored or refused
 * on its own (`refused` names its index and why) — a phone whose clock jumped must not lose the
 * rest of its buffer, nor resend the batch for ever. Stored in WGS84 (GCJ-02 converted), speed in
 * km/h; a position resent (same user and time) is stored once. One transaction.
 */
export async function reportOwnPositions(
  db: Db,
  ctx: RequestContext,
  live: LastPositions,
  input: PhonePositionsT,
  now: Date,
  alarms?: PositionsObserver,
) {
  if (!ownPositionsReport.allows(ctx.actor, {}) || !ctx.actor.id) {
    throw new AppError('FORBIDDEN', {
      zh: '只有登录的人员可以上报自己的位置',
      en: 'Only a signed-in person may send their own positions',
    });
  }
  const userId = ctx.actor.id;
  const retentionDays = await getSetting(db, 'gps.retentionDays');
  const refused: { index: number; reason: keyof typeof REFUSAL_TEXT; message: string }[] = [];
  const byTime = new Map<number, PositionInsert>();
  input.positions.forEach((p, index) => {
    const [lng, lat] = p.crs === 'gcj02' ? convertLngLat(p.lng, p.lat, 'gcj02', 'wgs84') : [p.lng, p.lat];
    const time = new Date(p.time);
    const refusal = refusalOf({ time, lat, lng }, now, retentionDays);
    // lat/lng are bounded by the schema: a bad value here is the time (23:59:60 passes RFC 3339).
    const why = refusal === 'bad_value' ? 'bad_time' : refusal;
    if (why) {
      refused.push({
        index,
        reason: why,
        message: ctx.lang === 'en' ? REFUSAL_TEXT[why].en : REFUSAL_TEXT[why].zh,
      });
      return;
    }
    // Two fixes of one instant in one batch: the first is kept (as a resend would be).
    if (byTime.has(time.getTime())) return;
    byTime.set(time.getTime(), {
      terminalId: null,
      userId,
      time,
      receivedAt: now,
      lat,
      lng,
      speed: p.speed == null ? null : Math.round(p.speed * 3.6 * 100) / 100,
      direction: p.heading == null ? null : Math.round(p.heading) % 360,
      altitude: p.altitude == null ? null : Math.round(p.altitude),
      alarm: null,
      status: null,
      accuracy: p.accuracy ?? null,
      serial: 0,
      source: 'phone',
      extras: boundedExtras({}),
    });
  });
  const rows = [...byTime.values()];
  const times = rows.map((r) => (r.time as Date).getTime());
  const result = {
    received: input.positions.length,
    stored: 0,
    duplicates: 0,
    refused,
  };
  await db.transaction(async (tx) => {
    result.stored = await insertPositions(tx, rows);
    result.duplicates = input.positions.length - refused.length - result.stored;
    // One event per batch (the audit trail's rule for every write): who sent how many fixes of
    // which period — not where (the track is read through the policy, not the audit page).
    const s = ctx.actor.scope;
    await recordEvent(tx, ctx, {
      action: 'gps.position.report',
      // Not `user`: an event about a user drops that user's cached sessions on every node.
      entityType: 'gps_position',
      entityId: userId,
      districtCode: s.kind === 'city' ? null : s.districtCode,
      after: {
        received: result.received,
        stored: result.stored,
        duplicates: result.duplicates,
        refused: refused.length,
        from: times.length ? new Date(Math.min(...times)).toISOString() : null,
        to: times.length ? new Date(Math.max(...times)).toISOString() : null,
      },
    });
  });
  // The geofences' rules, once the positions are stored (never fails the batch).
  if (result.stored > 0) await alarms?.afterStore(rows);
  for (const r of rows) {
    live.update({
      source: 'phone',
      terminalId: null,
      userId,
      time: r.time as Date,
      receivedAt: now,
      lat: r.lat,
      lng: r.lng,
      speed: r.speed ?? null,
      direction: r.direction ?? null,
      alarm: null,
      status: null,
    });
  }
  return result;
}
