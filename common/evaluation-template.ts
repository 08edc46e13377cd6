/**
 * Evaluation templates (考核模板, domain.md §8): how a subject's indicator figures become a score
 * and a grade. Weights, count bands and grade bands differ between cities, so they are data — a
 * template per subject type, versioned (editing makes a new version; a ranking records the one
 * that produced it). Shared by the server (which scores) and the web client (which shows the rule
 * beside the score).
 *
 * Scoring of one item, from the indicator's figure:
 * - `rate`: the rate × 100 (on-time disposal 0.9 → 90);
 * - `inverse`: (1 − the rate) × 100, for rates where less is better (rework, overdue, misses);
 * - `bands`: the score of the first band whose `upTo` the item's count does not exceed (a rate's
 *   count is its denominator: how many were due). A count above every band scores 0.
 *
 * The composite is the weighted mean of the items that have a figure: an item whose rate has no
 * denominator in the period (nothing was due) is left out and the remaining weights are rescaled,
 * rather than scoring it 0 or 100 — a unit with no overdue-prone work is neither punished nor
 * rewarded for it. A subject with no scored item gets no score and no grade.
 */

export const SCORE_KINDS = ['rate', 'inverse', 'bands'] as const;
export type ScoreKind = (typeof SCORE_KINDS)[number];

export const GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type Grade = (typeof GRADES)[number];

export interface CountBand {
  /** The highest count (inclusive) that scores `score`. */
  upTo: number;
  score: number;
}

export interface TemplateItem {
  indicator: string;
  /** Its share of the composite, in percent (the items' weights add up to 100). */
  weight: number;
  score: ScoreKind;
  /** `bands` only: ascending by `upTo`. */
  bands?: CountBand[];
}

export interface GradeBand {
  grade: Grade;
  /** The lowest score (inclusive) of the grade; E's is 0. */
  min: number;
}

export interface TemplateDefinition {
  items: TemplateItem[];
  /** Descending by `min`, A first; the last is E with min 0. */
  grades: GradeBand[];
}

/** One indicator's figure, as the evaluation computes it. */
export interface FigureIn {
  indicator: string;
  kind: 'count' | 'rate' | 'average';
  numerator: number;
  denominator: number;
  value: number | null;
}

