import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { NoticeParams } from '../../../common/events.ts';

/** An in-app notification for one user (inbox), created in the same transaction as its cause. */
export const notification = pgTable(
  'notification',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid('user_id').notNull(),
    caseId: uuid('case_id'),
    kind: text('kind').notNull(),
    /** Message key and parameters, rendered in the reader's language by the client. */
    /** What the inbox words the notification with: the case's code and its state then. */
    params: jsonb('params').$type<NoticeParams>().notNull().default({}),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notification_user_idx').on(t.userId, t.readAt)],
);
