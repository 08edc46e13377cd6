import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Channel } from '../../../common/channels.ts';
import type { CallbackStatus, SatisfactionResult, SatisfactionSource } from '../../../common/satisfaction.ts';
import { caseFile } from '../cases/tables.ts';

/**
 * A call-back (回访) owed to one public reporter of a closed case: one per report and closing (a
 * case reopened and closed again is called back again; every caller of a case that several
 * reports were merged into is called), made in the transaction of the close event by this
 * module's subscriber for each report from the hotline or a public channel with a phone number
 * (or, when none left one, for the first such report: the case still shows in the queue).
 * `done` once that reporter's satisfaction of that closing is recorded (phone, or their own
 * rating on the portal).
 */
export const callback = pgTable(
  'callback',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    caseId: uuid('case_id')
      .notNull()
      .references(() => caseFile.id),
    /** The closing this call-back follows: the case's `closed_at` then. */
    caseClosedAt: timestamp('case_closed_at', { withTimezone: true }).notNull(),
    /** The report whose reporter is called back (their name and phone are the report's). */
    reportId: uuid('report_id').notNull(),
    /** The case's district: who may call back (the scope of `callback:record`). */
    districtCode: text('district_code').notNull(),
    /** The unit the case was with when it was closed (satisfaction per unit, for evaluation). */
    unitId: uuid('unit_id'),
    /** The public channels the case was reported on (hotline, web, app, wechat), all its reports'. */
    channels: jsonb('channels').$type<Channel[]>().notNull(),
    status: text('status').notNull().default('pending').$type<CallbackStatus>(),
    /** Calls that did not reach the reporter (no answer, wrong number), the last one's note. */
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastAttemptNote: text('last_attempt_note'),
    satisfactionId: uuid('satisfaction_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('callback_case_closing_report_uq').on(t.caseId, t.caseClosedAt, t.reportId),
    // The queue: pending call-backs of a district (or the city), oldest first.
    index('callback_status_district_idx').on(t.status, t.districtCode, t.createdAt),
  ],
);

/**
 * A reporter's satisfaction (满意度) with a closed case, per source and closing: what evaluation
 * counts (满意率 per district and unit). Whether it reopened the case (`callback.reopenOnDissatisfied`)
 * is kept with it; the reopening itself is the case's `case.reopen` event.
 */
export const satisfaction = pgTable(
  'satisfaction',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    caseId: uuid('case_id')
      .notNull()
      .references(() => caseFile.id),
    /** The closing rated: the case's `closed_at` when the satisfaction was recorded. */
    caseClosedAt: timestamp('case_closed_at', { withTimezone: true }).notNull(),
    districtCode: text('district_code').notNull(),
    unitId: uuid('unit_id'),
    source: text('source').notNull().$type<SatisfactionSource>(),
    result: text('result').notNull().$type<SatisfactionResult>(),
    note: text('note'),
    /** The call-back this satisfaction completed, if one was pending. */
    callbackId: uuid('callback_id'),
    reopened: boolean('reopened').notNull().default(false),
    /** Who recorded it: the operator's user id, the client's API key id; null for the public. */
    recordedBy: text('recorded_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One rating per case, source and closing (a second from the same source is refused) — but
    // the phone rates per call-back: each merged caller of one case is heard.
    uniqueIndex('satisfaction_case_source_closing_uq')
      .on(t.caseId, t.source, t.caseClosedAt)
      .where(sql`${t.source} <> 'phone' OR ${t.callbackId} IS NULL`),
    uniqueIndex('satisfaction_callback_uq').on(t.callbackId).where(sql`${t.callbackId} IS NOT NULL`),
    index('satisfaction_case_idx').on(t.caseId, t.createdAt),
    // Evaluation: satisfaction of a district (or a unit) over a period.
    index('satisfaction_district_idx').on(t.districtCode, t.createdAt),
    index('satisfaction_unit_idx').on(t.unitId, t.createdAt),
    // Evaluation: the satisfactions of the closings of a period (evaluation/indicators.ts).
    index('satisfaction_case_closed_idx').on(t.caseClosedAt),
  ],
);
