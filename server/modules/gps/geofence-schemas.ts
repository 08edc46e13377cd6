/** The geofences' and GPS alarms' API shapes (TypeBox). */
import { type Static, Type } from 'typebox';
import { GPS_TERMINAL_KIND_CODES } from '../../../common/gps.ts';
import {
  GEOFENCE_MODES,
  GEOFENCE_SHAPES,
  GEOFENCE_SOURCES,
  GPS_ALARM_KINDS,
  GPS_ALARM_SOURCES,
  GPS_ALARM_STATES,
} from '../../../common/gps-alarms.ts';
import { Nullable, Page, StringEnum } from '../../platform/schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Note = Type.String({ maxLength: 500 });

const Clock = Type.String({
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$',
  description: 'HH:MM, China time',
});

export const GeofenceWindowT = Type.Object(
  {
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
    }),
    from: Clock,
    to: Clock,
  },
  {
    additionalProperties: false,
    description: 'ISO weekdays (1 Monday … 7 Sunday), China time; `to` before `from` runs past midnight',
  },
);

export const GeofenceTargetsT = Type.Object(
  {
    terminalKinds: Type.Array(StringEnum(GPS_TERMINAL_KIND_CODES), { maxItems: 20, uniqueItems: true }),
    terminalIds: Type.Array(Uuid, { maxItems: 1000, uniqueItems: true }),
    userIds: Type.Array(Uuid, { maxItems: 1000, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export const GeofenceRuleT = Type.Object(
  {
    mode: StringEnum(
      GEOFENCE_MODES,
      'stay_inside: leaving alarms; no_entry: entering alarms; none: speed only',
    ),
    speedLimitKmh: Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 300 })),
    overspeedSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
    windows: Type.Array(GeofenceWindowT, { maxItems: 14 }),
    targets: GeofenceTargetsT,
    raiseCase: Type.Boolean(),
  },
  { additionalProperties: false },
);

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 });
export const FenceGeometryT = Type.Union(
  [
    Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Type.Array(Position)) }),
    Type.Object({
      type: Type.Literal('MultiPolygon'),
      coordinates: Type.Array(Type.Array(Type.Array(Position))),
    }),
    Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(Position) }),
  ],
  { description: 'GeoJSON, WGS84' },
);

const Name = Type.String({ minLength: 1, maxLength: 100 });

export const GeofenceCreate = Type.Object(
  {
    name: Name,
    shape: StringEnum(GEOFENCE_SHAPES),
    source: StringEnum(
      GEOFENCE_SOURCES,
      'drawn: `geometry` given; grid/community/district: copied from `sourceCode`',
    ),
    sourceCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    geometry: Type.Optional(FenceGeometryT),
    corridorM: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 5000 }))),
    rule: GeofenceRuleT,
    orgId: Type.Optional(Uuid),
    enabled: Type.Optional(Type.Boolean()),
    note: Type.Optional(Nullable(Note)),
  },
  { additionalProperties: false },
);
export type GeofenceCreateT = Static<typeof GeofenceCreate>;

export const GeofenceUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Name),
    source: Type.Optional(StringEnum(GEOFENCE_SOURCES)),
    sourceCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    geometry: Type.Optional(FenceGeometryT),
    corridorM: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 5000 }))),
    rule: Type.Optional(GeofenceRuleT),
    enabled: Type.Optional(Type.Boolean()),
    note: Type.Optional(Nullable(Note)),
  },
  { additionalProperties: false },
);
export type GeofenceUpdateT = Static<typeof GeofenceUpdate>;

export const Geofence = Type.Object({
  id: Uuid,
  name: Type.String(),
  shape: StringEnum(GEOFENCE_SHAPES),
  source: StringEnum(GEOFENCE_SOURCES),
  sourceCode: Nullable(Type.String()),
  geometry: FenceGeometryT,
  corridorM: Nullable(Type.Integer()),
  rule: GeofenceRuleT,
  orgId: Uuid,
  orgName: Nullable(Type.String()),
  districtCode: Nullable(Type.String()),
  enabled: Type.Boolean(),
  note: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
  version: Type.Integer(),
});
export type GeofenceDto = Static<typeof Geofence>;

export const GeofenceListQuery = Type.Object(
  { enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const GeofenceList = Type.Object({ items: Type.Array(Geofence) });
export const GeofenceVersionQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);

// ---- alarms ----------------------------------------------------------------------------------

export const GpsAlarm = Type.Object({
  id: Uuid,
  kind: StringEnum(GPS_ALARM_KINDS),
  source: StringEnum(GPS_ALARM_SOURCES),
  terminalId: Nullable(Uuid),
  terminalPhone: Nullable(Type.String()),
  plate: Nullable(Type.String()),
  userId: Nullable(Uuid),
  fenceId: Nullable(Uuid),
  fenceName: Nullable(Type.String()),
  orgId: Nullable(Uuid),
  districtCode: Nullable(Type.String()),
  at: DateTime,
  lat: Type.Number(),
  lng: Type.Number(),
  speed: Nullable(Type.Number()),
  state: StringEnum(GPS_ALARM_STATES),
  acknowledgedBy: Nullable(Uuid),
  acknowledgedAt: Nullable(DateTime),
  ackNote: Nullable(Type.String()),
  closedBy: Nullable(Uuid),
  closedAt: Nullable(DateTime),
  closeNote: Nullable(Type.String()),
  caseId: Nullable(Uuid),
  caseCode: Nullable(Type.String()),
  caseError: Nullable(Type.String()),
  createdAt: DateTime,
  version: Type.Integer(),
});
export type GpsAlarmDto = Static<typeof GpsAlarm>;

export const AlarmListQuery = Type.Object(
  {
    state: Type.Optional(StringEnum(GPS_ALARM_STATES)),
    kind: Type.Optional(StringEnum(GPS_ALARM_KINDS)),
    source: Type.Optional(StringEnum(GPS_ALARM_SOURCES)),
    terminal: Type.Optional(Uuid),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    page: Type.Optional(Type.Integer({ minimum: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type AlarmListQueryT = Static<typeof AlarmListQuery>;
export const AlarmList = Page(GpsAlarm);

export const AlarmHandle = Type.Object(
  { version: Type.Integer({ minimum: 1 }), note: Type.Optional(Nullable(Note)) },
  { additionalProperties: false },
);
export type AlarmHandleT = Static<typeof AlarmHandle>;
