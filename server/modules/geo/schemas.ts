import { type Static, Type } from 'typebox';
import { GeoJsonGeometry, Page, PageQuery, StringEnum } from '../../platform/schemas.ts';

export const LOOKUP_CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export const AREA_CLASSES = ['A', 'B', 'C'] as const;
export const DIVISION_LEVELS = ['district', 'township', 'community'] as const;

/** GeoJSON geometry, WGS84 [lng, lat]. */
export const Geometry = GeoJsonGeometry;
export const BboxT = Type.Array(Type.Number(), {
  minItems: 4,
  maxItems: 4,
  description: '[west, south, east, north] in WGS84 degrees',
});
const LngLat = Type.Object({ lng: Type.Number(), lat: Type.Number() });
const Named = Type.Object({ code: Type.String(), name: Type.String() });

export const LookupQuery = Type.Object(
  {
    lng: Type.Number({ minimum: -180, maximum: 180, description: 'longitude in the given crs' }),
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'latitude in the given crs' }),
    crs: Type.Optional(
      StringEnum(
        LOOKUP_CRS,
        'coordinate system of lng/lat: wgs84 (= CGCS2000), gcj02 (AMap, Tencent), bd09 (Baidu)',
      ),
    ),
  },
  { additionalProperties: false },
);
export type LookupQueryT = Static<typeof LookupQuery>;

export const LookupResult = Type.Object({
  grid: Type.Object({ id: Type.String(), areaClass: StringEnum(AREA_CLASSES) }),
  community: Named,
  township: Named,
  district: Named,
  crs: Type.Literal('wgs84', { description: 'the system of `point`' }),
  point: LngLat,
  input: Type.Object({ lng: Type.Number(), lat: Type.Number(), crs: StringEnum(LOOKUP_CRS) }),
  indexRevision: Type.Integer(),
});

export const GridIdParams = Type.Object(
  {
    id: Type.String({
      pattern: '^\\d{14,15}$',
      description: '15-character grid ID, or the 14-character legacy form',
    }),
  },
  { additionalProperties: false },
);

const Chain = Type.Object({ community: Named, township: Named, district: Named });

export const GridSummary = Type.Object({
  id: Type.String(),
  legacyId: Type.Union([Type.String(), Type.Null()]),
  communityCode: Type.String(),
  areaClass: StringEnum(AREA_CLASSES),
  centroid: LngLat,
  areaM2: Type.Number(),
  generated: Type.Boolean(),
});

export const GridDetail = Type.Object({
  ...GridSummary.properties,
  crs: Type.Literal('wgs84'),
  geometry: Geometry,
  bbox: BboxT,
  chain: Chain,
  source: Type.String(),
  version: Type.Integer(),
});

export const GridListQuery = Type.Object(
  {
    ...PageQuery,
    communityCode: Type.Optional(Type.String({ pattern: '^\\d{12}$' })),
    townshipCode: Type.Optional(Type.String({ pattern: '^\\d{9}$' })),
    districtCode: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
    areaClass: Type.Optional(StringEnum(AREA_CLASSES)),
    q: Type.Optional(Type.String({ pattern: '^\\d{1,15}$', description: 'prefix of the grid ID' })),
  },
  { additionalProperties: false },
);
export type GridListQueryT = Static<typeof GridListQuery>;
export const GridList = Page(GridSummary);

export const DivisionSummary = Type.Object({
  code: Type.String(),
  level: StringEnum(DIVISION_LEVELS),
  name: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  bbox: BboxT,
  generated: Type.Boolean(),
});

export const DivisionDetail = Type.Object({
  ...DivisionSummary.properties,
  crs: Type.Literal('wgs84'),
  geometry: Geometry,
  parent: Type.Union([Named, Type.Null()]),
  chain: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() })),
  children: Type.Integer({ description: 'townships of a district, communities of a township' }),
  grids: Type.Integer({ description: 'unit grids of a community (0 for other levels)' }),
  source: Type.String(),
  version: Type.Integer(),
});

export const DivisionListQuery = Type.Object(
  {
    ...PageQuery,
    level: Type.Optional(StringEnum(DIVISION_LEVELS)),
    parentCode: Type.Optional(Type.String({ pattern: '^(\\d{6}|\\d{9})$' })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 50, description: 'name fragment or code prefix' }),
    ),
  },
  { additionalProperties: false },
);
export type DivisionListQueryT = Static<typeof DivisionListQuery>;
export const DivisionList = Page(DivisionSummary);

export const DivisionCodeParams = Type.Object(
  { code: Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$', description: '6, 9 or 12 digits' }) },
  { additionalProperties: false },
);

export const GeoInfo = Type.Object({
  districts: Type.Integer(),
  townships: Type.Integer(),
  communities: Type.Integer(),
  grids: Type.Integer(),
  bbox: Type.Union([BboxT, Type.Null()]),
  center: Type.Union([LngLat, Type.Null()]),
  crs: Type.Literal('wgs84'),
  generated: Type.Boolean({ description: 'true when the geometry was generated for the demo city' }),
  notice: Type.Object({ zh: Type.String(), en: Type.String() }),
  index: Type.Object({
    revision: Type.Integer(),
    grids: Type.Integer(),
    builtAt: Type.String({ format: 'date-time' }),
    buildMs: Type.Number(),
  }),
});

export const PLACE_KIND_VALUES = ['road', 'poi', 'building', 'community'] as const;

export const PlaceSearchQuery = Type.Object(
  {
    // No maxLength here: the service counts the trimmed characters and says one sentence for
    // every over-long q (a schema bound would answer a second, different one past it).
    q: Type.String({
      minLength: 1,
      description:
        'what the user typed: a place name or address, prefix or misspelt (天一, 天乙广场); at most 50 characters once trimmed',
    }),
    near: Type.Optional(
      Type.String({
        maxLength: 60,
        description: '"lng,lat" in WGS84: nearer places rank higher and carry their distance',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);
export type PlaceSearchQueryT = Static<typeof PlaceSearchQuery>;

export const PlaceHit = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: StringEnum(PLACE_KIND_VALUES, 'road / poi (point of interest) / building / community'),
  point: LngLat,
  grid: Type.Union([Type.Object({ id: Type.String(), areaClass: StringEnum(AREA_CLASSES) }), Type.Null()], {
    description: 'the unit grid the point lies in; null outside the managed area',
  }),
  community: Type.Union([Named, Type.Null()]),
  township: Type.Union([Named, Type.Null()]),
  district: Named,
  distanceM: Type.Union([Type.Integer(), Type.Null()], { description: 'metres from `near`, when given' }),
  score: Type.Number({ description: 'gram similarity + prefix and exact-match bonus + nearness' }),
  match: StringEnum(['exact', 'prefix', 'fuzzy'] as const),
  generated: Type.Boolean({ description: 'a demo entry whose name was made up' }),
});

export const PlaceSearchResult = Type.Object({
  q: Type.String(),
  near: Type.Union([LngLat, Type.Null()]),
  crs: Type.Literal('wgs84', { description: 'the system of every `point`' }),
  items: Type.Array(PlaceHit),
});

export const DistrictOutlines = Type.Object({
  type: Type.Literal('FeatureCollection'),
  crs: Type.Literal('wgs84'),
  source: Type.String({ description: 'where the outlines come from' }),
  license: Type.String(),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      properties: Type.Object({ code: Type.String(), name: Type.String() }),
      geometry: Geometry,
    }),
    { description: "the demo's districts' real outlines; none once real divisions are imported" },
  ),
});
