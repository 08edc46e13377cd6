import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Channel } from '../../../common/channels.ts';
import type { CaseState } from '../../../common/workflow.ts';

/** Numbers the human case codes; gaps after a rolled-back insert are harmless. */
export const caseCodeSeq = pgSequence('case_code_seq', { startWith: 1 });

export type { Channel };

/** What a case carries while an application waits for approval (the clock keeps running meanwhile). */
export interface PendingApplications {
  extension?: { amount: number; unit: string; reason: string; at: string; by: string };
  parking?: { reason: string; at: string; by: string };
  void?: { reason: string; at: string; by: string };
}

/**
 * A case (案件): one problem in public space going through the loop. `state` follows the
 * transition table in common/workflow.ts; every change bumps `version` (optimistic concurrency).
 */
export const caseFile = pgTable(
  'case_file',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** Human case number: district + China date + sequence, e.g. 330203-20261126-0042. */
    code: text('code').notNull().unique(),
    state: text('state').notNull().$type<CaseState>(),
    version: integer('version').notNull().default(1),
    channel: text('channel').notNull().$type<Channel>(),
    description: text('description').notNull(),
    address: text('address'),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    gridId: text('grid_id').notNull(),
    communityCode: text('community_code').notNull(),
    townshipCode: text('township_code').notNull(),
    districtCode: text('district_code').notNull(),
    areaClass: text('area_class').notNull().$type<'A' | 'B' | 'C'>(),
    /** Matter type (事项) or component type, `kind:code`; suggested at intake, fixed at filing. */
    matterKind: text('matter_kind').$type<'matter' | 'component'>(),
    matterCode: text('matter_code'),
    /**
     * A report without a type: the classifier's first suggestion for its words when it was sure
     * enough (setting `case.duplicate` `minSuggestionScore`), the type the duplicate check matches
     * the case on while `matter_code` is empty (common/duplicates.ts). Never the case's type.
     */
    suggestedMatterCode: text('suggested_matter_code'),
    componentId: text('component_id'),
    /** The exact disposal-standard version the case was filed under. */
    standardId: uuid('standard_id'),
    filingConditionId: text('filing_condition_id'),
    urgency: text('urgency').notNull().default('normal').$type<'normal' | 'urgent'>(),
    important: boolean('important').notNull().default(false),
    actFirst: boolean('act_first').notNull().default(false),
    /** Which centre coordinates the case now. */
    caseLevel: text('case_level').notNull().default('district').$type<'district' | 'city'>(),
    pending: jsonb('pending').$type<PendingApplications>().notNull().default({}),
    checkResult: text('check_result').$type<'pass' | 'fail'>(),
    suggestedUnitId: uuid('suggested_unit_id'),
    suggestedRuleId: uuid('suggested_rule_id'),
    /** The unit the case is dispatched to now. */
    unitId: uuid('unit_id'),
    mergedInto: uuid('merged_into'),
    /** The running stage with the nearest deadline, denormalized so work queues sort on an index. */
    currentStage: text('current_stage'),
    currentStartedAt: timestamp('current_started_at', { withTimezone: true }),
    currentDueAt: timestamp('current_due_at', { withTimezone: true }),
    /** Unit of the current stage's limit: its light measures time used in that unit. */
    currentLimitUnit: text('current_limit_unit'),
    /**
     * When the current stage's light turns yellow (`WorkCalendar.warnAt` at the warning share in
     * force when the stage became current): lights are counted and filtered in SQL on it.
     */
    currentWarnAt: timestamp('current_warn_at', { withTimezone: true }),
    reworkCount: integer('rework_count').notNull().default(0),
    urgeCount: integer('urge_count').notNull().default(0),
    rating: integer('rating'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    filedAt: timestamp('filed_at', { withTimezone: true }),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('case_state_idx').on(t.state),
    index('case_district_state_idx').on(t.districtCode, t.state, t.currentDueAt),
    index('case_unit_state_idx').on(t.unitId, t.state, t.currentDueAt),
    index('case_state_due_idx').on(t.state, t.currentDueAt),
    index('case_grid_idx').on(t.gridId),
    index('case_created_idx').on(t.createdAt),
    index('case_matter_lnglat_idx').on(t.matterCode, t.lng, t.lat),
    // The duplicate check of cases opened without a type (intake, duplicates.ts).
    index('case_suggested_lnglat_idx')
      .on(t.suggestedMatterCode, t.lng, t.lat)
      .where(sql`${t.matterCode} IS NULL`),
    // The workbench's numbers of the day (filed, dispatched, closed today) and the list's date ranges.
    index('case_filed_idx').on(t.filedAt),
    index('case_dispatched_idx').on(t.dispatchedAt),
    index('case_closed_idx').on(t.closedAt),
    // Decision support's recurrences: the latest closing of a type on a grid or a component.
    index('case_recur_grid_idx')
      .on(t.gridId, t.matterCode, t.closedAt)
      .where(sql`state = 'closed' AND merged_into IS NULL`),
    index('case_recur_component_idx')
      .on(t.componentId, t.matterCode, t.closedAt)
      .where(sql`state = 'closed' AND merged_into IS NULL AND component_id IS NOT NULL`),
  ],
);

