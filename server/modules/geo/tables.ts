import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** GeoJSON geometry in WGS84 (= CGCS2000 at this precision), [lng, lat] order. */
export type GeoJsonGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'LineString'; coordinates: [number, number][] }
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'MultiPolygon'; coordinates: [number, number][][][] };

/** Bounding-box columns: PGlite has no PostGIS, so bbox filters are plain comparisons on these. */
const bboxColumns = {
  minLng: doublePrecision('min_lng').notNull(),
  minLat: doublePrecision('min_lat').notNull(),
  maxLng: doublePrecision('max_lng').notNull(),
  maxLat: doublePrecision('max_lat').notNull(),
};

/** District (6 digits), township (9) or community (12), with its official code and name. */
export const division = pgTable(
  'division',
  {
    code: text('code').primaryKey(),
    level: text('level').notNull().$type<'district' | 'township' | 'community'>(),
    name: text('name').notNull(),
    parentCode: text('parent_code'),
    geometry: jsonb('geometry').$type<GeoJsonGeometry>().notNull(),
    ...bboxColumns,
    /** True when the polygon was generated for the demo city rather than imported. */
    generated: boolean('generated').notNull().default(false),
    source: text('source').notNull().default('import'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('division_parent_idx').on(t.parentCode), index('division_level_idx').on(t.level)],
);

/** Unit grid (单元网格): 15-character ID = 6 district + 3 township + 3 community + 3 sequence. */
export const grid = pgTable(
  'grid',
  {
    id: text('id').primaryKey(),
    communityCode: text('community_code').notNull(),
    townshipCode: text('township_code').notNull(),
    districtCode: text('district_code').notNull(),
    areaClass: text('area_class').notNull().$type<'A' | 'B' | 'C'>(),
    geometry: jsonb('geometry').$type<GeoJsonGeometry>().notNull(),
    ...bboxColumns,
    centroidLng: doublePrecision('centroid_lng').notNull(),
    centroidLat: doublePrecision('centroid_lat').notNull(),
    areaM2: doublePrecision('area_m2').notNull(),
    /** The 14-character ID of older data, when the grid was imported from it. */
    legacyId: text('legacy_id'),
    generated: boolean('generated').notNull().default(false),
    source: text('source').notNull().default('import'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('grid_community_idx').on(t.communityCode),
    index('grid_district_idx').on(t.districtCode),
    index('grid_bbox_idx').on(t.minLng, t.minLat),
  ],
);
