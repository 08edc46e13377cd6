import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { report } from '../cases/tables.ts';

/**
 * A report sent through the public portal (the report itself is the cases module's, written by its
 * intake in the same transaction): what the per-phone throttle counts. The phone is kept as a
 * SHA-256 of its digits (`phoneKey`) — the report keeps the number itself as the reporter's contact,
 * this table only needs to count it, and should not be one more readable list of numbers (a hash of
 * an 11-digit number is no secret against someone who tries them all; it is not meant to be).
 */
export const portalReport = pgTable(
  'portal_report',
  {
    reportId: uuid('report_id')
      .primaryKey()
      .references(() => report.id),
    phoneKey: text('phone_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('portal_report_phone_idx').on(t.phoneKey, t.createdAt).where(sql`phone_key IS NOT NULL`)],
);
