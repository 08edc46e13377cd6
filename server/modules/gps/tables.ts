import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import type { GpsCrs, GpsTerminalKind, PositionSource } from '../../../common/gps.ts';
import type {
  GeofenceRule,
  GeofenceShape,
  GeofenceSource,
  GpsAlarmKind,
  GpsAlarmSource,
  GpsAlarmState,
} from '../../../common/gps-alarms.ts';
import { org } from '../org/tables.ts';
import type { FenceGeometry } from './geofence-geometry.ts';

/** What a terminal announced in its last registration (0x0100), kept for the people who look after it. */
export interface TerminalRegistration {
  version: 2013 | 2019;
  province: number;
  city: number;
  maker: string;
  model: string;
  deviceId: string;
  plateColour: number;
  plate: string;
  at: string;
}

/**
 * A JT/T 808 terminal (车载终端) in the registry: its phone/ID (the BCD number of every frame's
 * header, stored in one canonical form: common/gps.ts `canonicalTerminalPhone`), the vehicle it
 * rides in, and the organisation that runs it (a district centre or a unit) — whose district
 * (copied from the organisation on every write; null for a city-level one) decides, with the
 * organisation, who sees it. The auth code (鉴权码) the platform handed it at registration is a
 * credential: never in a list, an event or a log.
 *
 * Staff phones have no row here: a phone's positions name the user who sent them (the session's
 * user), so a person is reached through their account and organisation, not through a device
 * register that would have to follow every change of phone.
 */
export const gpsTerminal = pgTable(
  'gps_terminal',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    terminalPhone: text('terminal_phone').notNull().unique(),
    plate: text('plate'),
    plateColour: integer('plate_colour').notNull().default(0),
    kind: text('kind').notNull().$type<GpsTerminalKind>(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => org.id),
    districtCode: text('district_code'),
    /** The terminal's clock: minutes east of UTC its BCD times are written in (JT/T 808: GMT+8). */
    utcOffsetMinutes: integer('utc_offset_minutes').notNull().default(480),
    /** The coordinate system of its fixes; stored positions are converted to WGS84. */
    crs: text('crs').notNull().default('wgs84').$type<GpsCrs>(),
    authCode: text('auth_code').notNull(),
    /** The IMEI a 2019 terminal gave in its authentication (first one kept; another one is refused). */
    imei: text('imei'),
    registration: jsonb('registration').$type<TerminalRegistration>(),
    registeredAt: timestamp('registered_at', { withTimezone: true }),
    /** When the platform last heard from it (the server's clock), and its newest fix. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    lastPositionAt: timestamp('last_position_at', { withTimezone: true }),
    lastLat: doublePrecision('last_lat'),
    lastLng: doublePrecision('last_lng'),
    enabled: boolean('enabled').notNull().default(true),
    /** Made by the demo seed (the UI says so), not a real vehicle. */
    generated: boolean('generated').notNull().default(false),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('gps_terminal_district_idx').on(t.districtCode),
    index('gps_terminal_org_idx').on(t.orgId),
    index('gps_terminal_kind_idx').on(t.kind),
  ],
);

/**
 * Positions (the time series), partitioned by UTC day on the device's own `time` (PostgreSQL
 * declarative partitioning, on PGlite too; the migration declares `PARTITION BY RANGE (time)` by
 * hand: Drizzle does not). A terminal's fix names the terminal, a phone's the user who sent it —
 * exactly one of the two (the check). The unique key (terminal, user, time, serial) with NULLs
 * not distinct makes a position sent twice one row: a terminal resending a message keeps its
 * serial, a phone's positions have serial 0 (one per user and instant). It also serves the track
 * query (terminal = ?, user IS NULL, time range). No foreign keys: a terminal is never deleted
 * (only disabled) and the check would cost every insert.
 *
 * `alarm` and `status` are JT/T 808 DWORD bit sets (bit 31 included), hence bigint; a phone has
 * neither (null). Speeds in km/h, direction in degrees from north, altitude in metres, accuracy
 * (phones) in metres.
 */
