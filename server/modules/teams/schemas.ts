import { type Static, Type } from 'typebox';
import { Nullable, StringEnum } from '../../platform/schemas.ts';
import { TEAM_POSTS } from './tables.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
export const Day = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'a China-time day YYYY-MM-DD',
});
const Hm = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'China time HH:MM' });
const District = Type.String({ pattern: '^\\d{6}$', description: 'district code (6 digits)' });
const Post = StringEnum(
  TEAM_POSTS,
  'post (岗位): inspector 监督员, officer 执法队员, sanitation 环卫工, gardener 园林工, other',
);
const Version = Type.Integer({ minimum: 1 });
/** A name: no control characters (PostgreSQL refuses NUL in text), not only spaces. */
const Name = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern: '^[^\\u0000-\\u001f\\u007f]*\\S[^\\u0000-\\u001f\\u007f]*$',
});
const GridId = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern: '^[0-9A-Za-z_-]+$',
  description: 'a unit grid ID',
});

export const Member = Type.Object({
  userId: Uuid,
  name: Type.String(),
  username: Nullable(Type.String()),
  orgId: Uuid,
  orgName: Nullable(Type.String()),
  districtCode: Nullable(Type.String()),
  posts: Type.Array(Post),
  gridIds: Type.Array(Type.String()),
  active: Type.Boolean(),
  generated: Type.Boolean(),
  version: Type.Integer(),
});
export type MemberDto = Static<typeof Member>;
export const MemberList = Type.Object({ items: Type.Array(Member) });
export const MemberListQuery = Type.Object(
  { district: Type.Optional(District), post: Type.Optional(Post) },
  { additionalProperties: false },
);
export const MemberParams = Type.Object({ userId: Uuid }, { additionalProperties: false });
export const MemberSave = Type.Object(
  {
    posts: Type.Array(Post, { maxItems: 5, uniqueItems: true }),
    gridIds: Type.Array(GridId, { maxItems: 200, uniqueItems: true }),
    active: Type.Optional(Type.Boolean()),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);
export type MemberSaveT = Static<typeof MemberSave>;
export const Candidate = Type.Object({
  userId: Uuid,
  name: Type.String(),
  username: Nullable(Type.String()),
  member: Type.Boolean(),
});
export const CandidateList = Type.Object({ items: Type.Array(Candidate) });

export const Shift = Type.Object({
  id: Uuid,
  districtCode: Nullable(Type.String()),
  name: Type.String(),
  start: Hm,
  end: Hm,
  crossesMidnight: Type.Boolean(),
  colour: Nullable(Type.String()),
  active: Type.Boolean(),
  generated: Type.Boolean(),
  version: Type.Integer(),
});
export type ShiftDto = Static<typeof Shift>;
export const ShiftList = Type.Object({ items: Type.Array(Shift) });
export const ShiftCreate = Type.Object(
  {
    name: Name,
    start: Type.String({ maxLength: 10, description: 'HH:MM China time' }),
    end: Type.String({
      maxLength: 10,
      description: 'HH:MM China time; at or before the start: ends next day',
    }),
    districtCode: Type.Optional(Nullable(District)),
    colour: Type.Optional(Nullable(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }))),
  },
  { additionalProperties: false },
);
export type ShiftCreateT = Static<typeof ShiftCreate>;
export const ShiftUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    start: Type.Optional(Type.String({ maxLength: 10 })),
    end: Type.Optional(Type.String({ maxLength: 10 })),
    colour: Type.Optional(Nullable(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }))),
    active: Type.Optional(Type.Boolean()),
    version: Version,
  },
  { additionalProperties: false },
);
export type ShiftUpdateT = Static<typeof ShiftUpdate>;

export const Template = Type.Object({
  id: Uuid,
  districtCode: Nullable(Type.String()),
  name: Type.String(),
  days: Type.Array(Nullable(Uuid), { description: 'Monday..Sunday: a shift id or null (rest)' }),
  generated: Type.Boolean(),
  version: Type.Integer(),
});
export type TemplateDto = Static<typeof Template>;
export const TemplateList = Type.Object({ items: Type.Array(Template) });
export const TemplateCreate = Type.Object(
  {
    name: Name,
    days: Type.Array(Nullable(Uuid), { minItems: 7, maxItems: 7 }),
    districtCode: Type.Optional(Nullable(District)),
  },
  { additionalProperties: false },
);
export type TemplateCreateT = Static<typeof TemplateCreate>;
export const TemplateUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    days: Type.Optional(Type.Array(Nullable(Uuid), { minItems: 7, maxItems: 7 })),
    version: Version,
  },
  { additionalProperties: false },
);
export type TemplateUpdateT = Static<typeof TemplateUpdate>;