/** A user's named filter of the case list (保存的筛选): only its owner reads, changes or deletes it. */
export const savedFilter = pgTable(
  'saved_filter',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    ownerId: uuid('owner_id').notNull(),
    name: text('name').notNull(),
    /** The list's query parameters as the case list sends them (validated by `SavedFilterQuery`). */
    query: jsonb('query').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('saved_filter_owner_name_idx').on(t.ownerId, t.name)],
);

/**
 * A report (上报) from any channel. The same idempotency key from the same submitter never makes a
 * second report; a report becomes a new case or is merged into an existing one.
 */
export const report = pgTable(
  'report',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** Who submitted (user id, API key id, or `citizen:<phone>`): the idempotency namespace. */
    submitter: text('submitter').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    channel: text('channel').notNull().$type<Channel>(),
    description: text('description').notNull(),
    /** Coordinates as sent, with their CRS, and converted to WGS84. */
    rawLng: doublePrecision('raw_lng').notNull(),
    rawLat: doublePrecision('raw_lat').notNull(),
    crs: text('crs').notNull(),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    photos: jsonb('photos').$type<string[]>().notNull().default([]),
    reporterName: text('reporter_name'),
    reporterPhone: text('reporter_phone'),
    /**
     * A link the reporter gave to their own picture or video (Open311 `media_url`): kept as text and
     * shown to staff as a link, never fetched by the server.
     */
    mediaUrl: text('media_url'),
    /**
     * The address this report's sender wrote, as written (the case keeps the first report's): an
     * open interface publishes a request's own address, also when it joined an older case.
     */
    address: text('address'),
    /**
     * What the request under the idempotency key said (platform/idempotency.ts): a retry with the
     * key must say the same, or it is refused. Null for channels whose keys are their own records'
     * (a sensor alarm, a hotline call, an opinion post) and for reports made before it was kept.
     */
    fingerprint: text('fingerprint'),
    caseId: uuid('case_id').notNull(),
    /** True when the report joined an existing case as a duplicate. */
    merged: boolean('merged').notNull().default(false),
    /**
     * The public tracking code (查询码) of this report (common/public-report.ts): random, made by
     * the database for every row, whoever inserts it (intake, the demo seed).
     */
    trackingCode: text('tracking_code').notNull().default(sql`cityops_tracking_code()`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('report_idempotency_idx').on(t.submitter, t.idempotencyKey),
    uniqueIndex('report_tracking_code_idx').on(t.trackingCode),
    index('report_case_idx').on(t.caseId),
    // "My reports" (GET /api/reports/mine): one submitter's reports, newest first.
    index('report_submitter_created_idx').on(t.submitter, t.createdAt),
    // Public reports, newest first within a window (Open311 GET requests, public-requests.ts): read
    // by anyone without a key, so never a scan of the whole table.
    index('report_created_idx').on(t.createdAt),
  ],
);

