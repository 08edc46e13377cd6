/**
 * Case-loop settings with their defaults. A city changes them at run time in the `setting` table
 * (keys below); the defaults here are what a fresh city starts with (domain.md §5–§6).
 */

import type { TimeUnit } from '../../../common/calendar/index.ts';
import { DEFAULT_DUPLICATE_RULE, type DuplicateRule } from '../../../common/duplicates.ts';
import type { Stage } from '../../../common/workflow.ts';

export interface StageLimit {
  amount: number;
  unit: TimeUnit;
}

export interface CaseSettings {
  /** Share of a stage's time after which its light turns yellow and a warning fires. */
  warnShare: number;
  /** Limits of the stages that do not come from the disposal standard (dispose does). */
  stageLimits: Record<Exclude<Stage, 'dispose'>, StageLimit>;
  /** Duplicates: same matter type within its family's radius and window (common/duplicates.ts). */
  duplicate: DuplicateRule;
}

export const DEFAULT_CASE_SETTINGS: CaseSettings = {
  warnShare: 0.8,
  stageLimits: {
    accept: { amount: 1, unit: 'work_hour' },
    verify: { amount: 24, unit: 'urgent_hour' },
    filing: { amount: 1, unit: 'work_hour' },
    dispatch: { amount: 1, unit: 'work_hour' },
    coordinate: { amount: 1, unit: 'work_day' },
    check: { amount: 2, unit: 'work_hour' },
    // The dispatcher's rework order after a failed check: as quick as a dispatch.
    rework: { amount: 1, unit: 'work_hour' },
    close: { amount: 1, unit: 'work_hour' },
  },
  duplicate: DEFAULT_DUPLICATE_RULE,
};

export const SETTING_KEYS = {
  warnShare: 'case.warnShare',
  stageLimits: 'case.stageLimits',
  duplicate: 'case.duplicate',
} as const;