export const RosterCell = Type.Object({
  userId: Uuid,
  day: Day,
  shiftId: Nullable(Uuid),
  version: Type.Integer(),
  generated: Type.Boolean(),
});
export const WeekQuery = Type.Object(
  { week: Day, district: Type.Optional(District) },
  { additionalProperties: false },
);
export const Week = Type.Object({
  week: Day,
  days: Type.Array(Day),
  people: Type.Array(Member),
  shifts: Type.Array(Shift),
  cells: Type.Array(RosterCell),
});
export const RosterSave = Type.Object(
  {
    cells: Type.Array(
      Type.Object(
        {
          userId: Uuid,
          day: Day,
          shiftId: Nullable(Uuid),
          version: Type.Optional(
            Type.Integer({ minimum: 1, description: 'the cell’s version when it exists' }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export type RosterSaveT = Static<typeof RosterSave>;
export const ApplyTemplate = Type.Object(
  {
    templateId: Uuid,
    week: Day,
    userIds: Type.Array(Uuid, { minItems: 1, maxItems: 200, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type ApplyTemplateT = Static<typeof ApplyTemplate>;
export const RosterResult = Type.Object({ cells: Type.Array(RosterCell) });

export const Clock = Type.Object(
  {
    kind: StringEnum(['in', 'out'] as const, 'clock in (上班打卡) or out (下班打卡)'),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    accuracy: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type ClockT = Static<typeof Clock>;
export const AttendanceStatusT = StringEnum([
  'normal',
  'late',
  'early_leave',
  'late_early',
  'absent',
  'no_shift',
  'rest',
  'pending',
  'on_duty',
  'missing_clock_out',
] as const);
export const Attendance = Type.Object({
  id: Nullable(Uuid),
  userId: Uuid,
  name: Type.String(),
  day: Day,
  shiftId: Nullable(Uuid),
  shiftName: Nullable(Type.String()),
  shiftStart: Nullable(DateTime),
  shiftEnd: Nullable(DateTime),
  clockInAt: Nullable(DateTime),
  clockInInside: Nullable(Type.Boolean()),
  clockInGridId: Nullable(Type.String()),
  clockInDistanceM: Nullable(Type.Number()),
  clockOutAt: Nullable(DateTime),
  clockOutInside: Nullable(Type.Boolean()),
  late: Type.Boolean(),
  earlyLeave: Type.Boolean(),
  noShift: Type.Boolean(),
  status: AttendanceStatusT,
});
export type AttendanceDto = Static<typeof Attendance>;
export const MyToday = Type.Object({
  now: DateTime,
  member: Type.Boolean(),
  shift: Nullable(
    Type.Object({ day: Day, shiftId: Uuid, name: Type.String(), start: DateTime, end: DateTime }),
  ),
  attendance: Nullable(Attendance),
  gridIds: Type.Array(Type.String()),
});
export const DayQuery = Type.Object(
  { date: Day, district: Type.Optional(District) },
  { additionalProperties: false },
);
export const AttendanceList = Type.Object({ date: Day, items: Type.Array(Attendance) });
export const CoverageRow = Type.Object({
  userId: Uuid,
  name: Type.String(),
  day: Day,
  shiftName: Type.String(),
  shiftStart: DateTime,
  shiftEnd: DateTime,
  grids: Type.Integer(),
  covered: Type.Array(Type.String()),
  ratio: Type.Number(),
  positions: Type.Integer(),
});
export type CoverageRowDto = Static<typeof CoverageRow>;
export const CoverageList = Type.Object({ date: Day, items: Type.Array(CoverageRow) });
export const NearestQuery = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    district: Type.Optional(District),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  },
  { additionalProperties: false },
);
export const Nearest = Type.Object({
  userId: Uuid,
  name: Type.String(),
  districtCode: Nullable(Type.String()),
  distanceM: Type.Number(),
  positionAt: DateTime,
  lat: Type.Number(),
  lng: Type.Number(),
  onDutyBy: StringEnum(['roster', 'clock_in'] as const),
  shiftName: Nullable(Type.String()),
});
export type NearestDto = Static<typeof Nearest>;
export const NearestList = Type.Object({ items: Type.Array(Nearest) });
export const ReportQuery = Type.Object(
  { date: Day, district: Type.Optional(District) },
  { additionalProperties: false },
);
