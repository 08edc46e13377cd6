import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { org } from '../org/tables.ts';
import type { SenderKind } from './senders/sender.ts';

/** A unit's own system: where dispatched cases are delivered, and the secret that signs them. */
export const unitEndpoint = pgTable('unit_endpoint', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => org.id),
  url: text('url').notNull(),
  /** How deliveries reach it (outbox/senders): the signed webhook today. */
  sender: text('sender').notNull().default('webhook').$type<SenderKind>(),
  /** HMAC-SHA256 key shared with the unit (shown once to the admin who sets it). */
  secret: text('secret').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

/** One delivery of one event to one endpoint: retried with backoff, dead-lettered after a limit. */
export const delivery = pgTable(
  'delivery',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    orgId: uuid('org_id').notNull(),
    caseId: uuid('case_id'),
    status: text('status').notNull().default('pending').$type<'pending' | 'delivered' | 'dead'>(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('delivery_due_idx').on(t.status, t.nextAttemptAt)],
);
