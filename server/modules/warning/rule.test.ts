/** The rules on grouped counts: what is a rise, what is a unit's risk, and what each says. */
import { describe, expect, it } from 'vitest';
import type { WarningRules } from '../settings/index.ts';
import { judgeRise, judgeUnit } from './rule.ts';

const RULES: WarningRules = {
  windowDays: 7,
  baselinePeriods: 8,
  method: 'poisson',
  alpha: 0.001,
  ewmaWeight: 0.3,
  ewmaMultiplier: 3,
  minCount: 5,
  minBaselineMean: 0.5,
  unitMinCases: 3,
  unitMinShare: 0.3,
};

describe('judgeRise (Poisson)', () => {
  it('warns of 12 cases against a weekly mean of 3.125 and says so', () => {
    // 25 cases over 8 weeks: λ = 3.125; P(X ≥ 12 | 3.125) = 1.04e-4 < 0.001.
    const j = judgeRise([12, 3, 3, 3, 3, 3, 3, 3, 4], RULES);
    expect(j.warn).toBe(true);
    expect(j.observed).toBe(12);
    expect(j.baseline).toBe(3.125);
    expect(j.rule.pValue).toBeCloseTo(0.00010405518562827964, 12);
    expect(j.zh).toBe('近7日 12 起，前8周周均 3.1 起，泊松上尾概率 0.0001 < 0.001');
    expect(j.en).toBe(
      '12 cases in the last 7 days against a weekly mean of 3.1 over the previous 8 weeks; Poisson upper-tail probability 0.0001 < 0.001',
    );
  });

  it('does not warn of an ordinary week, nor of a count under the minimum however rare', () => {
    expect(judgeRise([4, 3, 3, 3, 3, 3, 3, 3, 4], RULES).warn).toBe(false);
    // 4 cases where there were none: P(X ≥ 4 | 0.5) = 0.0018, and 4 < minCount anyway.
    expect(judgeRise([4, 0, 0, 0, 0, 0, 0, 0, 0], RULES).warn).toBe(false);
    expect(judgeRise([4, 0, 0, 0, 0, 0, 0, 0, 0], { ...RULES, minCount: 2, alpha: 0.01 }).warn).toBe(true);
  });

  it('floors the baseline: a first case or two in a quiet grid is no warning', () => {
    const j = judgeRise([2], { ...RULES, minCount: 1 });
    expect(j.baseline).toBe(0);
    // λ floored at 0.5: P(X ≥ 2 | 0.5) = 0.09.
    expect(j.rule.pValue).toBeCloseTo(1 - Math.exp(-0.5) * 1.5, 12);
    expect(j.warn).toBe(false);
  });
});

describe('judgeRise (EWMA)', () => {
  const ewmaRules = { ...RULES, method: 'ewma' as const };
  it('warns when the EWMA crosses its limit and says both', () => {
    const j = judgeRise([12, 3, 3, 3, 3, 3, 3, 3, 3], ewmaRules);
    // z = 0.3·12 + 0.7·3 = 5.7 (the baseline weeks sit at the mean); after 9 windows the limit is
    // 3 + 3·√3·√(0.3/1.7·(1 − 0.7^18)) = 5.181.
    expect(j.rule.ewma).toBeCloseTo(5.7, 12);
    expect(j.rule.limit).toBeCloseTo(3 + 3 * Math.sqrt(3) * Math.sqrt((0.3 / 1.7) * (1 - 0.7 ** 18)), 12);
    expect(j.warn).toBe(true);
    expect(j.zh).toContain('EWMA 5.7 > 控制上限 5.18');
  });
  it('does not warn of a week at the mean', () => {
    expect(judgeRise([5, 3, 3, 3, 3, 3, 3, 3, 3], ewmaRules).warn).toBe(false);
  });
});

describe('judgeUnit', () => {
  it('is a risk from three late disposals that are a third of the open ones', () => {
    const j = judgeUnit(8, 2, 1, RULES);
    expect(j.warn).toBe(true);
    expect(j.observed).toBe(3);
    expect(j.baseline).toBe(8);
    expect(j.zh).toBe(
      '在办处置 8 件，其中临近时限 2 件、已超期 1 件，合计占 38%（阈值：不少于 3 件且占 30%）',
    );
    expect(judgeUnit(20, 2, 1, RULES).warn).toBe(false);
    expect(judgeUnit(2, 1, 1, RULES).warn).toBe(false);
  });
});