export const gpsPosition = pgTable(
  'gps_position',
  {
    terminalId: uuid('terminal_id'),
    userId: uuid('user_id'),
    time: timestamp('time', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    speed: doublePrecision('speed'),
    direction: integer('direction'),
    altitude: integer('altitude'),
    alarm: bigint('alarm', { mode: 'number' }),
    status: bigint('status', { mode: 'number' }),
    accuracy: doublePrecision('accuracy'),
    serial: integer('serial').notNull().default(0),
    source: text('source').notNull().$type<PositionSource>(),
    extras: jsonb('extras').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    unique('gps_position_key').on(t.terminalId, t.userId, t.time, t.serial).nullsNotDistinct(),
    check('gps_position_one_subject', sql`(${t.terminalId} IS NULL) <> (${t.userId} IS NULL)`),
  ],
);

/**
 * A geofence (电子围栏) and its rule: an area (a polygon drawn on the map, or copied from a grid,
 * community or district when it is made — `sourceCode` names it) or a route (a line and the
 * corridor's full width in metres). The rule (common/gps-alarms.ts `GeofenceRule`) says what is
 * asked (stay inside / never enter), the speed limit, the active windows (China time) and whom it
 * applies to. It belongs to an organisation and, through it, a district (null: the city's), which
 * decides who sees and changes it (policy.ts `fenceRead`/`fenceManage`) — and whose terminals and
 * staff a district's fence applies to: its own district's only.
 */
export const gpsGeofence = pgTable(
  'gps_geofence',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    name: text('name').notNull(),
    shape: text('shape').notNull().$type<GeofenceShape>(),
    source: text('source').notNull().$type<GeofenceSource>(),
    sourceCode: text('source_code'),
    geometry: jsonb('geometry').notNull().$type<FenceGeometry>(),
    corridorM: integer('corridor_m'),
    rule: jsonb('rule').notNull().$type<GeofenceRule>(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => org.id),
    districtCode: text('district_code'),
    enabled: boolean('enabled').notNull().default(true),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('gps_geofence_district_idx').on(t.districtCode)],
);

/**
 * GPS alarms (告警): a fence's rule seen broken by a terminal's or a person's position (`rule`), or
 * an alarm bit a JT/T 808 terminal raised (`terminal`, on the bit's rising edge). Scoped like the
 * fence (rule) or the terminal (terminal) it came from: `orgId`/`districtCode` are copied at
 * raising. open → acknowledged (who, when, note) → closed; a case raised for it is linked.
 */
export const gpsAlarm = pgTable(
  'gps_alarm',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: text('kind').notNull().$type<GpsAlarmKind>(),
    source: text('source').notNull().$type<GpsAlarmSource>(),
    terminalId: uuid('terminal_id'),
    userId: uuid('user_id'),
    fenceId: uuid('fence_id'),
    orgId: uuid('org_id'),
    districtCode: text('district_code'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    speed: doublePrecision('speed'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    state: text('state').notNull().default('open').$type<GpsAlarmState>(),
    acknowledgedBy: uuid('acknowledged_by'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    ackNote: text('ack_note'),
    closedBy: uuid('closed_by'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closeNote: text('close_note'),
    caseId: uuid('case_id'),
    caseCode: text('case_code'),
    caseError: text('case_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('gps_alarm_at_idx').on(t.at),
    index('gps_alarm_district_idx').on(t.districtCode, t.at),
    index('gps_alarm_state_idx').on(t.state),
  ],
);

/**
 * Where each subject (`terminal:<id>` / `user:<id>`) stands against each fence that applies to it
 * (`fence_id`; the nil UUID for the terminal's own alarm bits): inside or not, an overspeed
 * episode, the last alarm bits, the newest position evaluated. In the database, so a restart or
 * another node continues the same episodes (one alarm per transition, never two).
 */
export const gpsFenceState = pgTable(
  'gps_fence_state',
  {
    subject: text('subject').notNull(),
    fenceId: uuid('fence_id').notNull(),
    inside: boolean('inside'),
    overSince: timestamp('over_since', { withTimezone: true }),
    overRaised: boolean('over_raised').notNull().default(false),
    alarmBits: bigint('alarm_bits', { mode: 'number' }),
    at: timestamp('at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.subject, t.fenceId] })],
);
