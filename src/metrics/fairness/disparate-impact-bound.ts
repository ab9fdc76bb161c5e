/**
 * Upper confidence bound of the disparate impact ratio: how high the ratio of the most
 * disparate pair of groups could plausibly be, given the groups' sizes.
 *
 * The disparate impact ratio (parity.ts) is min_g SR_g / max_g SR_g over the compared groups, as
 * fairlearn's demographic_parity_ratio. With no bias at all (every group's true selection rate
 * 0.35, groups assigned at random) it falls below 4/5 by chance alone: in about half of the
 * samples of 2 groups × 40 predictions, and in nearly all of 53 groups × 40 (median 0.36). This
 * bound says whether the ratio is below 4/5 beyond sampling noise.
 *
 * For each unordered pair of compared groups {i, j} with selected counts x and predictions n,
 * rates r = x / n, oriented so that r_i ≤ r_j (both orientations when r_i = r_j), the Katz log
 * interval of the risk ratio r_i / r_j (Katz, Baptista, Azen & Pike 1978, Biometrics 34:469):
 *   SE    = sqrt(1/x_i − 1/n_i + 1/x_j − 1/n_j)
 *   upper = exp(ln(r_i / r_j) + z·SE)                                      one-sided
 *   z     = Φ⁻¹(1 − α/m),  α = 1 − confidence,  m = k(k − 1)/2 pairs of the k compared groups
 * Bonferroni over the m pairs: every pair's bound holds at once with probability ≥ confidence,
 * so many small groups do not manufacture a violation by their number alone.
 * Zero cells: when any cell of a pair's 2×2 table (x_i, n_i − x_i, x_j, n_j − x_j) is 0, 0.5 is
 * added to every cell of that pair's table (Haldane–Anscombe; the rates, the ratio and SE are
 * then those of the shifted table), so a group nobody of which is selected, or all of which is,
 * still has a finite bound.
 * The statistic is the minimum of the pairs' upper bounds: the pair most confidently below. It
 * is < 0.8 exactly when, for some pair, the one-sided test of "ratio ≥ 4/5" rejects with the
 * family-wise error rate over the pairs held at α.
 *
 * This is driftwatch's own statistic built from a standard interval, not a library's. Each
 * pair's bound equals statsmodels 0.15.0 `Table2x2([[x_i, n_i − x_i], [x_j, n_j − x_j]],
 * shift_zeros=False).riskratio_confint(alpha=2α/m, method='normal')[1]` on the table as
 * shifted above (two-sided at 2α/m is one-sided at α/m); scripts/reference/disparate_impact.py.
 * statsmodels' own shift_zeros=True replaces the zero cells by 0.5 rather than adding 0.5 to
 * every cell (its docstring says the latter): the script shifts the table itself.
 *
 * Undefined (NaN) under the same conditions as the ratio: fewer than 2 groups, or no group
 * with a selected prediction (0/0).
 */
import erfc from '@stdlib/math-base-special-erfc'
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'

export interface SelectionCounts {
  /** Predictions with ŷ = 1. */
  readonly selected: number
  /** Every prediction of the group. */
  readonly predictions: number
}

export interface DisparateImpactBound {
  /** min over pairs of the one-sided upper bound of r_low / r_high; NaN when undefined. */
  readonly upper: number
  /** Indices (into the input) of the pair that gives it: the lower-rate group, then the higher; -1 when undefined. */
  readonly low: number
  readonly high: number
  /** m = k(k − 1)/2, the pairs of the Bonferroni correction. */
  readonly pairs: number
  /** Φ⁻¹(1 − α/m); NaN with fewer than 2 groups. */
  readonly z: number
}

/** ln of the one-sided upper bound of (x_i/n_i) / (x_j/n_j), shifted by 0.5 per cell when a cell is 0. */
export function logRatioUpper(xi: number, ni: number, xj: number, nj: number, z: number): number {
  const shift = xi === 0 || xi === ni || xj === 0 || xj === nj ? 0.5 : 0
  const [a, b, c, d] = [xi + shift, ni - xi + shift, xj + shift, nj - xj + shift]
  const [pi, pj] = [a / (a + b), c / (c + d)]
  // statsmodels' form: Σ (1 − p) / (n p) = 1/x − 1/n per row.
  const se = Math.sqrt((1 - pi) / ((a + b) * pi) + (1 - pj) / ((c + d) * pj))
  return Math.log(pi / pj) + z * se
}

/**
 * Φ⁻¹(1 − p) for a tail probability p, as scipy.stats.norm.isf(p). @stdlib's quantile reads its
 * argument through erfinv(2q − 1), which loses digits in the far tail (4e-7 relative at
 * p = 1e-12, 2e-13 at p = 3.5e-6, against scipy and 40-digit mpmath). One Halley step on
 * Φ(x) = erfc(−x/√2)/2 = p, whose erfc keeps full precision in the tail, restores it: the
 * refinement of Acklam's normal quantile algorithm (e = Φ(x) − p, u = e·√(2π)·e^{x²/2},
 * x ← x − u / (1 + x·u/2)).
 */
export function upperQuantile(p: number): number {
  const x = normalQuantile(p, 0, 1)
  if (!Number.isFinite(x)) return -x
  const u = (erfc(-x / Math.SQRT2) / 2 - p) * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2)
  return -(x - u / (1 + (x * u) / 2))
}

export function disparateImpactBound(groups: readonly SelectionCounts[], confidence: number): DisparateImpactBound {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`)
  const k = groups.length
  const pairs = (k * (k - 1)) / 2
  const none = { upper: Number.NaN, low: -1, high: -1, pairs }
  if (k < 2) return { ...none, z: Number.NaN }
  // α/m directly: 1 − α/m would lose digits of a small tail probability.
  const z = upperQuantile((1 - confidence) / pairs)
  if (groups.every((g) => g.selected === 0)) return { ...none, z }
  let best = { log: Number.POSITIVE_INFINITY, low: -1, high: -1 }
  const consider = (i: number, j: number) => {
    const log = logRatioUpper(groups[i]!.selected, groups[i]!.predictions, groups[j]!.selected, groups[j]!.predictions, z)
    if (log < best.log) best = { log, low: i, high: j }
  }
  const rate = (g: SelectionCounts) => g.selected / g.predictions
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const [ri, rj] = [rate(groups[i]!), rate(groups[j]!)]
      if (ri <= rj) consider(i, j)
      if (rj <= ri) consider(j, i)
    }
  }
  // A group without predictions has no rate and takes part in no pair.
  if (best.low < 0) return { ...none, z }
  return { upper: Math.exp(best.log), low: best.low, high: best.high, pairs, z }
}
