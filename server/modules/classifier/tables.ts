import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Where a labelled text came from. */
export const SAMPLE_SOURCES = ['seed', 'confirmed', 'corrected'] as const;
export type SampleSource = (typeof SAMPLE_SOURCES)[number];

/**
 * The classifier's labelled texts (分类样本): the seed training texts loaded from
 * db/reference/classifier/train.jsonl (`seed`), and the texts learned when a case was filed —
 * `confirmed` when the filed type was the classifier's first suggestion for the text then,
 * `corrected` when it was another — with who filed, when, and the case. Never deleted: an
 * administrator retires a bad one (`retired_at`), which takes it out of the model.
 *
 * `rev` is the classifier revision at which the row last changed (added or retired); revisions
 * are handed out under the lock of `classifier_state`'s row, so they commit in order and a node
 * catches up by reading the rows above the revision it has.
 */
export const classifierSample = pgTable(
  'classifier_sample',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    source: text('source').notNull().$type<SampleSource>(),
    matterCode: text('matter_code').notNull(),
    /** The text, capped (MAX_LEARN_TEXT for learned ones). */
    text: text('text').notNull(),
    /** Hash of the normalised text (seed rows are matched to the file by it). */
    textKey: text('text_key').notNull(),
    /** The seed file's voice (citizen, hotline, inspector); null for learned texts. */
    voice: text('voice'),
    /** The classifier's first suggestion for the text when it was filed (learned texts). */
    suggestedCode: text('suggested_code'),
    caseId: uuid('case_id'),
    /** District of the case (its scope); null for seed texts. */
    districtCode: text('district_code'),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    retiredBy: uuid('retired_by'),
    retiredReason: text('retired_reason'),
    rev: bigint('rev', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('classifier_sample_rev_idx').on(t.rev),
    index('classifier_sample_code_idx').on(t.matterCode, t.createdAt),
    index('classifier_sample_district_idx').on(t.districtCode, t.createdAt),
    uniqueIndex('classifier_sample_seed_uq')
      .on(t.textKey, t.matterCode)
      .where(sql`source = 'seed' AND retired_at IS NULL`),
  ],
);

/**
 * One row: which database this is (`instance`, so a process serving several databases keeps
 * their models apart), the classifier revision, and the checksum of the seed file loaded.
 */
export const classifierState = pgTable('classifier_state', {
  id: integer('id').primaryKey(),
  instance: uuid('instance').notNull(),
  rev: bigint('rev', { mode: 'number' }).notNull().default(0),
  seedChecksum: text('seed_checksum'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
