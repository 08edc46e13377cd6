import { sql } from 'drizzle-orm';
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** The kinds of warning: an unusual rise of reports, a unit's disposals at risk of running late. */
export const WARNING_KINDS = ['rise', 'overdue_risk'] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];
/** Whose warning: a grid or a district (rises), a unit over one district's cases (overdue risk). */
export const WARNING_SUBJECTS = ['grid', 'district', 'unit'] as const;
export type WarningSubject = (typeof WARNING_SUBJECTS)[number];
/** Open: the condition holds and nobody has taken it; acknowledged: taken; resolved: it no longer holds. */
export const WARNING_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type WarningState = (typeof WARNING_STATES)[number];

/** The rule and its parameters as they were when the warning was last computed. */
export interface WarningRuleRecord {
  method: 'poisson' | 'ewma' | 'unit_share';
  windowDays?: number;
  baselinePeriods?: number;
  alpha?: number;
  ewmaWeight?: number;
  ewmaMultiplier?: number;
  minCount?: number;
  minBaselineMean?: number;
  unitMinCases?: number;
  unitMinShare?: number;
  /** What the test measured: the Poisson tail probability, the EWMA and its limit, the share. */
  pValue?: number;
  ewma?: number;
  limit?: number;
  share?: number;
  /** Unit risk: how many of the open disposals are yellow (near) and how many overdue. */
  near?: number;
  overdue?: number;
}

/**
 * An early warning (预警): one subject × family × kind while it is open or acknowledged — the
 * partial unique index makes a rerun update the warning instead of repeating it; once resolved, a
 * new rise is a new warning. Every warning belongs to one district (the district of the grid, the
 * district itself, the district whose cases a unit's risk counts), which scopes who reads it.
 */
export const warning = pgTable(
  'warning',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: text('kind').notNull().$type<WarningKind>(),
    subjectType: text('subject_type').notNull().$type<WarningSubject>(),
    /** Grid id, district code or unit id. */
    subjectId: text('subject_id').notNull(),
    subjectName: text('subject_name').notNull(),
    districtCode: text('district_code').notNull(),
    /** The family of a rise: the type's kind and major category (大类), `matter:06`; '' for a unit's risk. */
    family: text('family').notNull().default(''),
    /** The count in the window (rise) or the open disposals in yellow or overdue (unit risk). */
    observed: integer('observed').notNull(),
    /** The baseline mean per window (rise) or the unit's open disposals in the district (unit risk). */
    baseline: doublePrecision('baseline').notNull(),
    rule: jsonb('rule').$type<WarningRuleRecord>().notNull(),
    explanationZh: text('explanation_zh').notNull(),
    explanationEn: text('explanation_en').notNull(),
    state: text('state').notNull().$type<WarningState>().default('open'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    // One live warning per subject, family and kind: a rerun's INSERT … ON CONFLICT target.
    uniqueIndex('warning_live_uq')
      .on(t.kind, t.subjectType, t.subjectId, t.family, t.districtCode)
      .where(sql`state <> 'resolved'`),
    index('warning_district_state_idx').on(t.districtCode, t.state, t.lastSeenAt),
    index('warning_state_idx').on(t.state, t.lastSeenAt),
  ],
);
export type WarningRow = typeof warning.$inferSelect;
