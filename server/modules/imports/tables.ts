import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** An import of divisions, grids, components or places: validated whole, written whole or not at all. */
export const importJob = pgTable('import_job', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  kind: text('kind').notNull().$type<'divisions' | 'grids' | 'components' | 'places'>(),
  fileName: text('file_name').notNull(),
  format: text('format').notNull().$type<'geojson' | 'shapefile' | 'csv'>(),
  crs: text('crs'),
  status: text('status').notNull().$type<'validating' | 'writing' | 'failed' | 'succeeded'>(),
  total: integer('total').notNull().default(0),
  processed: integer('processed').notNull().default(0),
  /** Row-by-row report: [{ row, id, ok, findings: [{ rule, message_zh, message_en }] }]. */
  report: jsonb('report').notNull().default(sql`'[]'::jsonb`),
  summary: jsonb('summary'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  /**
   * The process running the job and how long its claim lasts (renewed by its heartbeat): a job
   * still validating/writing after its lease ran out was interrupted and is failed at the next
   * start or sweep (imports/recovery.ts). Null on jobs from before leases.
   */
  owner: text('owner'),
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
});