/** A time-limited stage of a case (verify, filing, dispatch, dispose, check …) with its clock. */
export const caseStage = pgTable(
  'case_stage',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    caseId: uuid('case_id').notNull(),
    stage: text('stage').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    limitAmount: doublePrecision('limit_amount').notNull(),
    limitUnit: text('limit_unit').notNull(),
    /** Clock stopped while parked; resumed with the remaining working time. */
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
    warnedAt: timestamp('warned_at', { withTimezone: true }),
    overdueAt: timestamp('overdue_at', { withTimezone: true }),
    extended: boolean('extended').notNull().default(false),
    /**
     * The transition that stopped the stage (`case.file`, `case.merge_duplicate` …) and who took
     * it (the event's `actor_id`), written with the stop in the same transaction: what 综合评价
     * reads as the stage's decision (evaluation/indicators.ts). Rows stopped before it was kept
     * were filled from the events by migration 0029.
     */
    endedBy: text('ended_by'),
    endedActor: text('ended_actor'),
  },
  (t) => [
    index('case_stage_case_idx').on(t.caseId, t.stage),
    // Evaluation: the stage decisions of a period (evaluation/indicators.ts, by the stage's end).
    index('case_stage_stage_stopped_idx').on(t.stage, t.stoppedAt),
  ],
);

/**
 * A timer: fires a stage's warning or overdue event exactly once, even with several server
 * processes (rows are claimed with FOR UPDATE SKIP LOCKED) and across restarts.
 */
export const caseTimer = pgTable(
  'case_timer',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    caseId: uuid('case_id').notNull(),
    stageId: uuid('stage_id').notNull(),
    kind: text('kind').notNull().$type<'warning' | 'overdue'>(),
    fireAt: timestamp('fire_at', { withTimezone: true }).notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (t) => [index('case_timer_due_idx').on(t.fireAt).where(sql`fired_at IS NULL AND cancelled_at IS NULL`)],
);

/** A field task for an inspector: verify (核实) before filing, check (核查) after feedback. */
export const caseTask = pgTable(
  'case_task',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    caseId: uuid('case_id').notNull(),
    kind: text('kind').notNull().$type<'verify' | 'check'>(),
    districtCode: text('district_code').notNull(),
    assigneeId: uuid('assignee_id'),
    status: text('status').notNull().default('open').$type<'open' | 'done' | 'cancelled'>(),
    result: text('result'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('case_task_open_idx').on(t.districtCode, t.status, t.kind)],
);

/** A photo stored under DATA_DIR by content hash, with a thumbnail; the original is kept. */
export const photo = pgTable('photo', {
  id: text('id').primaryKey(),
  mime: text('mime').notNull(),
  bytes: integer('bytes').notNull(),
  width: integer('width'),
  height: integer('height'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Who may read a photo (photos.ts `readPhoto`), besides its uploaders: the photo is attached to
 * this case, so whoever may see the case may see it. One row per photo and case, found by the
 * primary key on every thumbnail request. Written in the transaction that attaches the photo:
 * for reports by the trigger `report_case_photo` (migration 0005: any insert of a report, and a
 * merge that moves reports to another case), for the photos of a case action by `act()`
 * (`linkCasePhotos`), for the demo seed by the seed. A merged case keeps its rows (its own
 * timeline still shows the photos); the case it was merged into gets rows too.
 */
export const casePhoto = pgTable(
  'case_photo',
  {
    photoId: text('photo_id').notNull(),
    caseId: uuid('case_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.photoId, t.caseId] })],
);

/**
 * Everyone who uploaded a photo (user or API key id): the same bytes from two people are one photo
 * (content hash) that both may read, whether or not it is attached to a case yet.
 */
export const photoUploader = pgTable(
  'photo_uploader',
  {
    photoId: text('photo_id').notNull(),
    actorId: text('actor_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.photoId, t.actorId] })],
);
