/**
 * The early warning's statistics against known values: Poisson upper tails from SciPy
 * (`scipy.stats.poisson.sf(k - 1, λ)`, checked with 60-digit decimal arithmetic), and the EWMA
 * and its limit worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { ewma, ewmaLimit, lnFactorial, poissonUpperTail, shortProbability } from './stats.ts';

describe('poissonUpperTail', () => {
  it.each([
    [12, 3.125, 0.00010405518562827964],
    [12, 3, 7.138662897420658e-5],
    [5, 0.5, 0.00017211562995584072],
    [3, 10, 0.9972306042844884],
    [20, 10, 0.0034543419758568334],
    [30, 10, 2.509951201527959e-7],
    [1000, 900, 0.0005499022657117818],
  ])('P(X ≥ %i | λ = %f) = %f', (k, lambda, expected) => {
    expect(poissonUpperTail(k, lambda)).toBeCloseTo(expected, 12);
    expect(Math.abs(poissonUpperTail(k, lambda) / expected - 1)).toBeLessThan(1e-9);
  });

  it('keeps the digits of a far tail, where 1 − CDF would be 0', () => {
    // 1 − P(X < 50 | λ = 1) is 1 − (1 − 1.2e-65): zero in doubles; the tail summed in log space is not.
    const p = poissonUpperTail(50, 1);
    expect(Math.abs(p / 1.2337508979097585e-65 - 1)).toBeLessThan(1e-9);
  });

  it('is 1 for k ≤ 0, 0 for λ = 0, 1 − e^−λ for k = 1, and falls as k rises', () => {
    expect(poissonUpperTail(0, 2.5)).toBe(1);
    expect(poissonUpperTail(-3, 2.5)).toBe(1);
    expect(poissonUpperTail(1, 0)).toBe(0);
    expect(poissonUpperTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 15);
    expect(poissonUpperTail(2, 1)).toBeCloseTo(1 - 2 * Math.exp(-1), 15);
    let prev = 1;
    for (let k = 1; k < 40; k++) {
      const p = poissonUpperTail(k, 7.3);
      expect(p).toBeLessThan(prev);
      prev = p;
    }
  });

  it('refuses a fractional k and a negative or infinite λ', () => {
    expect(() => poissonUpperTail(2.5, 1)).toThrow(RangeError);
    expect(() => poissonUpperTail(2, -1)).toThrow(RangeError);
    expect(() => poissonUpperTail(2, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('lnFactorial', () => {
  it('matches exact sums and Stirling beyond the table (ln 1000! and ln 300!)', () => {
    expect(lnFactorial(0)).toBe(0);
    expect(lnFactorial(5)).toBeCloseTo(Math.log(120), 14);
    expect(lnFactorial(300)).toBeCloseTo(1414.905849945068, 9);
    expect(lnFactorial(1000)).toBeCloseTo(5912.128178488163, 9);
  });
});

describe('EWMA', () => {
  it('weighs each period into the previous average', () => {
    // z1 = 0.5·2 + 0.5·3 = 2.5; z2 = 0.5·4 + 0.5·2.5 = 3.25; z3 = 0.5·10 + 0.5·3.25 = 6.625
    expect(ewma([2, 4, 10], 0.5, 3)).toEqual([2.5, 3.25, 6.625]);
    expect(ewma([7, 1], 1, 3)).toEqual([7, 1]);
    expect(() => ewma([1], 0, 1)).toThrow(RangeError);
  });

  it('has the control limit μ + Lσ·√(w/(2−w)·(1−(1−w)^2n))', () => {
    // After one period the EWMA's deviation is w·σ: μ + L·w·σ = 3 + 3·0.3·√3.
    expect(ewmaLimit(3, Math.sqrt(3), 0.3, 3, 1)).toBeCloseTo(3 + 0.9 * Math.sqrt(3), 12);
    // In the long run it tends to μ + Lσ·√(w/(2−w)).
    expect(ewmaLimit(3, Math.sqrt(3), 0.3, 3, 500)).toBeCloseTo(
      3 + 3 * Math.sqrt(3) * Math.sqrt(0.3 / 1.7),
      12,
    );
  });
});

describe('shortProbability', () => {
  it('shows two significant digits', () => {
    expect(shortProbability(0.00041234)).toBe('0.00041');
    expect(shortProbability(1.2337e-65)).toBe('1.2e-65');
    expect(shortProbability(0.5)).toBe('0.5');
  });
});
