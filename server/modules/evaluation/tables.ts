/**
 * The evaluation's own tables: templates (versioned like disposal standards) and rankings
 * (a period's scored subjects; a published one is never changed — recomputing makes a new version).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
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

/**
 * The evaluation's facts (评价事实表): one narrow row per item an indicator counts — a report, a
 * filed, dispatched or closed case, an ended decision stage, a satisfaction, a department's
 * self-disposal — with the subjects it counts for (the case's regions, the unit, the post's actor)
 * and the facts of its case the indicators' predicates read (state, channel, rework, ever parked,
 * verified true, a late disposal). Every figure and every drill-down reads these rows
 * (indicators.ts), by source and time, instead of joining the case, stage, report and event
 * tables and looking up per case.
 *
 * Kept in the same transaction as the record it derives from, by the database: triggers on the
 * case loop's tables and on the satisfactions mark a case dirty, and at commit (a deferred
 * constraint trigger) `evaluation_fact_refresh` rewrites that case's rows — whichever module or
 * tool wrote, the server, the demo seed or an import. The derivations live in that SQL function
 * (migration 0031, documented there); what stays time-dependent is kept as data, not decided at
 * refresh: a running disposal stage's due time (`dispose_open_due`) is compared with now() when read.
 */
export const evaluationFact = pgTable(
  'evaluation_fact',
  {
    /** indicators.ts SOURCES key: reports, filed, dispatched, closed, satisfactions, departmentDisposals, or a stage. */
    source: text('source').notNull(),
    /** The counted item's id (report, case, stage or satisfaction id). */
    item: text('item').notNull(),
    caseId: uuid('case_id').notNull(),
    /** The instant the row counts in (reported, filed, dispatched, stage ended, closed …). */
    at: timestamp('at', { withTimezone: true }).notNull(),
    districtCode: text('district_code').notNull(),
    townshipCode: text('township_code').notNull(),
    communityCode: text('community_code').notNull(),
    gridId: text('grid_id').notNull(),
    unitId: uuid('unit_id'),
    actor: text('actor'),
    /** Stage decisions: the transition that ended the stage, and whether by its due time. */
    endedBy: text('ended_by'),
    onTime: boolean('on_time'),
    /** Reports: merged into a case as a duplicate. */
    merged: boolean('merged'),
    /** Satisfactions: the rating. */
    result: text('result'),
    /** The case as it stands (refreshed with every change of it). */
    state: text('state').notNull(),
    channel: text('channel').notNull(),
    filedAt: timestamp('filed_at', { withTimezone: true }),
    reworkCount: integer('rework_count').notNull(),
    everParked: boolean('ever_parked').notNull(),
    verifiedTrue: boolean('verified_true').notNull(),
    /** A disposal stage ended, or was paused, past its due time. */
    disposeLate: boolean('dispose_late').notNull(),
    /** The earliest due time of a disposal stage still running (late once now() passes it). */
    disposeOpenDue: timestamp('dispose_open_due', { withTimezone: true }),
    /** `closed` rows: the disposal stages' starts and stops (working hours are counted when read). */
    disposeStarts: timestamp('dispose_starts', { withTimezone: true }).array(),
    disposeStops: timestamp('dispose_stops', { withTimezone: true }).array(),
    /** The case's matter type (decision support groups the overdue by it; migration 0032). */
    matterCode: text('matter_code'),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.item] }),
    index('evaluation_fact_source_at_idx').on(t.source, t.at),
    index('evaluation_fact_case_idx').on(t.caseId),
    // The rows of cases with a running disposal stage, counted when read for the indicators that
    // compare its due time with now() (sums.ts): a few per cent of a month's rows.
    index('evaluation_fact_open_idx').on(t.source, t.at).where(sql`dispose_open_due IS NOT NULL`),
  ],
);

/**
 * Cases changed in a running transaction whose facts are rewritten at its commit, keyed by the
 * transaction (`txid_current()`): a commit takes its own rows by index, never scans (or waits on)
 * other transactions' — one shared key per case made a second transaction on the same case wait
 * for the first's insert, and a DELETE of the whole table read every dead row left by earlier ones.
 */
export const evaluationFactDirty = pgTable(
  'evaluation_fact_dirty',
  {
    xact: bigint('xact', { mode: 'number' }).notNull(),
    caseId: uuid('case_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.xact, t.caseId] })],
);

/** The columns of a day sum and of a delta to one (a fresh set per table). */
const sumColumns = () => ({
  subjectType: text('subject_type').notNull(),
  day: date('day').notNull(),
  indicator: text('indicator').notNull(),
  subjectId: text('subject_id').notNull(),
  districtCode: text('district_code').notNull(),
  den: bigint('den', { mode: 'number' }).notNull(),
  num: bigint('num', { mode: 'number' }).notNull(),
});

/**
 * The facts summed per China day (sums.ts): for each indicator that counts or rates (not the
 * averages) and each subject of the types that are read city-wide on the figures page — districts,
 * townships and units (a unit's row per district it worked in, so a district reads its own cases'
 * part) — the day's denominator and numerator. Written only by the compaction (sums.ts
 * `compactSums`), one row per key; the refresh of a case's facts (migration 0032) appends what it
 * changed to `evaluation_fact_sum_delta`, and a figure reads both tables in one statement. Rows of a
 * running disposal stage (`dispose_open_due` set) are not summed for the indicators that compare it
 * with now(); those are counted from the facts when read.
 */
export const evaluationFactSum = pgTable('evaluation_fact_sum', sumColumns(), (t) => [
  primaryKey({ columns: [t.subjectType, t.day, t.indicator, t.subjectId, t.districtCode] }),
]);

/**
 * What refreshes changed in the day sums since the last compaction, appended (never updated: two
 * transactions changing the same day's sums must not wait on, or deadlock over, one row).
 */
export const evaluationFactSumDelta = pgTable('evaluation_fact_sum_delta', sumColumns(), (t) => [
  index('evaluation_fact_sum_delta_day_idx').on(t.subjectType, t.day),
]);
