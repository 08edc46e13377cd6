import { type Static, Type } from 'typebox';
import {
  GPS_CRS,
  GPS_TERMINAL_KIND_CODES,
  MAX_UTC_OFFSET_MINUTES,
  MIN_UTC_OFFSET_MINUTES,
  PLATE_COLOUR_CODES,
  TERMINAL_PHONE_PATTERN,
} from '../../../common/gps.ts';
import { LIVE_KINDS, LIVE_STATES, MOVING_ABOVE_KMH, OFFLINE_AFTER_MS } from '../../../common/gps-live.ts';
import { Nullable, Page, StringEnum } from '../../platform/schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });

/** At most this many positions in one `POST /api/gps/me/positions`. */
export const MAX_PHONE_BATCH = 500;
/** A track query spans at most this long and answers at most this many positions. */
export const MAX_TRACK_SPAN_MS = 7 * 86_400_000;
export const MAX_TRACK_ROWS = 20_000;

const TerminalPhone = Type.String({
  pattern: TERMINAL_PHONE_PATTERN,
  description:
    'the JT/T 808 terminal phone/ID of every frame header: 11–12 digits (2013: BCD[6], an 11-digit SIM number ' +
    'left-padded with 0) or 20 digits (2019: BCD[10]); stored as 12 digits when it is a 2013 number',
});
const Kind = StringEnum(GPS_TERMINAL_KIND_CODES, 'what carries the terminal (common/gps.ts)');
const PlateColour = Type.Union(
  PLATE_COLOUR_CODES.map((c) => Type.Literal(c)),
  { description: 'JT/T 808 plate colour: 0 no plate, 1 blue, 2 yellow, 3 black, 4 white, 9 other' },
);
const Plate = Type.String({ minLength: 1, maxLength: 16, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
const Crs = StringEnum(GPS_CRS, 'coordinate system of the terminal’s fixes (stored as WGS84)');
const UtcOffset = Type.Integer({
  minimum: MIN_UTC_OFFSET_MINUTES,
  maximum: MAX_UTC_OFFSET_MINUTES,
  multipleOf: 15,
  description: 'minutes east of UTC of the terminal’s clock (JT/T 808: 480, GMT+8)',
});
const Imei = Type.String({ pattern: '^\\d{14,16}$', description: 'IMEI (15 digits; 14–16 accepted)' });
const Note = Type.String({ maxLength: 500 });

// ---- terminals -------------------------------------------------------------------------------

export const TerminalCreate = Type.Object(
  {
    terminalId: TerminalPhone,
    plate: Type.Optional(Nullable(Plate)),
    plateColour: Type.Optional(PlateColour),
    kind: Kind,
    orgId: Type.Optional(Uuid),
    utcOffsetMinutes: Type.Optional(UtcOffset),
    crs: Type.Optional(Crs),
    imei: Type.Optional(Nullable(Imei)),
    enabled: Type.Optional(Type.Boolean()),
    note: Type.Optional(Nullable(Note)),
  },
  {
    additionalProperties: false,
    description:
      'A terminal runs under `orgId` (default: the caller’s own organisation); a plate colour other than 0 needs a plate.',
  },
);
export type TerminalCreateT = Static<typeof TerminalCreate>;

export const TerminalUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    terminalId: Type.Optional(TerminalPhone),
    plate: Type.Optional(Nullable(Plate)),
    plateColour: Type.Optional(PlateColour),
    kind: Type.Optional(Kind),
    orgId: Type.Optional(Uuid),
    utcOffsetMinutes: Type.Optional(UtcOffset),
    crs: Type.Optional(Crs),
    imei: Type.Optional(Nullable(Imei)),
    enabled: Type.Optional(Type.Boolean()),
    note: Type.Optional(Nullable(Note)),
  },
  { additionalProperties: false },
);
export type TerminalUpdateT = Static<typeof TerminalUpdate>;

export const TerminalDisableQuery = Type.Object(
  {
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'the version the caller saw (409 when it changed since)' }),
    ),
  },
  { additionalProperties: false },
);
export type TerminalDisableQueryT = Static<typeof TerminalDisableQuery>;

