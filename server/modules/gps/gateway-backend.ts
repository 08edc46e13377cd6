/**
 * What the JT/T 808 gateway (./jt808/, another engineer's codec and TCP server) asks of the
 * platform, and nothing else: it never touches a table. `createJt808Backend(database, opts)`
 * gives:
 *
 * - `register(reg)` (0x0100): a terminal in the registry, enabled, gets a fresh auth code —
 *   `{ result: 0, authCode }`; one not in the registry is created when the setting
 *   `gps.autoRegister` is on (kind `other`, its plate as announced, under the district centre of
 *   the division it announces — province WORD + city/county WORD are the GB/T 2260 code's first
 *   two and last four digits, 33 + 0203 → 330203 — when the city has that centre, else the city
 *   centre; the city's admins move it afterwards), else `{ result: 4 }` (终端数据库中无该终端), as
 *   is a disabled terminal. A terminal is bound to the device that registered it first (its
 *   maker and terminal ID): another device registering with the same phone/ID gets result 3
 *   (终端已被注册) until an admin releases it (PATCH `imei: null`). Audited: `gps.terminal.register` / `gps.terminal.create` by the
 *   system actor `jt808` (never the code).
 * - `authenticate(phone, code, imei?)` (0x0102): the terminal is enabled and the code is the one
 *   last handed out (compared in constant time). A 2019 terminal's IMEI is kept the first time;
 *   another IMEI later is refused (a SIM moved into another device), until an admin clears it.
 * - `settings(phone)`: `{ utcOffsetMinutes, crs }` — the terminal's clock (its BCD times are in
 *   that offset: the gateway turns them into UTC instants) and the CRS of its fixes; the
 *   defaults (480, wgs84) for a terminal not in the registry.
 * - `positions(phone, items, meta)` (0x0200, 0x0704): resolves once the fixes are stored. Each
 *   item's `time` is a UTC instant (the gateway applied `utcOffsetMinutes`); `lat`/`lng` are
 *   WGS84 unless `meta.crs` says `gcj02` (then converted here) — so the gateway converts or
 *   passes `crs` on, never both. Fixes older than the retention, more than 10 minutes ahead, or
 *   not on the globe are dropped and counted (`stats.dropped`), as are a terminal's not in the
 *   registry or disabled. Calls that arrive while a batch is written go into the next one: one
 *   multi-row INSERT … ON CONFLICT DO NOTHING per batch (the unique key terminal + time + serial
 *   makes a resent message one row), then the terminals' last position and last-seen time in one
 *   UPDATE, then the in-memory `live` (LastPositions). A database failure rejects the calls of
 *   that batch: the gateway does not acknowledge them, and the terminal sends them again. With
 *   `opts.publish` (NATS_URL: position-stream.ts) the batch goes to the stream instead, and the
 *   calls resolve when JetStream has stored it.
 * - `log(event)`: to the app's logger (opts.log).
 *
 * The terminal directory (phone → id, enabled, clock, CRS) is cached per node for
 * `directoryTtlMs` and dropped on every `gps.terminal.*` event of this node (and of others, with
 * the event feed).
 */
import { timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { canonicalTerminalPhone, type GpsCrs, PLATE_COLOUR_CODES } from '../../../common/gps.ts';
import { observeEvents, recordEvent } from '../../platform/audit.ts';
import { systemContext } from '../../platform/context.ts';
import { type Db, isUniqueViolation } from '../../platform/db.ts';
import type { EventFeed } from '../../platform/event-feed.ts';
import { convertLngLat } from '../geo/index.ts';
import { centreOf } from '../org/index.ts';
import { getSetting } from '../settings/index.ts';
import { LastPositions } from './live.ts';
import * as repo from './repository.ts';
import { newAuthCode, toTerminalDto } from './service.ts';
import {
  boundedExtras,
  insertPositions,
  type PositionInsert,
  type PositionsObserver,
  type Refusal,
  refusalOf,
  touchTerminals,
} from './store.ts';
import { gpsTerminal, type TerminalRegistration } from './tables.ts';

export interface Jt808Registration {
  terminalPhone: string;
  version: 2013 | 2019;
  province: number;
  city: number;
  maker: string;
  model: string;
  deviceId: string;
  plateColour: number;
  plate: string;
}

export type Jt808RegisterResult = { result: 0; authCode: string } | { result: 3 | 4 };

export interface Jt808PositionItem {
  /** The fix's instant (UTC: the gateway applied the terminal's `utcOffsetMinutes`). */
  time: Date;
  lat: number;
  lng: number;
  speedKmh: number;
  direction: number;
  altitude: number;
  alarm: number;
  status: number;
  /** Additional items (mileage, fuel, signal, satellites, alarm details, raw vendor items …). */
  extras: Record<string, unknown>;
}

export interface Jt808PositionMeta {
  /** 0x0200 or 0x0704. */
  messageId: number;
  /** The message's serial (流水号): part of a position's idempotency key. */
  serial: number;
  /** 0x0704 type 1: a blind-area back-fill (kept in time order; marked in extras). */
  blindArea: boolean;
  /** The CRS of the items' lat/lng when the gateway did not convert them (default wgs84). */
  crs?: GpsCrs;
}

export interface Jt808LogEvent {
  level?: 'debug' | 'info' | 'warn' | 'error';
  msg?: string;
  [k: string]: unknown;
}

export interface BackendLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface Jt808BackendOptions {
  log: BackendLog;
  /** The server's clock (tests set it). */
  clock?: () => Date;
  /** The node's last positions (app.gpsLive); a new one when absent. */
  live?: LastPositions;
  /** Other nodes' registry writes drop this node's directory too. */
  feed?: EventFeed;
  /** Most positions in one batch (default 5,000). */
  maxBatch?: number;
  /** Evaluates each stored batch against the geofences and alarm bits (alarm-engine.ts). */
  alarms?: PositionsObserver;
  /** How long a directory entry is trusted without an event (default 60 s). */
  directoryTtlMs?: number;
  /**
   * With NATS (position-stream.ts): a batch is handed to the stream instead of written here, and
   * the terminal is answered once the stream has it; the writers store it.
   */
  publish?: (rows: readonly PositionInsert[]) => Promise<void>;
}

export type DropReason = Refusal | 'unknown_terminal';

export interface BackendStats {
  received: number;
  stored: number;
  /** Handed to the NATS stream (with `publish`; the writers count what they store). */
  published: number;
  duplicates: number;
  dropped: Record<DropReason, number>;
  batches: number;
  largestBatch: number;
  failedBatches: number;
  lastError: string | null;
}

export interface Jt808Backend {
  register(reg: Jt808Registration): Promise<Jt808RegisterResult>;
  authenticate(terminalPhone: string, authCode: string, imei?: string): Promise<boolean>;
  settings(terminalPhone: string): Promise<{ utcOffsetMinutes: number; crs: GpsCrs }>;
  positions(terminalPhone: string, items: Jt808PositionItem[], meta: Jt808PositionMeta): Promise<void>;
  log(event: Jt808LogEvent | string): void;
  /** The newest position per terminal this node stored. */
  readonly live: LastPositions;
  readonly stats: BackendStats;
  /** Resolves when every submitted position is written (or failed). */
  flush(): Promise<void>;
  /** Writes what is queued, then lets go of the event observers. */
  close(): Promise<void>;
}

interface DirectoryEntry {
  id: string;
  enabled: boolean;
  utcOffsetMinutes: number;
  crs: GpsCrs;
}

interface Pending {
  rows: PositionInsert[];
  latest: { terminalId: string; time: Date; lat: number; lng: number; item: PositionInsert } | null;
  resolve(): void;
  reject(err: Error): void;
}

const GPS_TERMINAL_ACTION = /^gps\.terminal\./;
const MAX_ITEMS_PER_CALL = 10_000;
/** Above this a terminal's speed is not stored (kept in extras as `speedReported`). */
export const MAX_PLAUSIBLE_KMH = 300;
const UNKNOWN_TTL_MS = 5_000;
/** Bound on the directory (a flood of made-up phones must not grow it without end). */
const MAX_DIRECTORY = 200_000;

const sameCode = (a: string, b: string) => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The district a registration announces (GB/T 2260: province's two digits + city/county's four), if plausible. */
export function announcedDistrict(province: number, city: number): string | null {
  if (!Number.isInteger(province) || !Number.isInteger(city)) return null;
  if (province < 11 || province > 82 || city <= 0 || city > 9999) return null;
  return `${province}${String(city).padStart(4, '0')}`;
}

const isWord = (n: number, bits: 16 | 32) => Number.isInteger(n) && n >= 0 && n < 2 ** bits;
/** Within what the protocol's fields can carry (so no value can fail a whole batch's INSERT). */
const within = (n: number, min: number, max: number) => Number.isFinite(n) && n >= min && n <= max;

export function createJt808Backend(database: { db: Db }, opts: Jt808BackendOptions): Jt808Backend {
  const db = database.db;
  const clock = opts.clock ?? (() => new Date());
  const live = opts.live ?? new LastPositions();
  const maxBatch = opts.maxBatch ?? 5000;
  const ttl = opts.directoryTtlMs ?? 60_000;
  const ctx = systemContext('jt808');
  const directory = new Map<string, { entry: DirectoryEntry | null; at: number }>();
  const stats: BackendStats = {
    received: 0,
    stored: 0,
    published: 0,
    duplicates: 0,
    dropped: { future: 0, too_old: 0, bad_value: 0, unknown_terminal: 0 },
    batches: 0,
    largestBatch: 0,
    failedBatches: 0,
    lastError: null,
  };
  const unobserve = observeEvents((_c, e) => {
    if (GPS_TERMINAL_ACTION.test(e.action)) directory.clear();
  });
  const unfeed = opts.feed?.subscribe((rows) => {
    if (rows.some((r) => GPS_TERMINAL_ACTION.test(r.action))) directory.clear();
  });

  async function lookup(raw: string): Promise<DirectoryEntry | null> {
    const phone = canonicalTerminalPhone(raw);
    if (!phone) return null;
    const hit = directory.get(phone);
    // A phone not in the registry is remembered briefly (it may be registered any moment, and a
    // flood of unknown terminals must not cost a query per message).
    if (hit && Date.now() - hit.at < (hit.entry ? ttl : UNKNOWN_TTL_MS)) return hit.entry;
    const row = await repo.findTerminalByPhone(db, phone);
    const entry = row
      ? { id: row.id, enabled: row.enabled, utcOffsetMinutes: row.utcOffsetMinutes, crs: row.crs }
      : null;
    if (directory.size >= MAX_DIRECTORY) directory.clear();
    directory.set(phone, { entry, at: Date.now() });
    return entry;
  }

  // ---- drops, logged at most every 10 s per reason ----
  const unlogged = new Map<DropReason, { n: number; phone: string }>();
  let lastDropLog = 0;
  function dropped(reason: DropReason, phone: string, n = 1) {
    stats.dropped[reason] += n;
    const u = unlogged.get(reason) ?? { n: 0, phone };
    u.n += n;
    unlogged.set(reason, u);
    if (Date.now() - lastDropLog >= 10_000) {
      lastDropLog = Date.now();
      opts.log.warn(
        { dropped: Object.fromEntries([...unlogged].map(([r, x]) => [r, { count: x.n, example: x.phone }])) },
        'jt808 positions dropped',
      );
      unlogged.clear();
    }
  }

  // ---- the batch writer ----
  const queue: Pending[] = [];
  let running: Promise<void> | undefined;

  async function writeBatch(batch: Pending[]) {
    const rows = batch.flatMap((p) => p.rows);
    const newest = new Map<string, NonNullable<Pending['latest']>>();
    for (const p of batch) {
      const l = p.latest;
      if (!l) continue;
      const held = newest.get(l.terminalId);
      if (!held || held.time < l.time) newest.set(l.terminalId, l);
    }
    const seen = clock();
    if (opts.publish) {
      await opts.publish(rows);
      stats.published += rows.length;
    } else {
      const inserted = await insertPositions(db, rows);
      await touchTerminals(db, [...newest.values()], seen);
      stats.stored += inserted;
      stats.duplicates += rows.length - inserted;
      // The geofences' rules and the terminals' alarm bits (never fails the batch: it is stored).
      // With NATS the writer that stores the batch evaluates it (position-stream.ts).
      if (inserted > 0) await opts.alarms?.afterStore(rows);
    }
    stats.batches++;
    stats.largestBatch = Math.max(stats.largestBatch, rows.length);
    for (const l of newest.values()) {
      live.update({
        source: 'jt808',
        terminalId: l.terminalId,
        userId: null,
        time: l.time,
        receivedAt: seen,
        lat: l.lat,
        lng: l.lng,
        speed: l.item.speed ?? null,
        direction: l.item.direction ?? null,
        alarm: l.item.alarm ?? null,
        status: l.item.status ?? null,
      });
    }
  }

  function kick() {
    if (running) return;
    running = (async () => {
      // Let the calls of this turn of the event loop join the batch.
      await new Promise<void>((r) => setImmediate(r));
      while (queue.length > 0) {
        const batch: Pending[] = [];
        let n = 0;
        while (queue.length > 0 && (batch.length === 0 || n + queue[0].rows.length <= maxBatch)) {
          const p = queue.shift()!;
          batch.push(p);
          n += p.rows.length;
        }
        try {
          await writeBatch(batch);
          for (const p of batch) p.resolve();
        } catch (err) {
          stats.failedBatches++;
          stats.lastError = String((err as Error)?.message ?? err);
          opts.log.error({ err, positions: n }, 'jt808 positions could not be stored');
          for (const p of batch) p.reject(err as Error);
        }
      }
    })().finally(() => {
      running = undefined;
      if (queue.length > 0) kick();
    });
  }

  async function register(reg: Jt808Registration): Promise<Jt808RegisterResult> {
    const phone = canonicalTerminalPhone(reg.terminalPhone);
    if (!phone) return { result: 4 };
    const now = clock();
    const registration: TerminalRegistration = {
      version: reg.version === 2019 ? 2019 : 2013,
      province: reg.province,
      city: reg.city,
      maker: String(reg.maker ?? '').slice(0, 64),
      model: String(reg.model ?? '').slice(0, 64),
      deviceId: String(reg.deviceId ?? '').slice(0, 64),
      plateColour: reg.plateColour,
      plate: String(reg.plate ?? '').slice(0, 32),
      at: now.toISOString(),
    };
    const facts = {
      terminalId: phone,
      version: registration.version,
      province: registration.province,
      city: registration.city,
      maker: registration.maker,
      model: registration.model,
      deviceId: registration.deviceId,
      plate: registration.plate,
      plateColour: registration.plateColour,
    };
    const attempt = () =>
      db.transaction(async (tx): Promise<Jt808RegisterResult> => {
        const row = await repo.findTerminalByPhone(tx, phone, true);
        if (row) {
          if (!row.enabled) return { result: 4 };
          // Bound to the device that registered first: another device announcing this phone/ID
          // (another maker or terminal ID — a SIM moved, or someone taking the vehicle over) gets
          // 3 (终端已被注册) and the auth code stays the one the real terminal holds, until an
          // admin releases the binding (PATCH imei: null).
          const bound = row.registration;
          if (
            bound?.deviceId &&
            (bound.deviceId !== registration.deviceId || bound.maker !== registration.maker)
          ) {
            opts.log.warn(
              { terminal: phone, announced: { maker: registration.maker, deviceId: registration.deviceId } },
              'jt808 registration refused: another device than the one bound to this terminal',
            );
            return { result: 3 };
          }
          const authCode = newAuthCode();
          await tx
            .update(gpsTerminal)
            .set({ authCode, registration, registeredAt: now })
            .where(eq(gpsTerminal.id, row.id));
          await recordEvent(tx, ctx, {
            action: 'gps.terminal.register',
            entityType: 'gps_terminal',
            entityId: row.id,
            districtCode: row.districtCode,
            after: facts,
          });
          return { result: 0, authCode };
        }
        if (!(await getSetting(tx, 'gps.autoRegister'))) return { result: 4 };
        const district = announcedDistrict(reg.province, reg.city);
        const owner =
          (district ? await centreOf(tx, 'district', district) : undefined) ??
          (await centreOf(tx, 'city', ''));
        if (!owner) return { result: 4 };
        const plate = registration.plate.trim() || null;
        const colour = (PLATE_COLOUR_CODES as readonly number[]).includes(reg.plateColour)
          ? reg.plateColour
          : 9;
        const authCode = newAuthCode();
        const [created] = await tx
          .insert(gpsTerminal)
          .values({
            terminalPhone: phone,
            plate,
            plateColour: plate ? colour : 0,
            kind: 'other',
            orgId: owner.id,
            districtCode: owner.districtCode,
            authCode,
            registration,
            registeredAt: now,
            note: '终端注册时自动登记 / created when it registered',
          })
          .returning();
        await recordEvent(tx, ctx, {
          action: 'gps.terminal.create',
          entityType: 'gps_terminal',
          entityId: created.id,
          districtCode: created.districtCode,
          after: { ...toTerminalDto(created, owner.name), registration: facts },
        });
        return { result: 0, authCode };
      });
    try {
      return await attempt();
    } catch (err) {
      // Two registrations of one new terminal at once: the second finds the first's row.
      if (isUniqueViolation(err)) return attempt();
      throw err;
    }
  }

  async function authenticate(terminalPhone: string, authCode: string, imei?: string): Promise<boolean> {
    const phone = canonicalTerminalPhone(terminalPhone);
    if (!phone || typeof authCode !== 'string' || authCode.length === 0 || authCode.length > 64) return false;
    const row = await repo.findTerminalByPhone(db, phone);
    if (!row?.enabled || !sameCode(row.authCode, authCode)) return false;
    const given = typeof imei === 'string' ? imei.replace(/\0+$/, '').trim() : '';
    if (given && /^\d{14,16}$/.test(given)) {
      if (row.imei && row.imei !== given) {
        opts.log.warn(
          { terminal: phone },
          'jt808 authentication refused: another IMEI than the one on record',
        );
        return false;
      }
      if (!row.imei) await db.update(gpsTerminal).set({ imei: given }).where(eq(gpsTerminal.id, row.id));
    }
    return true;
  }

  async function settings(terminalPhone: string) {
    const e = await lookup(terminalPhone);
    return e
      ? { utcOffsetMinutes: e.utcOffsetMinutes, crs: e.crs }
      : { utcOffsetMinutes: 480, crs: 'wgs84' as const };
  }

  async function positions(terminalPhone: string, items: Jt808PositionItem[], meta: Jt808PositionMeta) {
    const list = Array.isArray(items) ? items.slice(0, MAX_ITEMS_PER_CALL) : [];
    stats.received += list.length;
    const phone = canonicalTerminalPhone(terminalPhone) ?? String(terminalPhone).slice(0, 20);
    if (list.length === 0) return;
    const terminal = await lookup(terminalPhone);
    if (!terminal?.enabled) {
      dropped('unknown_terminal', phone, list.length);
      return;
    }
    const now = clock();
    const retentionDays = await getSetting(db, 'gps.retentionDays');
    const serial = isWord(meta?.serial, 16) ? meta.serial : 0;
    const rows: PositionInsert[] = [];
    let latest: Pending['latest'] = null;
    for (const it of list) {
      if (!it || !(it.time instanceof Date)) {
        dropped('bad_value', phone);
        continue;
      }
      const [lng, lat] =
        meta?.crs === 'gcj02' && Number.isFinite(it.lng) && Number.isFinite(it.lat)
          ? convertLngLat(it.lng, it.lat, 'gcj02', 'wgs84')
          : [it.lng, it.lat];
      const why =
        refusalOf({ time: it.time, lat, lng }, now, retentionDays) ??
        (within(it.speedKmh, 0, 10_000) &&
        within(it.direction, 0, 65_535) &&
        within(it.altitude, -32_768, 65_535) &&
        isWord(it.alarm, 32) &&
        isWord(it.status, 32)
          ? null
          : 'bad_value');
      if (why) {
        dropped(why, phone);
        continue;
      }
      const extras = boundedExtras(it.extras);
      if (meta?.blindArea) extras.blindArea = true;
      // A speed no road vehicle makes (0xFFFF is 6,553.5 km/h) is a terminal's fault, not a fact:
      // the fix is kept, its speed is not (it would scale every chart and the replay's maximum).
      const speedOk = it.speedKmh <= MAX_PLAUSIBLE_KMH;
      if (!speedOk) extras.speedReported = it.speedKmh;
      const row: PositionInsert = {
        terminalId: terminal.id,
        userId: null,
        time: it.time,
        receivedAt: now,
        lat,
        lng,
        speed: speedOk ? it.speedKmh : null,
        direction: Math.round(it.direction),
        altitude: Math.round(it.altitude),
        alarm: it.alarm,
        status: it.status,
        accuracy: null,
        serial,
        source: 'jt808',
        extras,
      };
      rows.push(row);
      if (!latest || latest.time < it.time)
        latest = { terminalId: terminal.id, time: it.time, lat, lng, item: row };
    }
    if (rows.length === 0) return;
    await new Promise<void>((resolve, reject) => {
      queue.push({ rows, latest, resolve, reject });
      kick();
    });
  }

  function log(event: Jt808LogEvent | string) {
    if (typeof event === 'string') {
      opts.log.info({}, event);
      return;
    }
    const { level = 'info', msg = 'jt808', ...rest } = event ?? {};
    const sink =
      level === 'error'
        ? opts.log.error
        : level === 'warn'
          ? opts.log.warn
          : level === 'debug'
            ? (opts.log.debug ?? opts.log.info)
            : opts.log.info;
    sink.call(opts.log, rest, String(msg));
  }

  async function flush() {
    while (running || queue.length > 0) {
      if (!running) kick();
      await running?.catch(() => {});
    }
  }

  return {
    register,
    authenticate,
    settings,
    positions,
    log,
    live,
    stats,
    flush,
    async close() {
      await flush();
      unobserve();
      unfeed?.();
    },
  };
}
