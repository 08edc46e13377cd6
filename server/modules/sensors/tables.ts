import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { AlarmReport, AlarmState, Comparison, DeviceState } from '../../../common/sensors.ts';
import { org } from '../org/tables.ts';

/** One numeric field a kind's devices report (e.g. `tilt` in degrees), with its names and unit. */
export interface KindField {
  key: string;
  nameZh: string;
  nameEn: string;
  unit: string;
}

/**
 * A rule of a kind: the condition `condition` holds while `field` breaches `threshold` (by
 * `comparison`); sustained for `durationS` it raises a report of `matterCode` — or, with
 * `matterFromComponent`, of the matter type of the watched component's type when the catalogue has
 * one (污水井盖 01002 → 污水井盖异常 01002); a reading beyond `clearLevel` (on the safe side of
 * the threshold: hysteresis) clears it.
 */
export interface KindRule {
  condition: string;
  nameZh: string;
  nameEn: string;
  field: string;
  comparison: Comparison;
  threshold: number;
  clearLevel: number;
  durationS: number;
  matterCode: string;
  matterFromComponent: boolean;
  enabled: boolean;
}

/**
 * A kind of sensor (井盖倾斜, 下穿通道水位, 垃圾满溢 …): the fields its devices report, its rules,
 * its default silence limit and the matter type a silent device is reported as (when the setting
 * `sensors.offline` says to report). City-wide configuration, changed by the city's admins.
 */
export const sensorKind = pgTable('sensor_kind', {
  code: text('code').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  fields: jsonb('fields').$type<KindField[]>().notNull(),
  rules: jsonb('rules').$type<KindRule[]>().notNull(),
  /** A device of this kind is offline after this many seconds without a reading (unless it says otherwise). */
  silenceS: integer('silence_s').notNull(),
  offlineMatterCode: text('offline_matter_code'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

/**
 * A device (传感器): its code is the `{deviceId}` of its telemetry topic. It stands at a WGS84
 * point (its grid and district looked up when placed), may watch a component (部件), and belongs
 * to an organisation (the district centre or unit that looks after it) — the district and the
 * organisation decide who sees it.
 */
export const sensorDevice = pgTable(
  'sensor_device',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    code: text('code').notNull().unique(),
    kindCode: text('kind_code')
      .notNull()
      .references(() => sensorKind.code),
    name: text('name').notNull(),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    gridId: text('grid_id').notNull(),
    districtCode: text('district_code').notNull(),
    address: text('address'),
    componentId: text('component_id'),
    orgId: uuid('org_id')
      .notNull()
      .references(() => org.id),
    /** Seconds without a reading before the device is offline; null: its kind's. */
    silenceS: integer('silence_s'),
    enabled: boolean('enabled').notNull().default(true),
    /** Made by the demo seed (the UI says so), not a real device. */
    generated: boolean('generated').notNull().default(false),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('sensor_device_district_idx').on(t.districtCode),
    index('sensor_device_org_idx').on(t.orgId),
    index('sensor_device_kind_idx').on(t.kindCode),
  ],
);

/**
 * What a device is doing, written with every batch of its readings (apart from the registry row,
 * whose version only people's changes move): link state, when it was last heard (the server's
 * clock) and its last reading, counts of stored and refused messages.
 */
export const sensorDeviceStatus = pgTable(
  'sensor_device_status',
  {
    deviceId: uuid('device_id')
      .primaryKey()
      .references(() => sensorDevice.id),
    state: text('state').notNull().default('never').$type<DeviceState>(),
    stateSince: timestamp('state_since', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** The time of the newest reading (the device's own `ts`) and its values. */
    lastReadingAt: timestamp('last_reading_at', { withTimezone: true }),
    lastValues: jsonb('last_values').$type<Record<string, number>>(),
    readings: bigint('readings', { mode: 'number' }).notNull().default(0),
    rejected: bigint('rejected', { mode: 'number' }).notNull().default(0),
    lastRejectedAt: timestamp('last_rejected_at', { withTimezone: true }),
    lastRejectedReason: text('last_rejected_reason'),
  },
  // No index but the key: every batch rewrites these rows, and an update that touches no indexed
  // column can stay on its page (HOT; the migration leaves room: fillfactor 50). The offline sweep
  // reads the table whole every half minute, a city's devices being thousands.
);

/**
 * Each condition of each device: normal, pending (breach since `since`, not yet sustained) or
 * active (its alarm `alarmId`). Written only when it changes (the newest reading judged is the
 * status row's `lastReadingAt`); a device's conditions without a row are normal.
 */
export const sensorAlarmState = pgTable(
  'sensor_alarm_state',
  {
    deviceId: uuid('device_id')
      .notNull()
      .references(() => sensorDevice.id),
    condition: text('condition').notNull(),
    state: text('state').notNull().default('normal').$type<AlarmState>(),
    since: timestamp('since', { withTimezone: true }),
    alarmId: uuid('alarm_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.condition] })],
);

/**
 * One alarm of one device and condition (an episode): the breach from `startedAt`, sustained at
 * `raisedAt`, cleared at `clearedAt`; the report it raised (`report`, its case) — one open case per
 * device and condition: while the condition's earlier case is open, a new alarm is noted on it.
 */
export const sensorAlarm = pgTable(
  'sensor_alarm',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => sensorDevice.id),
    condition: text('condition').notNull(),
    districtCode: text('district_code').notNull(),
    field: text('field'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    clearedAt: timestamp('cleared_at', { withTimezone: true }),
    /** The reading that raised it, the furthest beyond the threshold, and the one that cleared it. */
    raisedValue: doublePrecision('raised_value'),
    peakValue: doublePrecision('peak_value'),
    clearValue: doublePrecision('clear_value'),
    report: text('report').notNull().default('due').$type<AlarmReport>(),
    reportError: text('report_error'),
    caseId: uuid('case_id'),
    caseCode: text('case_code'),
    /** The clear was noted on the case (a clear before the report is noted once it is raised). */
    clearNoted: boolean('clear_noted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sensor_alarm_device_idx').on(t.deviceId, t.condition, t.raisedAt),
    index('sensor_alarm_due_idx').on(t.raisedAt).where(sql`report = 'due'`),
  ],
);

/**
 * Readings (the time series), partitioned by day on `at` (PostgreSQL declarative partitioning;
 * PGlite is PostgreSQL too): partitions are created ahead and dropped after the retention
 * (partitions.ts). The migration declares `PARTITION BY RANGE (at)` by hand: Drizzle does not. The
 * key (device, time) makes a reading the broker delivers twice one row.
 */
export const sensorReading = pgTable(
  'sensor_reading',
  {
    deviceId: uuid('device_id').notNull(),
    /** The reading's time: the device's `ts`, or when the server received it. */
    at: timestamp('at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    values: jsonb('values').$type<Record<string, number>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.at] })],
);