export const Terminal = Type.Object({
  id: Uuid,
  terminalId: Type.String({ description: 'the canonical terminal phone/ID' }),
  plate: Nullable(Type.String()),
  plateColour: Type.Integer(),
  kind: Kind,
  orgId: Uuid,
  orgName: Nullable(Type.String()),
  districtCode: Nullable(Type.String()),
  utcOffsetMinutes: Type.Integer(),
  crs: Crs,
  imei: Nullable(Type.String()),
  protocolVersion: Nullable(Type.Integer({ description: '2013 or 2019, from its last registration' })),
  registeredAt: Nullable(DateTime),
  lastSeenAt: Nullable(DateTime),
  lastPositionAt: Nullable(DateTime),
  lastLat: Nullable(Type.Number()),
  lastLng: Nullable(Type.Number()),
  enabled: Type.Boolean(),
  generated: Type.Boolean({ description: 'made by the demo seed, not a real vehicle' }),
  note: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
  version: Type.Integer(),
});
export type TerminalDto = Static<typeof Terminal>;

/** One terminal, with its auth code for whom manages it (configuring a terminal that skips registration). */
export const TerminalDetail = Type.Object({
  terminal: Terminal,
  authCode: Nullable(
    Type.String({ description: 'the JT/T 808 auth code (鉴权码); null unless you manage it' }),
  ),
});
export const TerminalList = Page(Terminal);

export const TerminalListQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
    q: Type.Optional(Type.String({ maxLength: 40, description: 'part of the plate or terminal phone/ID' })),
    kind: Type.Optional(Kind),
    orgId: Type.Optional(Uuid),
    districtCode: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TerminalListQueryT = Static<typeof TerminalListQuery>;

// ---- positions -------------------------------------------------------------------------------

const ExtraScalar = Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]);
/**
 * A position's further facts: a terminal's additional items (mileage, fuel, signal, satellites,
 * alarm details; unknown and vendor items raw, as hex), a phone's accuracy. Scalars, lists of
 * scalars, or one level of named scalars (store.ts `boundedExtras` keeps them to that).
 */
export const Extras = Type.Record(
  Type.String(),
  Type.Union([ExtraScalar, Type.Array(ExtraScalar), Type.Record(Type.String(), ExtraScalar)]),
);

export const Position = Type.Object({
  time: Type.String({ format: 'date-time', description: 'the fix’s instant, ISO 8601 UTC' }),
  lat: Type.Number({ description: 'WGS84 degrees' }),
  lng: Type.Number({ description: 'WGS84 degrees' }),
  speed: Nullable(Type.Number({ description: 'km/h' })),
  direction: Nullable(Type.Integer({ description: 'degrees from north (0–359)' })),
  altitude: Nullable(Type.Integer({ description: 'metres' })),
  alarm: Nullable(Type.Integer({ description: 'JT/T 808 alarm bits (null: a phone)' })),
  status: Nullable(Type.Integer({ description: 'JT/T 808 status bits (null: a phone)' })),
  extras: Extras,
});
export const PositionList = Type.Object({ items: Type.Array(Position) });

export const PositionsQuery = Type.Object(
  {
    terminal: Type.Optional(
      Type.String({
        maxLength: 36,
        description: 'the terminal: its id, or its phone/ID',
      }),
    ),
    user: Type.Optional(Type.String({ format: 'uuid', description: 'a person (their phone’s positions)' })),
    from: DateTime,
    to: DateTime,
  },
  {
    additionalProperties: false,
    description: `Exactly one of terminal and user; [from, to) at most ${MAX_TRACK_SPAN_MS / 86_400_000} days, at most ${MAX_TRACK_ROWS} positions.`,
  },
);
export type PositionsQueryT = Static<typeof PositionsQuery>;

export const PhonePosition = Type.Object(
  {
    time: Type.String({ format: 'date-time', description: 'when the phone took the fix (with its zone)' }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    crs: Type.Optional(StringEnum(GPS_CRS, 'coordinate system of lat/lng (default wgs84)')),
    accuracy: Type.Optional(
      Nullable(Type.Number({ minimum: 0, maximum: 100000, description: 'metres (95 %), as the phone says' })),
    ),
    speed: Type.Optional(
      Nullable(
        Type.Number({
          minimum: 0,
          maximum: 200,
          description: 'metres per second, as the W3C Geolocation API’s `coords.speed` (stored as km/h)',
        }),
      ),
    ),
    heading: Type.Optional(
      Nullable(Type.Number({ minimum: 0, maximum: 360, description: 'degrees clockwise from north' })),
    ),
    altitude: Type.Optional(Nullable(Type.Number({ minimum: -1000, maximum: 10000, description: 'metres' }))),
  },
  { additionalProperties: false },
);

export const PhonePositions = Type.Object(
  { positions: Type.Array(PhonePosition, { minItems: 1, maxItems: MAX_PHONE_BATCH }) },
  { additionalProperties: false },
);
export type PhonePositionsT = Static<typeof PhonePositions>;

export const PHONE_REFUSALS = ['future', 'too_old', 'bad_time'] as const;
export const PhonePositionsResult = Type.Object({
  received: Type.Integer(),
  stored: Type.Integer({ description: 'new positions written' }),
  duplicates: Type.Integer({ description: 'positions already stored (a resent batch)' }),
  refused: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'the position’s index in `positions`' }),
      reason: StringEnum(
        PHONE_REFUSALS,
        'future: more than 10 minutes ahead of the server’s clock · too_old: older than the retention · bad_time: not an instant (a leap second)',
      ),
      message: Type.String(),
    }),
  ),
});

