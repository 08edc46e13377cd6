/**
 * The duplicate rule (重复上报判定, setting `case.duplicate`): when a report is the same problem as
 * an open case, so that it joins that case instead of opening another. Shared by the settings
 * registry (shape, default), the case intake (the check) and the web client.
 *
 * A report joins an open case of the SAME matter type, in the same district, created within the
 * window, whose point lies within the radius — the radius and window of the type's family (大类,
 * the first two digits of the code, GB/T 47678.5-2026). Not the whole family: a family holds
 * different problems at one spot that different units fix (a water-supply and a sewage manhole
 * cover 10 m apart; a car parked on the pavement and a stall on it), and one case is dispatched
 * to one unit, so merging across types would lose a problem.
 */

export interface DuplicateWindow {
  /** Metres between the report's point and the case's. */
  radiusM: number;
  /** Hours since the case was created. */
  windowHours: number;
}

export interface DuplicateRule extends DuplicateWindow {
  /**
   * The classifier's share of belief its first suggestion must reach before a report without a
   * type is checked as that type. Absent in values stored before it existed: the default applies.
   */
  minSuggestionScore?: number;
  /**
   * Radius and window per family (major category code, `01` … `10`, `99` for local types).
   * A family not listed takes its default below; a type of a family without a default takes
   * `radiusM` / `windowHours`. Absent in values stored before families existed.
   */
  families?: Record<string, DuplicateWindow>;
}

/**
 * The families' defaults, from what the problems are like in the street:
 * - facilities (部件: 01 市政公用, 02 交通, 03 市容环卫, 04 园林绿化, 05 其他部件) stand still and
 *   stay broken until repaired — a manhole cover reported on Monday is the same cover on
 *   Friday — and are a few dozen metres apart (covers along a road every 30–50 m), so a small
 *   radius and a week: 30 m / 168 h;
 * - 06 市容环境 (exposed rubbish, dirty road, hanging laundry): around a spot and cleared within
 *   a day by the sanitation cycle: 50 m / 24 h;
 * - 07 宣传广告 (flyers, illegal banners): spread along a street front and stay until removed:
 *   50 m / 72 h;
 * - 08 施工管理 (works, dust, blocked pavement): a site is 100 m across and lasts days:
 *   100 m / 72 h;
 * - 09 街面秩序 (street vendors, parking, begging): moves along a street and comes and goes
 *   within hours — a vendor at the same corner tomorrow is a new occurrence: 100 m / 4 h;
 * - 10 其他事项 (ice on the road, a fallen cable): 50 m / 24 h.
 * Local types (major 99) take the rule's own radius and window (default 50 m / 24 h).
 */
export const DEFAULT_DUPLICATE_FAMILIES: Readonly<Record<string, DuplicateWindow>> = {
  '01': { radiusM: 30, windowHours: 168 },
  '02': { radiusM: 30, windowHours: 168 },
  '03': { radiusM: 30, windowHours: 168 },
  '04': { radiusM: 30, windowHours: 168 },
  '05': { radiusM: 30, windowHours: 168 },
  '06': { radiusM: 50, windowHours: 24 },
  '07': { radiusM: 50, windowHours: 72 },
  '08': { radiusM: 100, windowHours: 72 },
  '09': { radiusM: 100, windowHours: 4 },
  '10': { radiusM: 50, windowHours: 24 },
};

/** The families a value may name: the catalogue's majors and 99 (a city's local types). */
export const DUPLICATE_FAMILY_CODES = [...Object.keys(DEFAULT_DUPLICATE_FAMILIES), '99'] as const;

/**
 * The default floor for a report without a type (see `minSuggestionScore`). Measured on the
 * classifier's evaluation set (bench/data/classify-eval.jsonl, 471 texts in citizens', operators'
 * and inspectors' words; `npx tsx scripts/classifier-score-floor.ts`): the first suggestion is
 * right for 83.7 % of all texts; at a share of 0.5 or more it covers 61.6 % of the texts and is
 * right for 96.6 % of them (0.3: 72 % / 94.1 %; 0.7: 46 % / 98.2 %). A wrong type here costs
 * little — it only merges when an open case of that wrong type lies within its radius — while a
 * missed type loses the merge, so the floor sits where precision levels off.
 */
export const DEFAULT_MIN_SUGGESTION_SCORE = 0.5;

export const DEFAULT_DUPLICATE_RULE: Required<DuplicateRule> = {
  radiusM: 50,
  windowHours: 24,
  minSuggestionScore: DEFAULT_MIN_SUGGESTION_SCORE,
  families: { ...DEFAULT_DUPLICATE_FAMILIES },
};

/** The family (major category) of a matter type's code: its first two characters. */
export const familyOf = (matterCode: string) => matterCode.slice(0, 2);

/** The radius and window that apply to a matter type under a stored rule. */
export function duplicateWindowFor(rule: DuplicateRule, matterCode: string): DuplicateWindow {
  const family = familyOf(matterCode);
  const own = rule.families?.[family] ?? DEFAULT_DUPLICATE_FAMILIES[family];
  return own
    ? { radiusM: own.radiusM, windowHours: own.windowHours }
    : { radiusM: rule.radiusM, windowHours: rule.windowHours };
}

/** The floor a stored rule sets for the classifier's first suggestion. */
export const minSuggestionScoreOf = (rule: DuplicateRule) =>
  rule.minSuggestionScore ?? DEFAULT_MIN_SUGGESTION_SCORE;
