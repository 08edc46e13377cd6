import { sql } from 'drizzle-orm';
import { type AnyPgColumn, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** An organisation: the city centre, a district centre, or a collaborating unit (协同单位). */
export const org = pgTable(
  'org',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: text('kind').notNull().$type<'city_center' | 'district_center' | 'unit'>(),
    name: text('name').notNull(),
    /** 18-character unified social credit code (统一社会信用代码). */
    code: text('code').notNull().unique(),
    parentId: uuid('parent_id').references((): AnyPgColumn => org.id),
    /** The district (6-digit code) the organisation belongs to; null for city-level bodies. */
    districtCode: text('district_code'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('org_district_idx').on(t.districtCode), index('org_parent_idx').on(t.parentId)],
);
