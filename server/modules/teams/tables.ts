import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
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
import { appUser } from '../identity/tables.ts';
import { org } from '../org/tables.ts';

/** The posts (岗位) a field person can hold; a person may hold several. */
export const TEAM_POSTS = ['inspector', 'officer', 'sanitation', 'gardener', 'other'] as const;
export type TeamPost = (typeof TEAM_POSTS)[number];

/**
 * A field person (队伍成员): an identity user, their posts and their responsibility grids (责任网格).
 * The district is the one of the user's organisation (copied on every write; null at city level)
 * and decides, with the organisation, who manages them. The grids must lie in that district.
 */
export const teamMember = pgTable(
  'team_member',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => appUser.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => org.id),
    districtCode: text('district_code'),
    posts: text('posts').array().notNull().default(sql`'{}'::text[]`).$type<TeamPost[]>(),
    gridIds: text('grid_ids').array().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    generated: boolean('generated').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('team_member_district_idx').on(t.districtCode), index('team_member_org_idx').on(t.orgId)],
);

/**
 * A shift definition (班次) of a district (null: the city's, usable by every district): its start
 * and end in China time as minutes after midnight; an end at or before the start crosses midnight
 * (a night shift 22:00–06:00 ends on the next day).
 */
export const teamShift = pgTable(
  'team_shift',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    districtCode: text('district_code'),
    name: text('name').notNull(),
    startMinute: integer('start_minute').notNull(),
    endMinute: integer('end_minute').notNull(),
    colour: text('colour'),
    active: boolean('active').notNull().default(true),
    generated: boolean('generated').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('team_shift_district_idx').on(t.districtCode),
    check(
      'team_shift_minutes',
      sql`${t.startMinute} BETWEEN 0 AND 1439 AND ${t.endMinute} BETWEEN 0 AND 1439 AND ${t.startMinute} <> ${t.endMinute}`,
    ),
  ],
);

/**
 * The roster (排班): one row per person and China-time day — a shift, or rest (shift null). No row
 * is "not rostered". The district is the person's at the time of writing.
 */
export const teamRoster = pgTable(
  'team_roster',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => appUser.id),
    day: date('day', { mode: 'string' }).notNull(),
    shiftId: uuid('shift_id').references(() => teamShift.id),
    districtCode: text('district_code'),
    note: text('note'),
    generated: boolean('generated').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] }), index('team_roster_day_idx').on(t.day, t.districtCode)],
);

/** A roster template (排班模板): seven days Monday..Sunday, each a shift id or null (rest). */
export const teamRosterTemplate = pgTable(
  'team_roster_template',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    districtCode: text('district_code'),
    name: text('name').notNull(),
    days: jsonb('days').$type<(string | null)[]>().notNull(),
    generated: boolean('generated').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('team_roster_template_district_idx').on(t.districtCode)],
);

/**
 * Attendance (考勤): one row per person and rostered day (the shift's start day), clock in and
 * out with the phone's position and what the check found: late, early leave, outside the
 * responsibility area, or no shift at all (a clock-in on a day without one: `day` is then the
 * China-time day of the clock-in and `shift_id` null).
 */
export const teamAttendance = pgTable(
  'team_attendance',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid('user_id')
      .notNull()
      .references(() => appUser.id),
    day: date('day', { mode: 'string' }).notNull(),
    shiftId: uuid('shift_id').references(() => teamShift.id),
    districtCode: text('district_code'),
    clockInAt: timestamp('clock_in_at', { withTimezone: true }),
    clockInLat: doublePrecision('clock_in_lat'),
    clockInLng: doublePrecision('clock_in_lng'),
    clockInGridId: text('clock_in_grid_id'),
    clockInDistanceM: doublePrecision('clock_in_distance_m'),
    clockInInside: boolean('clock_in_inside'),
    late: boolean('late').notNull().default(false),
    clockOutAt: timestamp('clock_out_at', { withTimezone: true }),
    clockOutLat: doublePrecision('clock_out_lat'),
    clockOutLng: doublePrecision('clock_out_lng'),
    clockOutInside: boolean('clock_out_inside'),
    earlyLeave: boolean('early_leave').notNull().default(false),
    noShift: boolean('no_shift').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    unique('team_attendance_user_day').on(t.userId, t.day),
    index('team_attendance_day_idx').on(t.day, t.districtCode),
  ],
);
