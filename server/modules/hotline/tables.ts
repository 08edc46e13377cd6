import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { CallKind, CallStatus } from '../../../common/hotline.ts';
import { caseFile } from '../cases/tables.ts';

/**
 * A call to the hotline (热线来电): posted by the telephony system when it rings (its line, the
 * caller's number, the seat it is routed to), taken by an operator, recorded as an enquiry,
 * complaint, suggestion or report, and finished. The caller's number is stored in full (digits
 * only, `normalisePhone`) and shown in full only to the hotline's operators.
 */
export const hotlineCall = pgTable(
  'hotline_call',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The number called: the city line or a merged legacy line (setting `hotline.numbers`). */
    line: text('line').notNull(),
    /** The caller's number, digits only, without the country code. */
    callerNumber: text('caller_number').notNull(),
    /** The caller's name as they gave it (optional). */
    callerName: text('caller_name'),
    /** The seat (agent extension) the telephony routed the call to, if it named one. */
    seat: text('seat'),
    /**
     * The district whose hotline desk the telephony routed the call to (a district's queue of
     * 12345), or null for the city's: a district's operators see only their district's calls.
     */
    districtCode: text('district_code'),
    /** The telephony system's own id of the call (FreeSWITCH's UUID): posting it again is the same call. */
    externalId: text('external_id'),
    /** The API key (or user) that posted the call. */
    postedBy: text('posted_by').notNull(),
    status: text('status').notNull().default('ringing').$type<CallStatus>(),
    /** The operator who took the call. */
    operatorId: uuid('operator_id'),
    kind: text('kind').$type<CallKind>(),
    note: text('note'),
    /** The knowledge-base entry an enquiry was answered from. */
    knowledgeEntryId: uuid('knowledge_entry_id'),
    /** The case a report made on this call is on, and the report itself. */
    caseId: uuid('case_id').references(() => caseFile.id),
    reportId: uuid('report_id'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    /** When the operator finished recording the call. */
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** When the telephony system said the line hung up. */
    hungUpAt: timestamp('hung_up_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // The caller's history (earlier calls of the number, newest first).
    index('hotline_call_caller_idx').on(t.callerNumber, t.startedAt),
    // The console's lists: calls waiting, calls of the day.
    index('hotline_call_status_idx').on(t.status, t.startedAt),
    index('hotline_call_started_idx').on(t.startedAt),
    index('hotline_call_district_idx').on(t.districtCode, t.startedAt),
    uniqueIndex('hotline_call_external_uq').on(t.postedBy, t.externalId).where(sql`external_id IS NOT NULL`),
  ],
);

/**
 * An operator signed in at a seat (坐席签入): the telephony routes a call to a seat, and the call
 * pops the console of the operator signed in there (or, without a seat, of every operator signed in
 * on the line). One operator per seat, one seat per operator.
 */
export const hotlineSeat = pgTable(
  'hotline_seat',
  {
    seat: text('seat').primaryKey(),
    userId: uuid('user_id').notNull(),
    /** The lines the operator answers at this seat. */
    lines: jsonb('lines').$type<string[]>().notNull(),
    /** The operator's district (null: the city centre's): a seat is popped only for calls it may see. */
    districtCode: text('district_code'),
    signedInAt: timestamp('signed_in_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('hotline_seat_user_uq').on(t.userId)],
);

/**
 * An entry of the hotline's knowledge base (知识库): a question citizens ask and the answer the
 * operator gives, with keywords and a category, searched as the operator types (grams, like the
 * gazetteer). Disabled entries are kept (calls name them) but not offered.
 */
export const knowledgeEntry = pgTable(
  'knowledge_entry',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    keywords: jsonb('keywords').$type<string[]>().notNull().default([]),
    category: text('category').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** A demo entry written by the seed (its content is made up, not the city's policy). */
    generated: boolean('generated').notNull().default(false),
    /** Distinct grams of the question, keywords and category (the title's), for the score. */
    titleGramCount: integer('title_gram_count').notNull(),
    /** Enquiries answered from this entry (a popular answer ranks a little higher). */
    answeredCount: integer('answered_count').notNull().default(0),
    createdBy: text('created_by'),
    updatedBy: text('updated_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('knowledge_entry_category_idx').on(t.category)],
);

/**
 * The knowledge base's search index: one row per distinct character unigram and bigram of an
 * entry's title (question, keywords, category: `part` 't') and of its answer (`part` 'a').
 */
export const knowledgeGram = pgTable(
  'knowledge_gram',
  {
    gram: text('gram').notNull(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => knowledgeEntry.id, { onDelete: 'cascade' }),
    part: text('part').notNull().$type<'t' | 'a'>(),
  },
  (t) => [
    primaryKey({ columns: [t.gram, t.entryId, t.part] }),
    index('knowledge_gram_entry_idx').on(t.entryId),
  ],
);
