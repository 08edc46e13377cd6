import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { org } from '../org/tables.ts';

/**
 * Responsibility routing (责任划分): (matter type or major class) × (grid / community / township /
 * district) → unit. The most specific match wins; a rule with neither type nor major is the
 * district's default. History lives in the event table (who, when, why, before/after).
 */
export const routeRule = pgTable(
  'route_rule',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** A 5-digit matter code, or null when the rule is for a whole major class or the default. */
    matterCode: text('matter_code'),
    /** A 2-digit matter major class, or null. */
    matterMajor: text('matter_major'),
    areaLevel: text('area_level').notNull().$type<'grid' | 'community' | 'township' | 'district'>(),
    areaCode: text('area_code').notNull(),
    /** District the rule belongs to (first 6 characters of the area): its scope. */
    districtCode: text('district_code').notNull(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => org.id),
    active: boolean('active').notNull().default(true),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('route_rule_area_idx').on(t.areaLevel, t.areaCode),
    index('route_rule_district_idx').on(t.districtCode),
    index('route_rule_matter_idx').on(t.matterCode),
  ],
);