export interface ItemScore {
  indicator: string;
  weight: number;
  /** 0…100, or null when the figure is missing (left out of the composite). */
  score: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The score of one item from its figure (null: nothing to score). */
export function itemScore(item: TemplateItem, fig: FigureIn | undefined): number | null {
  if (!fig) return item.score === 'bands' ? bandScore(item.bands ?? [], 0) : null;
  if (item.score === 'bands') return bandScore(item.bands ?? [], fig.denominator);
  if (fig.kind !== 'rate' || fig.value === null) return null;
  const v = Math.min(1, Math.max(0, fig.value));
  return round2((item.score === 'inverse' ? 1 - v : v) * 100);
}

function bandScore(bands: readonly CountBand[], count: number): number {
  for (const b of bands) if (count <= b.upTo) return b.score;
  return 0;
}

/** The composite score (0…100, two decimals) and each item's, or null when no item has a figure. */
export function compositeScore(
  def: TemplateDefinition,
  figures: readonly FigureIn[],
): { score: number | null; items: ItemScore[] } {
  const byKey = new Map(figures.map((f) => [f.indicator, f]));
  const items = def.items.map((it) => ({
    indicator: it.indicator,
    weight: it.weight,
    score: itemScore(it, byKey.get(it.indicator)),
  }));
  const scored = items.filter((i) => i.score !== null);
  const weight = scored.reduce((s, i) => s + i.weight, 0);
  // A subject with figures only for band items (counts) is still scored: a count of 0 is a count.
  if (weight === 0 || !figures.length) return { score: null, items };
  const total = scored.reduce((s, i) => s + i.weight * (i.score as number), 0);
  return { score: round2(total / weight), items };
}

export function gradeOf(def: TemplateDefinition, score: number | null): Grade | null {
  if (score === null) return null;
  for (const g of def.grades) if (score >= g.min) return g.grade;
  return 'E';
}

/**
 * Competition ranking ("1224"): equal scores share a rank, the next rank skips. Subjects without
 * a score come last, unranked.
 */
export function rankOf<T extends { score: number | null }>(
  rows: readonly T[],
): (T & { rank: number | null })[] {
  const sorted = [...rows].sort((a, b) => (b.score ?? -1) - (a.score ?? -1));
  let rank = 0;
  let prev: number | null = null;
  return sorted.map((r, i) => {
    if (r.score === null) return { ...r, rank: null };
    if (r.score !== prev) {
      rank = i + 1;
      prev = r.score;
    }
    return { ...r, rank };
  });
}

/**
 * Why a definition cannot be used, or null: each problem names its place (`items[2].weight`).
 * `applicable` are the indicators of the template's subject type.
 */
export function templateProblems(
  def: TemplateDefinition,
  applicable: ReadonlyMap<string, 'count' | 'rate' | 'average'>,
): { field: string; zh: string; en: string }[] {
  const out: { field: string; zh: string; en: string }[] = [];
  if (!def.items.length) out.push({ field: 'items', zh: '至少需要一个指标', en: 'At least one indicator' });
  const seen = new Set<string>();
  let sum = 0;
  def.items.forEach((it, i) => {
    const at = `items[${i}]`;
    const kind = applicable.get(it.indicator);
    if (!kind)
      out.push({
        field: `${at}.indicator`,
        zh: `指标 ${it.indicator} 不存在，或不适用于该考核对象`,
        en: `Indicator ${it.indicator} does not exist or does not apply to this subject`,
      });
    // An indicator may be scored twice, differently (a dispatcher's count of dispatches by bands
    // and their on-time rate), but not twice the same way.
    const key = `${it.indicator}:${it.score}`;
    if (seen.has(key))
      out.push({
        field: `${at}.indicator`,
        zh: `指标 ${it.indicator} 以同一方式计分了两次`,
        en: `Indicator ${it.indicator} is scored the same way twice`,
      });
    seen.add(key);
    // Weights are percentages a leader reads and hands out: at least 0.01 and at most two decimals
    // (a weight of 1e-7 scored an item at nothing while listing it as counted).
    if (
      !(
        it.weight >= 0.01 &&
        it.weight <= 100 &&
        Math.abs(it.weight * 100 - Math.round(it.weight * 100)) < 1e-9
      )
    )
      out.push({
        field: `${at}.weight`,
        zh: '权重须在 0.01 至 100 之间，最多两位小数',
        en: 'A weight is from 0.01 to 100, with at most two decimals',
      });
    sum += it.weight;
    if (kind && it.score !== 'bands' && kind !== 'rate')
      out.push({
        field: `${at}.score`,
        zh: `${it.indicator} 不是比率，只能按计数分段计分`,
        en: `${it.indicator} is not a rate: score it by count bands`,
      });
    if (it.score === 'bands') {
      const bands = it.bands ?? [];
      if (!bands.length)
        out.push({
          field: `${at}.bands`,
          zh: '分段计分须至少一段',
          en: 'Count bands need one band at least',
        });
      bands.forEach((b, j) => {
        if (!(Number.isInteger(b.upTo) && b.upTo >= 0) || (j > 0 && b.upTo <= bands[j - 1].upTo))
          out.push({
            field: `${at}.bands[${j}].upTo`,
            zh: '分段上限须为非负整数且逐段递增',
            en: 'Band limits are whole numbers ≥ 0, rising',
          });
        if (!(b.score >= 0 && b.score <= 100))
          out.push({
            field: `${at}.bands[${j}].score`,
            zh: '分值须在 0 至 100 之间',
            en: 'A score is 0 to 100',
          });
      });
    } else if (it.bands?.length) {
      out.push({
        field: `${at}.bands`,
        zh: '只有分段计分的指标有分段',
        en: 'Only an item scored by bands has bands',
      });
    }
  });
  if (def.items.length && Math.abs(sum - 100) > 0.001)
    out.push({
      field: 'items',
      zh: `权重合计须为 100（现为 ${sum}）`,
      en: `Weights add up to 100 (now ${sum})`,
    });
  const grades = def.grades.map((g) => g.grade).join('');
  if (grades !== GRADES.join(''))
    out.push({ field: 'grades', zh: '等级须依次为 A、B、C、D、E', en: 'Grades are A, B, C, D, E in order' });
  def.grades.forEach((g, i) => {
    const last = i === def.grades.length - 1;
    if (last ? g.min !== 0 : !(g.min > 0 && g.min <= 100 && (i === 0 || g.min < def.grades[i - 1].min)))
      out.push({
        field: `grades[${i}].min`,
        zh: '等级下限须逐级递减，E 级为 0',
        en: 'Grade minimums fall from A to E; E starts at 0',
      });
  });
  return out;
}

const rate = (indicator: string, weight: number): TemplateItem => ({ indicator, weight, score: 'rate' });
const inverse = (indicator: string, weight: number): TemplateItem => ({
  indicator,
  weight,
  score: 'inverse',
});
/** Fewer filed problems is better: 0–50 cases 100 … over 1000, 0 (domain.md §8's example). */
const FEWER_IS_BETTER: CountBand[] = [
  { upTo: 50, score: 100 },
  { upTo: 100, score: 90 },
  { upTo: 200, score: 80 },
  { upTo: 500, score: 60 },
  { upTo: 1000, score: 40 },
];
/** More work done is better (a dispatcher's dispatches). */
const MORE_IS_BETTER: CountBand[] = [
  { upTo: 0, score: 0 },
  { upTo: 20, score: 60 },
  { upTo: 50, score: 80 },
  { upTo: 100, score: 90 },
  { upTo: 1_000_000_000, score: 100 },
];
export const DEFAULT_GRADES: GradeBand[] = [
  { grade: 'A', min: 90 },
  { grade: 'B', min: 75 },
  { grade: 'C', min: 60 },
  { grade: 'D', min: 40 },
  { grade: 'E', min: 0 },
];
const REGION_DEFAULT: TemplateItem[] = [
  rate('onTimeDisposalRate', 30),
  rate('closureRate', 25),
  inverse('reworkRate', 15),
  rate('onTimeDispatchRate', 15),
  inverse('missRate', 15),
];

/**
 * The platform's first templates, from domain.md §8's examples. The inspector's miss rate cannot be
 * counted per person (the record has no inspector's beat: indicators.ts `missRate.lacks`), so its
 * 20 % goes to the on-time verify and check rates; the dispatcher's count score reads the number of
 * dispatch decisions (the on-time dispatch rate's denominator). The acceptor's post has one rate.
 */
export const DEFAULT_TEMPLATES: Record<string, TemplateDefinition> = {
  district: { items: REGION_DEFAULT, grades: DEFAULT_GRADES },
  township: { items: REGION_DEFAULT, grades: DEFAULT_GRADES },
  community: { items: REGION_DEFAULT, grades: DEFAULT_GRADES },
  grid: { items: REGION_DEFAULT, grades: DEFAULT_GRADES },
  unit: {
    items: [
      { indicator: 'filedCount', weight: 10, score: 'bands', bands: FEWER_IS_BETTER },
      rate('closureRate', 30),
      rate('onTimeDisposalRate', 30),
      inverse('reworkRate', 30),
    ],
    grades: DEFAULT_GRADES,
  },
  inspector: {
    items: [rate('validReportRate', 40), rate('onTimeVerifyRate', 30), rate('onTimeCheckRate', 30)],
    grades: DEFAULT_GRADES,
  },
  acceptor: { items: [rate('onTimeAcceptRate', 100)], grades: DEFAULT_GRADES },
  shift_leader: {
    items: [rate('onTimeFilingRate', 25), rate('filingAccuracy', 40), rate('onTimeCloseRate', 35)],
    grades: DEFAULT_GRADES,
  },
  dispatcher: {
    items: [
      { indicator: 'onTimeDispatchRate', weight: 20, score: 'bands', bands: MORE_IS_BETTER },
      rate('onTimeDispatchRate', 40),
      rate('dispatchAccuracy', 40),
    ],
    grades: DEFAULT_GRADES,
  },
};
