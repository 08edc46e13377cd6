import { type Static, Type } from 'typebox';
import { EventSnapshot, Page, StringEnum } from '../../platform/schemas.ts';

export const AREA_LEVELS = ['grid', 'community', 'township', 'district'] as const;
export const TYPE_LEVELS = ['matter', 'major', 'default'] as const;
const AreaLevel = StringEnum(AREA_LEVELS, 'grid 网格 · community 社区 · township 街道/镇 · district 区');
const TypeLevel = StringEnum(
  TYPE_LEVELS,
  'matter: one matter type · major: a major class · default: any type',
);
const MatterCode = Type.String({ pattern: '^\\d{5}$', description: '5-digit matter type code' });
const MatterMajor = Type.String({ pattern: '^\\d{2}$', description: '2-digit matter major class' });
const DistrictCode = Type.String({ pattern: '^\\d{6}$' });
const Uuid = Type.String({ format: 'uuid' });
const Reason = Type.String({ minLength: 1, maxLength: 500, description: 'why (kept in the history)' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const Rule = Type.Object({
  id: Uuid,
  matterCode: Nullable(Type.String()),
  matterMajor: Nullable(Type.String()),
  matterName: Nullable(Type.String()),
  typeLevel: TypeLevel,
  areaLevel: AreaLevel,
  areaCode: Type.String(),
  districtCode: Type.String(),
  unitId: Uuid,
  unitName: Nullable(Type.String()),
  active: Type.Boolean(),
  note: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
});
export type RuleDto = Static<typeof Rule>;
export const RuleList = Page(Rule);

export const RuleListQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
    districtCode: Type.Optional(DistrictCode),
    areaLevel: Type.Optional(AreaLevel),
    areaCode: Type.Optional(Type.String({ pattern: '^\\d{6,15}$' })),
    matterCode: Type.Optional(MatterCode),
    matterMajor: Type.Optional(MatterMajor),
    typeLevel: Type.Optional(TypeLevel),
    unitId: Type.Optional(Uuid),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RuleListQueryT = Static<typeof RuleListQuery>;

export const RuleCreate = Type.Object(
  {
    matterCode: Type.Optional(Nullable(MatterCode)),
    matterMajor: Type.Optional(Nullable(MatterMajor)),
    areaLevel: AreaLevel,
    areaCode: Type.String({ pattern: '^\\d{6,15}$', description: '6/9/12/15 digits matching areaLevel' }),
    unitId: Uuid,
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type RuleCreateT = Static<typeof RuleCreate>;

export const RuleUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    reason: Reason,
    unitId: Type.Optional(Uuid),
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RuleUpdateT = Static<typeof RuleUpdate>;

export const RuleDeactivate = Type.Object(
  { version: Type.Integer({ minimum: 1 }), reason: Reason },
  { additionalProperties: false },
);
export type RuleDeactivateT = Static<typeof RuleDeactivate>;

export const ResolveQuery = Type.Object(
  {
    matterCode: MatterCode,
    gridId: Type.Optional(Type.String({ pattern: '^\\d{15}$', description: '15-character unit grid ID' })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'instead of gridId' })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    crs: Type.Optional(StringEnum(['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const, 'CRS of lng/lat (wgs84)')),
  },
  { additionalProperties: false },
);
export type ResolveQueryT = Static<typeof ResolveQuery>;

export const Specificity = Type.Object({
  area: AreaLevel,
  type: TypeLevel,
  /** 0 (grid + matter type) … 11 (district default): lower is more specific. */
  rank: Type.Integer(),
});

export const Resolution = Type.Object({
  unit: Type.Object({ id: Uuid, name: Type.String() }),
  rule: Rule,
  specificity: Specificity,
  chain: Type.Object({
    district: Type.String(),
    township: Type.String(),
    community: Type.String(),
    grid: Type.String(),
  }),
});

export const HistoryEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  action: Type.String(),
  ruleId: Nullable(Type.String()),
  districtCode: Nullable(Type.String()),
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  before: EventSnapshot,
  after: EventSnapshot,
});
export const HistoryList = Page(HistoryEntry);

export const HistoryQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
    districtCode: Type.Optional(DistrictCode),
  },
  { additionalProperties: false },
);
export type HistoryQueryT = Static<typeof HistoryQuery>;
