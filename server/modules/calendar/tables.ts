import { date, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** An exception to the Mon–Fri rule: an official holiday or a make-up working day (调休), China dates. */
export const calendarDay = pgTable('calendar_day', {
  day: date('day').primaryKey(),
  kind: text('kind').notNull().$type<'holiday' | 'workday'>(),
  name: text('name'),
  source: text('source').notNull().default('chinese-days').$type<'chinese-days' | 'admin'>(),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
