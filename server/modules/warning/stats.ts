/**
 * The statistics of the early warning (预警), on grouped counts: pure functions, no database.
 *
 * - `poissonUpperTail(k, λ)` = P(X ≥ k) for X ~ Poisson(λ): how surprising `k` cases in the window
 *   are when the baseline says λ are usual. Computed in log space (a term is
 *   exp(−λ + j·ln λ − ln j!)), summing the short side: the upper tail itself when k > λ (its terms
 *   fall), else 1 − P(X < k). Subtracting a CDF near 1 from 1 would lose every digit of a tail of
 *   1e-12; summing the tail keeps them.
 * - `ewma(series, weight)` and `ewmaLimit(mean, sd, weight, L, n)`: the exponentially weighted moving
 *   average of period counts and its control limit (Roberts 1959; Montgomery, Introduction to
 *   Statistical Quality Control §9.2): UCL = μ + L·σ·√(w/(2−w)·(1−(1−w)^(2n))).
 */

/** ln(n!) for an integer n ≥ 0: exact sums up to 256, Stirling's series (error < 1e-15 relative) beyond. */
const LN_FACT: number[] = [0];
for (let i = 1; i <= 256; i++) LN_FACT[i] = LN_FACT[i - 1] + Math.log(i);

export function lnFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`lnFactorial: ${n} is not a non-negative integer`);
  if (n <= 256) return LN_FACT[n];
  const x = n + 1;
  // ln Γ(x) = (x−½)ln x − x + ½ln 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵)
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * x) -
    1 / (360 * x ** 3) +
    1 / (1260 * x ** 5)
  );
}

/** ln P(X = j) for X ~ Poisson(λ), λ > 0. */
export function poissonLogPmf(j: number, lambda: number): number {
  return -lambda + j * Math.log(lambda) - lnFactorial(j);
}

/** P(X ≥ k) for X ~ Poisson(λ). k ≤ 0 → 1; λ = 0 → 0 for any k ≥ 1. */
export function poissonUpperTail(k: number, lambda: number): number {
  if (!Number.isInteger(k)) throw new RangeError(`poissonUpperTail: k ${k} is not an integer`);
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new RangeError(`poissonUpperTail: λ ${lambda} is not a finite non-negative number`);
  if (k <= 0) return 1;
  if (lambda === 0) return 0;
  if (k > lambda) {
    // The tail's terms fall from the first on (ratio λ/(j+1) < 1): sum until they no longer count.
    const first = poissonLogPmf(k, lambda);
    let sum = 1;
    let term = 1;
    for (let j = k; ; j++) {
      term *= lambda / (j + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return Math.min(1, Math.exp(first + Math.log(sum)));
  }
  // k ≤ λ: the tail is at least about ½; the lower side P(X < k) is the short sum.
  let lower = 0;
  for (let j = 0; j < k; j++) lower += Math.exp(poissonLogPmf(j, lambda));
  return Math.max(0, 1 - lower);
}

/** The EWMA of a series, started at `start` (the in-control mean): z_t = w·x_t + (1−w)·z_{t−1}. */
export function ewma(series: readonly number[], weight: number, start: number): number[] {
  if (!(weight > 0 && weight <= 1)) throw new RangeError(`ewma: weight ${weight} is not in (0, 1]`);
  const out: number[] = [];
  let z = start;
  for (const x of series) {
    z = weight * x + (1 - weight) * z;
    out.push(z);
  }
  return out;
}

/** The upper control limit of an EWMA after `n` periods, for an in-control mean and standard deviation. */
export function ewmaLimit(mean: number, sd: number, weight: number, multiplier: number, n: number): number {
  const factor = (weight / (2 - weight)) * (1 - (1 - weight) ** (2 * n));
  return mean + multiplier * sd * Math.sqrt(factor);
}

/** A number as the explanation shows it: at most `digits` decimals, no trailing zeros. */
export function shortNumber(x: number, digits = 1): string {
  return Number(x.toFixed(digits)).toString();
}

/** A probability as the explanation shows it: two significant digits (0.00041, 1.2e-9). */
export function shortProbability(p: number): string {
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(1);
  return Number(p.toPrecision(2)).toString();
}
