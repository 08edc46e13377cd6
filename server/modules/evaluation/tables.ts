/**
 * The evaluation's own tables: templates (versioned like disposal standards) and rankings
 * (a period's scored subjects; a published one is never changed — recomputing makes a new version).
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Grade, ItemScore, TemplateDefinition } from '../../../common/evaluation-template.ts';

/**
 * A subject type's scoring template (考核模板). Editing makes a new version; the previous stays,
 * and a ranking refers to the exact version that scored it.
 */
export const evaluationTemplate = pgTable(
  'evaluation_template',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    subjectType: text('subject_type').notNull(),
    version: integer('version').notNull(),
    /** The newest version, used for new rankings. */
    current: boolean('current').notNull().default(true),
    /** The platform's default (domain.md §8) rather than the city's own. */
    isDefault: boolean('is_default').notNull().default(false),
    definition: jsonb('definition').$type<TemplateDefinition>().notNull(),
    note: text('note'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('evaluation_template_type_version_idx').on(t.subjectType, t.version),
    // At most one current version of a type: two editors saving at once cannot both win.
    uniqueIndex('evaluation_template_current_idx').on(t.subjectType).where(sql`current`),
  ],
);

/** One subject's line of a ranking. */
export interface RankingLine {
  subject: string;
  label: string;
  /** The subject's district (null: a city-level unit or person), for the reader's scope. */
  districtCode: string | null;
  figures: { indicator: string; numerator: number; denominator: number; value: number | null }[];
  items: ItemScore[];
  score: number | null;
  grade: Grade | null;
  rank: number | null;
  /** The rank in the previous period (null: not ranked then). */
  previousRank: number | null;
  /** previousRank − rank: positive is up (null: no previous rank). */
  movement: number | null;
}

/**
 * A period's ranking of one subject type (排名): the lines computed from the record under one
 * template version. `draft` until a leader approves and publishes it; a published ranking is never
 * updated — recomputing the period makes a new version, and the newest published one is shown.
 */
export const evaluationRanking = pgTable(
  'evaluation_ranking',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    subjectType: text('subject_type').notNull(),
    /** First China day of the period (inclusive) and the day it ends before. */
    periodFrom: date('period_from').notNull(),
    periodTo: date('period_to').notNull(),
    version: integer('version').notNull(),
    templateId: uuid('template_id')
      .notNull()
      .references(() => evaluationTemplate.id),
    templateVersion: integer('template_version').notNull(),
    state: text('state').$type<'draft' | 'published'>().notNull().default('draft'),
    lines: jsonb('lines').$type<RankingLine[]>().notNull(),
    /** The previous period compared with, and whether its ranks are a published ranking's. */
    previousFrom: date('previous_from').notNull(),
    previousTo: date('previous_to').notNull(),
    previousSource: text('previous_source').$type<'published' | 'computed'>().notNull(),
    computedBy: text('computed_by').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
    publishedBy: text('published_by'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('evaluation_ranking_period_version_idx').on(
      t.subjectType,
      t.periodFrom,
      t.periodTo,
      t.version,
    ),
    index('evaluation_ranking_published_idx').on(t.subjectType, t.state, t.periodFrom),
  ],
);
