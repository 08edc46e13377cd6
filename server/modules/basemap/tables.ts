import { bigint, boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { VectorLayer } from './archive.ts';
import type { FragmentLayer } from './style.ts';

/**
 * A base map archive (.pmtiles, vector tiles) the platform serves: uploaded by an administrator,
 * or generated from the city's own layers. The file is `DATA_DIR/basemaps/<id>.pmtiles`, never
 * changed once written (a new upload or generation is a new row and a new file).
 */
export const basemapArchive = pgTable('basemap_archive', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** `upload`: an administrator's file; `generated`: made by the platform from the city's layers. */
  origin: text('origin').notNull().$type<'upload' | 'generated'>(),
  /** The uploaded file's name (for generated ones, the stored name). */
  fileName: text('file_name').notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
  sha256: text('sha256').notNull(),
  minZoom: integer('min_zoom').notNull(),
  maxZoom: integer('max_zoom').notNull(),
  /** [west, south, east, north], WGS84. */
  bounds: jsonb('bounds').$type<[number, number, number, number]>().notNull(),
  /** [lng, lat, zoom]. */
  center: jsonb('center').$type<[number, number, number]>().notNull(),
  tileCompression: text('tile_compression').notNull().$type<'gzip' | 'none'>(),
  addressedTiles: bigint('addressed_tiles', { mode: 'number' }).notNull(),
  vectorLayers: jsonb('vector_layers').$type<VectorLayer[]>().notNull(),
  /**
   * The layers to draw: the uploaded style's (checked and made offline, style.ts), or for a
   * generated archive its own; null: a default made from `vectorLayers` when read.
   */
  style: jsonb('style').$type<FragmentLayer[]>(),
  styleSource: text('style_source').notNull().$type<'uploaded' | 'default' | 'generated'>(),
  attribution: text('attribution'),
  description: text('description'),
  /** Generated from the demo city: generated demo data, said so in the UI. */
  demo: boolean('demo').notNull().default(false),
  /** For a generated archive, the digest of the layers it was made from. */
  sourceDigest: text('source_digest'),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The city's choice of base map: one row (`id` = 'city'). `none` draws only the platform's layers;
 * `generated` the archive generated from the city's layers; `archive` an uploaded one; `tianditu`
 * 天地图 raster tiles with the deployment's key; `xyz` another raster tile service (WGS84 or
 * CGCS2000 only). The 天地图 key and the XYZ source are kept when another kind is chosen, so
 * switching back needs no retyping.
 */
export const basemapChoice = pgTable('basemap_choice', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull().$type<'none' | 'generated' | 'archive' | 'tianditu' | 'xyz'>(),
  archiveId: uuid('archive_id').references(() => basemapArchive.id),
  tiandituKey: text('tianditu_key'),
  tiandituLayer: text('tianditu_layer').$type<'vec' | 'img'>(),
  xyzUrl: text('xyz_url'),
  xyzCrs: text('xyz_crs').$type<'wgs84' | 'cgcs2000'>(),
  xyzMaxZoom: integer('xyz_max_zoom'),
  xyzAttribution: text('xyz_attribution'),
  version: integer('version').notNull().default(1),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
