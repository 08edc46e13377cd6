import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { org } from '../org/tables.ts';
import type { SenderKind } from './senders/sender.ts';

/**
 * How an Open311 endpoint is reached (outbox/senders/open311.ts): the key the department issued us,
 * its jurisdiction, the form to speak, and our matter codes in its service codes (a code not
 * listed goes as the default, or as our own code when there is none). The key is a secret: stored
 * as given (it is sent with every request) and never shown again.
 */
export interface Open311Options {
  apiKey: string;
  jurisdictionId: string | null;
  format: 'xml' | 'json';
  serviceCodes: Record<string, string>;
  defaultServiceCode: string | null;
}

/** What a sender needs beyond the URL and the signing secret, per kind. */
export interface EndpointOptions {
  open311?: Open311Options;
}

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
  /** The sender's own settings (an Open311 endpoint's key, jurisdiction, form, code map). */
  options: jsonb('options').$type<EndpointOptions>(),
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

/**
 * A case forwarded to a department's Open311 server (senders/open311.ts): the request it made
 * there (its id, or the token to resolve it with), and the status and notes last read back
 * (poller: outbox/forward-poller.ts). One row per delivery that posted; a case forwarded again
 * after the department closed its request (a rework) gets a new one.
 */
export const forwardedRequest = pgTable(
  'forwarded_request',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The delivery that posted it: a retried delivery never makes a second row. */
    deliveryId: uuid('delivery_id').notNull().unique(),
    orgId: uuid('org_id').notNull(),
    caseId: uuid('case_id').notNull(),
    /** The case's district when forwarded: who may read the events about it. */
    districtCode: text('district_code'),
    serviceRequestId: text('service_request_id'),
    token: text('token'),
    /** As the department's server said it (`open`, `closed`, …); null before the first read. */
    status: text('status'),
    statusNotes: text('status_notes'),
    /** Its `updated_datetime`, as sent. */
    remoteUpdatedAt: text('remote_updated_at'),
    /** The last failed read: a status and a class, never the server's text. */
    lastError: text('last_error'),
    polls: integer('polls').notNull().default(0),
    nextPollAt: timestamp('next_poll_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('forwarded_request_poll_idx').on(t.nextPollAt).where(sql`status IS DISTINCT FROM 'closed'`),
    index('forwarded_request_case_idx').on(t.caseId, t.orgId),
  ],
);