// ---- live map and replay (issue 12 item 4) ---------------------------------------------------

export const LiveItem = Type.Object({
  key: Type.String({ description: '`terminal:<id>` or `user:<id>`' }),
  kind: StringEnum(LIVE_KINDS, 'vehicle: a JT/T 808 terminal · person: a staff phone on duty'),
  id: Uuid,
  terminalKind: Nullable(Kind),
  label: Type.String({ description: 'the plate (else the terminal phone/ID), or the person’s name' }),
  plate: Nullable(Type.String()),
  terminalPhone: Nullable(Type.String()),
  orgId: Uuid,
  orgName: Nullable(Type.String()),
  districtCode: Nullable(Type.String()),
  time: Nullable(DateTime),
  receivedAt: Nullable(DateTime),
  lat: Nullable(Type.Number({ description: 'WGS84 degrees (null: never reported a fix)' })),
  lng: Nullable(Type.Number()),
  speed: Nullable(Type.Number({ description: 'km/h (null: unknown)' })),
  direction: Nullable(Type.Integer()),
  alarm: Nullable(Type.Integer({ description: 'JT/T 808 alarm bits' })),
  state: StringEnum(
    LIVE_STATES,
    `offline: newest fix older than ${OFFLINE_AFTER_MS / 60_000} min (or none) · alarm: an alarm bit set · moving: speed > ${MOVING_ABOVE_KMH} km/h · stopped: otherwise`,
  ),
});
export const LiveSnapshot = Type.Object({
  now: DateTime,
  items: Type.Array(LiveItem),
});

export const TrackAnalysisQuery = Type.Object(
  {
    terminal: PositionsQuery.properties.terminal,
    user: PositionsQuery.properties.user,
    from: DateTime,
    to: DateTime,
    stopRadius: Type.Optional(
      Type.Integer({
        minimum: 5,
        maximum: 1000,
        description: 'metres (default 50): a stop’s fixes stay within it',
      }),
    ),
    stopMinutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 720,
        description: 'minutes (default 3): a stop lasts at least this',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TrackAnalysisQueryT = Static<typeof TrackAnalysisQuery>;

export const TrackAnalysis = Type.Object({
  subject: Type.Object({ kind: StringEnum(LIVE_KINDS), id: Uuid, label: Type.String() }),
  from: DateTime,
  to: DateTime,
  points: Type.Array(
    Type.Object({
      time: DateTime,
      lat: Type.Number(),
      lng: Type.Number(),
      speed: Nullable(Type.Number({ description: 'km/h' })),
      direction: Nullable(Type.Integer()),
      alarm: Nullable(Type.Integer()),
    }),
  ),
  distanceM: Type.Integer({ description: 'metres travelled (haversine; implausible jumps left out)' }),
  durationS: Type.Integer({ description: 'seconds from the first fix to the last' }),
  maxSpeed: Nullable(Type.Number({ description: 'km/h' })),
  stops: Type.Array(
    Type.Object({
      start: DateTime,
      end: DateTime,
      durationS: Type.Integer(),
      lat: Type.Number({ description: 'the centre: mean of the stop’s fixes' }),
      lng: Type.Number(),
      fromIndex: Type.Integer({ description: 'index of its first fix in `points`' }),
      toIndex: Type.Integer(),
    }),
  ),
  grids: Type.Array(
    Type.Object({
      gridId: Type.String(),
      districtCode: Nullable(Type.String()),
      enter: DateTime,
      leave: DateTime,
      durationS: Type.Integer(),
    }),
  ),
  params: Type.Object({ stopRadiusM: Type.Integer(), stopMinutes: Type.Integer() }),
});
