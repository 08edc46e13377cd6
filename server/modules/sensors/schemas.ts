import { type Static, Type } from 'typebox';
import {
  ALARM_REPORTS,
  ALARM_STATES,
  COMPARISONS,
  CONDITION_PATTERN,
  DEVICE_CODE_PATTERN,
  DEVICE_STATES,
  FIELD_PATTERN,
  KIND_CODE_PATTERN,
  REJECT_REASONS,
} from '../../../common/sensors.ts';
import { Nullable, Page, StringEnum } from '../../platform/schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const MatterCode = Type.String({
  pattern: '^[0-9A-Z]{2}[0-9A-Z]{3}$',
  description: '5-character matter type code',
});
const DeviceCode = Type.String({
  pattern: DEVICE_CODE_PATTERN,
  description: 'the `{deviceId}` of the telemetry topic `…/{deviceId}/telemetry`',
});
const KindCode = Type.String({ pattern: KIND_CODE_PATTERN });
const Crs = StringEnum(['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const, 'coordinate system of lng/lat');
const Finite = (o: object = {}) => Type.Number({ minimum: -1e9, maximum: 1e9, ...o });
const SilenceS = Type.Integer({
  minimum: 60,
  maximum: 30 * 86400,
  description: 'seconds without a reading before the device is offline',
});

// ---- kinds -----------------------------------------------------------------------------------

export const KindField = Type.Object(
  {
    key: Type.String({ pattern: FIELD_PATTERN }),
    nameZh: Type.String({ minLength: 1, maxLength: 40 }),
    nameEn: Type.String({ minLength: 1, maxLength: 60 }),
    unit: Type.String({ maxLength: 12 }),
  },
  { additionalProperties: false },
);

export const KindRuleT = Type.Object(
  {
    condition: Type.String({
      pattern: CONDITION_PATTERN,
      description: 'the condition this rule watches (one open case per device and condition)',
    }),
    nameZh: Type.String({ minLength: 1, maxLength: 40 }),
    nameEn: Type.String({ minLength: 1, maxLength: 60 }),
    field: Type.String({ pattern: FIELD_PATTERN }),
    comparison: StringEnum(
      COMPARISONS,
      'gt > · gte ≥ · lt < · lte ≤: a reading breaches when `value <op> threshold`',
    ),
    threshold: Finite(),
    clearLevel: Finite({
      description: 'a reading beyond this level on the safe side clears an active alarm (hysteresis)',
    }),
    durationS: Type.Integer({
      minimum: 0,
      maximum: 7 * 86400,
      description: 'seconds a breach must last before it raises a report (0: at once)',
    }),
    matterCode: MatterCode,
    matterFromComponent: Type.Boolean({
      description: "report as the watched component's own matter type when the catalogue has it",
    }),
    enabled: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const Kind = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  fields: Type.Array(KindField),
  rules: Type.Array(KindRuleT),
  silenceS: Type.Integer(),
  offlineMatterCode: Nullable(Type.String()),
  updatedAt: DateTime,
  version: Type.Integer(),
});
export type KindDto = Static<typeof Kind>;
export const KindList = Type.Object({ items: Type.Array(Kind) });

export const KindParams = Type.Object({ code: KindCode }, { additionalProperties: false });

export const KindUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    rules: Type.Array(KindRuleT, { maxItems: 16 }),
    silenceS: SilenceS,
    offlineMatterCode: Nullable(MatterCode),
  },
  { additionalProperties: false },
);
export type KindUpdateT = Static<typeof KindUpdate>;

// ---- devices ---------------------------------------------------------------------------------

const Location = Type.Object(
  {
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    crs: Crs,
  },
  { additionalProperties: false },
);

