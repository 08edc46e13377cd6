import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { TimeUnit } from '../../../common/time-units.ts';

/**
 * A component type or matter type of GB/T 47678.5-2026, or a local type a city adds.
 * Component and matter codes overlap (matter 01001 = anomaly of component 01001): the key is (kind, code).
 */
export const catalogType = pgTable(
  'catalog_type',
  {
    kind: text('kind').notNull().$type<'component' | 'matter'>(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    majorCode: text('major_code').notNull(),
    /** The 4-digit code of CJ/T 214 / GB/T 30428.2 that older data uses. */
    legacyCode: text('legacy_code'),
    enabled: boolean('enabled').notNull().default(true),
    /** Added by the city rather than taken from the standard. */
    local: boolean('local').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.kind, t.code] }), index('catalog_type_legacy_idx').on(t.legacyCode)],
);

/** One time limit of a standard: for an area class and an urgency, an amount in a unit. */
export interface FilingCondition {
  id: string;
  text: string;
  urgent?: boolean;
}

export interface TimeLimit {
  areaClass: 'A' | 'B' | 'C';
  urgency: 'normal' | 'urgent';
  amount: number;
  unit: TimeUnit;
}

/**
 * Disposal standard (立结案规范) of a matter type. Editing makes a new version; the previous one is
 * kept, and a case refers to the exact version it was filed under.
 */
export const disposalStandard = pgTable(
  'disposal_standard',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    matterCode: text('matter_code').notNull(),
    version: integer('version').notNull(),
    /** The newest version, used for new cases. */
    current: boolean('current').notNull().default(true),
    /** Seeded default rather than a city's own text. */
    isDefault: boolean('is_default').notNull().default(false),
    /** `urgent`: 立即按紧急案件处理 — a case filed under the condition becomes urgent. */
    filingConditions: jsonb('filing_conditions').$type<FilingCondition[]>().notNull(),
    timeLimits: jsonb('time_limits').$type<TimeLimit[]>().notNull(),
    closingConditions: jsonb('closing_conditions').$type<{ id: string; text: string }[]>().notNull(),
    /** Kind of unit usually responsible (e.g. sanitation, municipal, water, power, greening, enforcement). */
    defaultUnitType: text('default_unit_type'),
    note: text('note'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('disposal_standard_matter_version_idx').on(t.matterCode, t.version),
    index('disposal_standard_current_idx').on(t.matterCode, t.current),
  ],
);
