import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** City settings a city changes at run time (working windows, stage limits, duplicate rule…). */
export const setting = pgTable('setting', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});
