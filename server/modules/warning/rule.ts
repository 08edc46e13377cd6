/**
 * The early warning's rules on grouped counts (pure): is this window's count an unusual rise
 * against the windows before it, and is a unit's share of late disposals a risk? Each decision
 * carries the numbers it was made on and says them in both languages ("近7日 12 起，前8周周均
 * 3.1 起，泊松上尾概率 0.0004 < 0.001").
 */
import type { WarningRules } from '../settings/index.ts';
import { ewma, ewmaLimit, poissonUpperTail, shortNumber, shortProbability } from './stats.ts';
import type { WarningRuleRecord } from './tables.ts';

export interface Judgement {
  warn: boolean;
  observed: number;
  /** Baseline mean per window (rise) or open disposals (unit risk). */
  baseline: number;
  rule: WarningRuleRecord;
  zh: string;
  en: string;
}

/** "近7日" / "the last 7 days"; "前8周周均" when the window is a week. */
function windowWords(r: WarningRules) {
  const week = r.windowDays === 7;
  return {
    zhWindow: `近${r.windowDays}日`,
    zhBase: week ? `前${r.baselinePeriods}周周均` : `此前${r.baselinePeriods}个${r.windowDays}日周期平均`,
    enWindow: `in the last ${r.windowDays} days`,
    enBase: week
      ? `a weekly mean of ${'%'} over the previous ${r.baselinePeriods} weeks`
      : `a mean of ${'%'} per ${r.windowDays} days over the previous ${r.baselinePeriods} periods`,
  };
}

/**
 * A rise: `counts[0]` is the current window, `counts[1…baselinePeriods]` the windows before it
 * (newest first; missing ones are 0). No warning below `minCount`. The baseline mean is floored at
 * `minBaselineMean` so a subject with no history is not a warning at its first few cases.
 * - poisson: warn when P(X ≥ observed | λ = baseline mean) < α.
 * - ewma: the EWMA of the windows oldest first, started at the baseline mean, against its upper
 *   control limit with σ = √λ (counts are Poisson: variance = mean).
 */
export function judgeRise(counts: readonly number[], r: WarningRules): Judgement {
  const observed = counts[0] ?? 0;
  const history = Array.from({ length: r.baselinePeriods }, (_, i) => counts[i + 1] ?? 0);
  const mean = history.reduce((a, b) => a + b, 0) / r.baselinePeriods;
  const lambda = Math.max(mean, r.minBaselineMean);
  const w = windowWords(r);
  const countZh = `${w.zhWindow} ${observed} 起，${w.zhBase} ${shortNumber(mean)} 起`;
  const countEn = `${observed} cases ${w.enWindow} against ${w.enBase.replace('%', shortNumber(mean))}`;
  const base = {
    windowDays: r.windowDays,
    baselinePeriods: r.baselinePeriods,
    minCount: r.minCount,
    minBaselineMean: r.minBaselineMean,
  };
  if (r.method === 'ewma') {
    const series = [...history].reverse().concat(observed);
    const z = ewma(series, r.ewmaWeight, lambda).at(-1) ?? lambda;
    const limit = ewmaLimit(lambda, Math.sqrt(lambda), r.ewmaWeight, r.ewmaMultiplier, series.length);
    const warn = observed >= r.minCount && z > limit;
    return {
      warn,
      observed,
      baseline: mean,
      rule: {
        method: 'ewma',
        ...base,
        ewmaWeight: r.ewmaWeight,
        ewmaMultiplier: r.ewmaMultiplier,
        ewma: z,
        limit,
      },
      zh: `${countZh}，EWMA ${shortNumber(z, 2)} ${warn ? '>' : '≤'} 控制上限 ${shortNumber(limit, 2)}（权重 ${r.ewmaWeight}，L=${r.ewmaMultiplier}）`,
      en: `${countEn}; EWMA ${shortNumber(z, 2)} ${warn ? '>' : '≤'} control limit ${shortNumber(limit, 2)} (weight ${r.ewmaWeight}, L=${r.ewmaMultiplier})`,
    };
  }
  const p = poissonUpperTail(observed, lambda);
  const warn = observed >= r.minCount && p < r.alpha;
  const sign = p < r.alpha ? '<' : '≥';
  return {
    warn,
    observed,
    baseline: mean,
    rule: { method: 'poisson', ...base, alpha: r.alpha, pValue: p },
    zh: `${countZh}，泊松上尾概率 ${shortProbability(p)} ${sign} ${r.alpha}`,
    en: `${countEn}; Poisson upper-tail probability ${shortProbability(p)} ${sign} ${r.alpha}`,
  };
}

/**
 * A unit's overdue risk over one district's cases: of its `open` disposals there, `near` are in
 * their yellow light (less than 1 − case.warnShare of their time left) and `overdue` past their
 * due time. A risk when near + overdue ≥ unitMinCases and that is at least unitMinShare of `open`.
 */
export function judgeUnit(open: number, near: number, overdue: number, r: WarningRules): Judgement {
  const late = near + overdue;
  const share = open > 0 ? late / open : 0;
  const warn = late >= r.unitMinCases && share >= r.unitMinShare;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return {
    warn,
    observed: late,
    baseline: open,
    rule: {
      method: 'unit_share',
      unitMinCases: r.unitMinCases,
      unitMinShare: r.unitMinShare,
      share,
      near,
      overdue,
    },
    zh: `在办处置 ${open} 件，其中临近时限 ${near} 件、已超期 ${overdue} 件，合计占 ${pct(share)}（阈值：不少于 ${r.unitMinCases} 件且占 ${pct(r.unitMinShare)}）`,
    en: `${open} open disposals, ${near} near their deadline and ${overdue} overdue: ${pct(share)} (threshold: at least ${r.unitMinCases} and ${pct(r.unitMinShare)})`,
  };
}