export const DeviceCreate = Type.Object(
  {
    code: DeviceCode,
    kindCode: KindCode,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    location: Type.Optional(Location),
    address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    componentId: Type.Optional(Nullable(Type.String({ pattern: '^\\d{17}$' }))),
    orgId: Type.Optional(Uuid),
    silenceS: Type.Optional(Nullable(SilenceS)),
    enabled: Type.Optional(Type.Boolean()),
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  {
    additionalProperties: false,
    description:
      'A device stands at `location`, or (without one) at its watched component; its organisation defaults to the district centre where it stands.',
  },
);
export type DeviceCreateT = Static<typeof DeviceCreate>;

export const DeviceUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    code: Type.Optional(DeviceCode),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    location: Type.Optional(Location),
    address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    componentId: Type.Optional(Nullable(Type.String({ pattern: '^\\d{17}$' }))),
    orgId: Type.Optional(Uuid),
    silenceS: Type.Optional(Nullable(SilenceS)),
    enabled: Type.Optional(Type.Boolean()),
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export type DeviceUpdateT = Static<typeof DeviceUpdate>;

export const DeviceImport = Type.Object(
  {
    csv: Type.String({
      minLength: 1,
      maxLength: 1_000_000,
      description:
        'UTF-8 CSV with a header row: code, kind, name, lng, lat (WGS84; or both empty with component_id), and optionally address, component_id, silence_s. All rows or none.',
    }),
  },
  { additionalProperties: false },
);
export type DeviceImportT = Static<typeof DeviceImport>;
export const DeviceImportResult = Type.Object({ created: Type.Integer(), codes: Type.Array(Type.String()) });

const LastValue = Type.Object({ field: Type.String(), value: Type.Number() });

export const DeviceStatus = Type.Object({
  state: StringEnum(DEVICE_STATES, 'never: no reading yet · online · offline: silent longer than its limit'),
  stateSince: DateTime,
  lastSeenAt: Nullable(DateTime),
  lastReadingAt: Nullable(DateTime),
  lastValues: Type.Array(LastValue),
  readings: Type.Integer(),
  rejected: Type.Integer(),
  lastRejectedAt: Nullable(DateTime),
  lastRejectedReason: Nullable(Type.String()),
});

export const Device = Type.Object({
  id: Uuid,
  code: Type.String(),
  kindCode: Type.String(),
  kindNameZh: Type.String(),
  kindNameEn: Type.String(),
  name: Type.String(),
  lng: Type.Number(),
  lat: Type.Number(),
  gridId: Type.String(),
  districtCode: Type.String(),
  address: Nullable(Type.String()),
  componentId: Nullable(Type.String()),
  orgId: Uuid,
  orgName: Nullable(Type.String()),
  silenceS: Nullable(Type.Integer()),
  /** Its own limit or its kind's. */
  effectiveSilenceS: Type.Integer(),
  enabled: Type.Boolean(),
  generated: Type.Boolean({ description: 'made by the demo seed, not a real device' }),
  note: Nullable(Type.String()),
  status: DeviceStatus,
  /** The conditions in alarm now. */
  activeConditions: Type.Array(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
  version: Type.Integer(),
});
export type DeviceDto = Static<typeof Device>;
export const DeviceList = Page(Device);

export const DeviceListQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the code or name' })),
    kindCode: Type.Optional(KindCode),
    state: Type.Optional(StringEnum(DEVICE_STATES)),
    districtCode: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
    alarm: Type.Optional(Type.Boolean({ description: 'only devices with a condition in alarm' })),
  },
  { additionalProperties: false },
);
export type DeviceListQueryT = Static<typeof DeviceListQuery>;

export const DeviceMap = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      code: Type.String(),
      name: Type.String(),
      kindCode: Type.String(),
      lng: Type.Number(),
      lat: Type.Number(),
      state: StringEnum(DEVICE_STATES),
      enabled: Type.Boolean(),
      alarm: Type.Boolean(),
    }),
  ),
  truncated: Type.Boolean(),
});

/** Each enabled rule's condition on the device (normal when it never left normal). */
export const ConditionStatus = Type.Object({
  condition: Type.String(),
  state: StringEnum(ALARM_STATES),
  /** pending: when the breach began; active: when the alarm was raised. */
  since: Nullable(DateTime),
});

export const Alarm = Type.Object({
  id: Uuid,
  condition: Type.String(),
  field: Nullable(Type.String()),
  startedAt: DateTime,
  raisedAt: DateTime,
  clearedAt: Nullable(DateTime),
  raisedValue: Nullable(Type.Number()),
  peakValue: Nullable(Type.Number()),
  clearValue: Nullable(Type.Number()),
  report: StringEnum(ALARM_REPORTS),
  reportError: Nullable(Type.String()),
  /** The case, when the caller may open it (null otherwise, as for every path to a case). */
  caseId: Nullable(Uuid),
  caseCode: Nullable(Type.String()),
});

export const DeviceDetail = Type.Object({
  device: Device,
  kind: Kind,
  conditions: Type.Array(ConditionStatus),
  alarms: Type.Array(Alarm),
});

export const ReadingsQuery = Type.Object(
  {
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    maxPoints: Type.Optional(Type.Integer({ minimum: 10, maximum: 2000, default: 500 })),
  },
  { additionalProperties: false },
);
export type ReadingsQueryT = Static<typeof ReadingsQuery>;

const Agg = Type.Object({ avg: Type.Number(), min: Type.Number(), max: Type.Number() });
export const Readings = Type.Object({
  deviceId: Uuid,
  from: DateTime,
  to: DateTime,
  /** Each point sums up this many seconds of readings (1: about every reading). */
  bucketSeconds: Type.Integer(),
  fields: Type.Array(KindField),
  points: Type.Array(
    Type.Object({
      t: DateTime,
      n: Type.Integer(),
      /** One per field of `fields`, in order (null: no reading of that field in the bucket). */
      values: Type.Array(Nullable(Agg)),
    }),
  ),
});

const Counter = Type.Object({ reason: StringEnum(REJECT_REASONS), count: Type.Integer() });
export const SensorStatus = Type.Object({
  listener: Type.Object({
    /** This node runs the rounds (offline sweep, alarms, partitions). */
    started: Type.Boolean(),
    /** This node listens to the broker (MQTT_URL set). */
    enabled: Type.Boolean(),
    url: Nullable(Type.String()),
    subscription: Nullable(Type.String()),
    connections: Type.Integer(),
    connected: Type.Integer(),
    received: Type.Integer(),
    stored: Type.Integer(),
    duplicates: Type.Integer(),
    batches: Type.Integer(),
    largestBatch: Type.Integer(),
    rejected: Type.Array(Counter),
    lastError: Nullable(Type.String()),
    lastErrorAt: Nullable(DateTime),
  }),
  devices: Type.Object({
    total: Type.Integer(),
    never: Type.Integer(),
    online: Type.Integer(),
    offline: Type.Integer(),
    disabled: Type.Integer(),
    inAlarm: Type.Integer(),
  }),
});
