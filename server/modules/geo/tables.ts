import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
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

/** Kinds of gazetteer entry: a road, a point of interest, a building, a community (社区/村). */
export type PlaceKind = 'road' | 'poi' | 'building' | 'community';

/**
 * Address gazetteer (地名地址): named places with a WGS84 point, searched as the user types
 * (place_gram). The grid and community of a place are not stored: they come from the spatial
 * index at read time, so a re-imported grid layer never leaves a place pointing at a stale grid.
 */
export const place = pgTable(
  'place',
  {
    /** The file's ID, or one derived from district, kind and name (imports/places.ts). */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').notNull().$type<PlaceKind>(),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    districtCode: text('district_code').notNull(),
    /** The name as searched (NFKC, lower case, no spaces or punctuation): places.ts `normalizeName`. */
    normName: text('norm_name').notNull(),
    /** Distinct grams of normName (unigrams + bigrams), for the similarity's denominator. */
    gramCount: integer('gram_count').notNull(),
    /** True for a demo entry whose name was made up; real names have approximate real points. */
    generated: boolean('generated').notNull().default(false),
    source: text('source').notNull().default('import'),
    /**
     * A road's centre line (WGS84) where it is known: the demo's generated roads have one (made
     * with them, so generated too); the generated base map draws it. The point stays the search hit.
     */
    line: jsonb('line').$type<{ type: 'LineString'; coordinates: [number, number][] }>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('place_district_idx').on(t.districtCode),
    // Byte order (text_pattern_ops): the search's prefix candidates are a range of this index,
    // whatever the database's collation.
    index('place_norm_prefix_idx').on(t.normName.op('text_pattern_ops')),
  ],
);

/**
 * The search index of the gazetteer: one row per distinct character unigram and bigram of a
 * place's normalised name. Plain SQL on any PostgreSQL and on PGlite (pg_trgm scores short
 * Chinese names badly and PGlite has none): candidates are the places sharing grams with the
 * query, ranked in places.ts. Each row repeats its place's gram count and map cell (places.ts
 * `CELL_SQL`, ≈ 500 m), so that a common gram's posting list is read shortest names first (the
 * primary key's order) or only around `near` (place_gram_cell_idx), a bounded number of rows.
 * The rows are written by SQL from the place rows (places.ts `insertGramsSql`), never by hand.
 */
export const placeGram = pgTable(
  'place_gram',
  {
    gram: text('gram').notNull(),
    placeId: text('place_id')
      .notNull()
      .references(() => place.id, { onDelete: 'cascade' }),
    gramCount: smallint('gram_count').notNull(),
    cell: bigint('cell', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.gram, t.gramCount, t.placeId] }),
    index('place_gram_cell_idx').on(t.gram, t.cell, t.gramCount),
    index('place_gram_place_idx').on(t.placeId),
  ],
);

/**
 * Places of an import waiting to be applied (imports/service.ts): the import writes them here
 * in short batches, commits the job in one short transaction, then moves them into `place` and
 * `place_gram` a batch per transaction (`applyStagedPlaces`), so no write holds the database
 * for long (PGlite has one connection). Rows of a failed job are deleted; rows of a succeeded
 * job left by a crash are applied by the next recovery sweep.
 */
export const placeStage = pgTable(
  'place_stage',
  {
    jobId: text('job_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    kind: text('kind').notNull().$type<PlaceKind>(),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    districtCode: text('district_code').notNull(),
    normName: text('norm_name').notNull(),
    gramCount: integer('gram_count').notNull(),
    generated: boolean('generated').notNull().default(false),
    source: text('source').notNull().default('import'),
    line: jsonb('line').$type<{ type: 'LineString'; coordinates: [number, number][] }>(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.id] })],
);
