import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { NoticeParams } from '../../../common/events.ts';

/**
 * An in-app notification for one user (inbox), created in the same transaction as its cause.
 * Repeats of one group (a case's stage warnings) count on the user's one unread row of the group:
 * `count` notices, the latest at `lastAt` with its kind and words.
 */
export const notification = pgTable(
  'notification',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid('user_id').notNull(),
    caseId: uuid('case_id'),
    kind: text('kind').notNull(),
    /** What the inbox words the notification with: the case's code and its state then. */
    params: jsonb('params').$type<NoticeParams>().notNull().default({}),
    /** Repeats counted on this row (1 for a notice of its own). */
    count: integer('count').notNull().default(1),
    /** The group repeats count on (e.g. `stage:<caseId>`); null when every notice is its own row. */
    groupKey: text('group_key'),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the latest notice counted on this row came (the inbox's order). */
    lastAt: timestamp('last_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notification_user_idx').on(t.userId, t.readAt),
    index('notification_user_last_idx').on(t.userId, t.lastAt),
    // One unread row per user and group: the target of the inbox's INSERT … ON CONFLICT.
    uniqueIndex('notification_unread_group_uq')
      .on(t.userId, t.groupKey)
      .where(sql`read_at IS NULL AND group_key IS NOT NULL`),
  ],
);
