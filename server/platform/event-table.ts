import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The event table: audit trail, outbox for deliveries and feed for live UIs in one.
 * Append-only: a trigger (migration 0001) rejects UPDATE, DELETE and TRUNCATE.
 */
export const event = pgTable(
  'event',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorType: text('actor_type').notNull().$type<'user' | 'api_key' | 'system' | 'anonymous'>(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    /** The organisation the actor acted for; used to scope who may read the event. */
    actorOrgId: text('actor_org_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    /** District the entity belongs to (null: city level), for scoped reading. */
    districtCode: text('district_code'),
    before: jsonb('before'),
    after: jsonb('after'),
    reason: text('reason'),
    requestId: text('request_id'),
    sourceIp: text('source_ip'),
  },
  (t) => [
    index('event_entity_idx').on(t.entityType, t.entityId),
    index('event_actor_idx').on(t.actorId),
    index('event_at_idx').on(t.at),
    index('event_action_idx').on(t.action),
  ],
);
