import { type Static, type TSchema, Type } from 'typebox';
import { GeoJsonGeometry, Page, PageQuery, StringEnum } from '../../platform/schemas.ts';

export const COMPONENT_STATES = ['intact', 'damaged', 'lost', 'abandoned', 'removed'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];
export const ComponentStateSchema = StringEnum(
  COMPONENT_STATES,
  '完好 intact / 破损 damaged / 丢失 lost / 废弃 abandoned / 移除 removed',
);

export const QUERY_CRS = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const;

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 });
export const ComponentGeometry = Type.Union(
  [
    Type.Object({ type: Type.Literal('Point'), coordinates: Position }, { additionalProperties: false }),
    Type.Object(
      {
        type: Type.Literal('LineString'),
        coordinates: Type.Array(Position, { minItems: 2, maxItems: 10000 }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        type: Type.Literal('Polygon'),
        coordinates: Type.Array(Type.Array(Position, { minItems: 4, maxItems: 10000 }), {
          minItems: 1,
          maxItems: 100,
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'GeoJSON geometry in the CRS named by `crs` (default wgs84), [lng, lat] order' },
);

/**
 * Extension attributes of the component's type (扩展属性, name → value): free-form per type, and
 * an import keeps a file's unrecognised properties here as they were. One of the contract's two
 * deliberately open shapes (test/integration/api-contract.test.ts names them).
 */
const Attrs = Type.Unsafe<Record<string, unknown>>(
  Type.Object(
    {},
    { additionalProperties: true, description: 'extension attributes of the type, name → value' },
  ),
);

const DateStr = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Component = Type.Object({
  id: Type.String({ description: '17 digits: 6 district + 5 type + 6 sequence' }),
  typeCode: Type.String(),
  typeName: Nullable(Type.String()),
  districtCode: Type.String(),
  gridId: Nullable(Type.String()),
  name: Type.String(),
  ownerDept: Nullable(Type.String({ description: '主管部门' })),
  propertyDept: Nullable(Type.String({ description: '权属单位' })),
  maintainerDept: Nullable(Type.String({ description: '养护单位' })),
  state: ComponentStateSchema,
  geometry: GeoJsonGeometry,
  lng: Type.Number({ description: 'WGS84 longitude of the point or centroid' }),
  lat: Type.Number(),
  crs: Type.Literal('wgs84'),
  legacyId: Nullable(Type.String()),
  source: Type.String(),
  installedAt: Nullable(Type.String()),
  surveyedAt: Nullable(Type.String()),
  attrs: Attrs,
  distanceM: Type.Optional(Type.Number({ description: 'metres from the `near` point' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
});
export type ComponentDto = Static<typeof Component>;

export const ComponentList = Page(Component);

export const ComponentIdParams = Type.Object(
  { id: Type.String({ pattern: '^\\d{17}$', description: '17-digit component ID' }) },
  { additionalProperties: false },
);

export const ComponentListQuery = Type.Object(
  {
    ...PageQuery,
    typeCode: Type.Optional(Type.String({ pattern: '^\\d{5}$' })),
    gridId: Type.Optional(Type.String({ pattern: '^\\d{14,15}$' })),
    districtCode: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
    state: Type.Optional(ComponentStateSchema),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'ID prefix or name' })),
    near: Type.Optional(
      Type.String({
        pattern: '^-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?$',
        description: '"lng,lat" in `crs`: results within `radius` metres, nearest first',
      }),
    ),
    radius: Type.Optional(Type.Number({ minimum: 1, maximum: 5000, default: 200 })),
    crs: Type.Optional(StringEnum(QUERY_CRS, 'CRS of `near` (default wgs84)')),
  },
  { additionalProperties: false },
);
export type ComponentListQueryT = Static<typeof ComponentListQuery>;

const O = Type.Optional;
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Dept = Nullable(Type.String({ maxLength: 100 }));
const GridRef = Nullable(
  Type.String({ pattern: '^\\d{14,15}$', description: 'default: the grid containing the point' }),
);
const LegacyId = Nullable(Type.String({ pattern: '^\\d{16}$', description: '16-digit ID of older systems' }));

export const ComponentCreate = Type.Object(
  {
    id: O(
      Type.String({
        pattern: '^\\d{17}$',
        description: 'allocated from the district+type sequence when omitted',
      }),
    ),
    typeCode: Type.String({ pattern: '^\\d{5}$' }),
    districtCode: O(Type.String({ pattern: '^\\d{6}$', description: 'default: the district of the grid' })),
    geometry: ComponentGeometry,
    crs: O(StringEnum(QUERY_CRS)),
    name: Name,
    ownerDept: O(Dept),
    propertyDept: O(Dept),
    maintainerDept: O(Dept),
    state: O(ComponentStateSchema),
    gridId: O(GridRef),
    installedAt: O(Nullable(DateStr)),
    surveyedAt: O(Nullable(DateStr)),
    attrs: O(Attrs),
    legacyId: O(LegacyId),
    source: O(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type ComponentCreateT = Static<typeof ComponentCreate>;

export const ComponentUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    geometry: O(ComponentGeometry),
    crs: O(StringEnum(QUERY_CRS)),
    name: O(Name),
    ownerDept: O(Dept),
    propertyDept: O(Dept),
    maintainerDept: O(Dept),
    state: O(ComponentStateSchema),
    gridId: O(GridRef),
    installedAt: O(Nullable(DateStr)),
    surveyedAt: O(Nullable(DateStr)),
    attrs: O(Attrs),
    legacyId: O(LegacyId),
    reason: O(Type.String({ maxLength: 500, description: 'why (kept in the audit trail)' })),
  },
  { additionalProperties: false },
);
export type ComponentUpdateT = Static<typeof ComponentUpdate>;
