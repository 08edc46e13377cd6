import { date, doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { GeoJsonGeometry } from '../geo/tables.ts';

/** A component instance (部件): 17-digit ID = 6 district + 5 type + 6 sequence. */
export const component = pgTable(
  'component',
  {
    id: text('id').primaryKey(),
    typeCode: text('type_code').notNull(),
    districtCode: text('district_code').notNull(),
    gridId: text('grid_id'),
    name: text('name').notNull(),
    /** 主管部门 / 权属单位 / 养护单位 */
    ownerDept: text('owner_dept'),
    propertyDept: text('property_dept'),
    maintainerDept: text('maintainer_dept'),
    state: text('state').notNull().$type<'intact' | 'damaged' | 'lost' | 'abandoned' | 'removed'>(),
    geometry: jsonb('geometry').$type<GeoJsonGeometry>().notNull(),
    /** The point, or the centroid of a line or polygon: for distance search and tiles. */
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    /** 16-digit ID of older systems, kept so their data can be matched. */
    legacyId: text('legacy_id'),
    source: text('source').notNull().default('import'),
    installedAt: date('installed_at'),
    surveyedAt: date('surveyed_at'),
    /** Extension attributes of the type (material, size, …). */
    attrs: jsonb('attrs').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('component_type_idx').on(t.typeCode),
    index('component_grid_idx').on(t.gridId),
    index('component_district_idx').on(t.districtCode),
    index('component_lnglat_idx').on(t.lng, t.lat),
  ],
);
