/**
 * Shared handling of bin or category counts.
 *
 * Counts are produced by our own binning and accumulators, so a negative, NaN or infinite
 * count is a bug upstream, not data: it throws a RangeError (which crashes the consumer and
 * replays, see STYLE.md). Counts need not be integers (weighted counts are accepted).
 * An all-zero side (an empty sample) is not an error: the statistic's score is then NaN.
 */

/**
 * Evidently's proportion for an empty bin (get_binned_data, evidently 0.7.23), chosen per side
 * from that side's own proportions: its smallest non-zero proportion / EPSILON_DIVISOR when that
 * proportion is <= DEFAULT_EPSILON, else DEFAULT_EPSILON. So a side whose rarest bin holds 1 in
 * 20,000 gives its empty bins 5e-11, not 1e-4, and an empty bin never outweighs a seen one.
 */
export const DEFAULT_EPSILON = 1e-4
export const EPSILON_DIVISOR = 1e6

/** The empty-bin proportion of one side with `total` > 0, by Evidently's rule above. */
export function evidentlyEpsilon(counts: readonly number[], total: number): number {
  let smallest = Number.POSITIVE_INFINITY
  for (const c of counts) if (c > 0) smallest = Math.min(smallest, c / total)
  return smallest <= DEFAULT_EPSILON ? smallest / EPSILON_DIVISOR : DEFAULT_EPSILON
}

/** Validates counts and returns their sum. */
export function totalOf(counts: readonly number[], name: string): number {
  let total = 0
  for (const [i, c] of counts.entries()) {
    if (!Number.isFinite(c) || c < 0) {
      throw new RangeError(`${name}[${i}] must be a finite count >= 0, got ${c}`)
    }
    total += c
  }
  return total
}

/** Validates that two count vectors describe the same bins. */
export function checkSameLength(reference: readonly number[], current: readonly number[]): void {
  if (reference.length !== current.length) {
    throw new RangeError(
      `reference and current counts must have the same number of bins (${reference.length} vs ${current.length})`,
    )
  }
}

/** Proportions count/total, with every zero proportion replaced by `epsilon` (no renormalising). */
export function proportionsWithEpsilon(counts: readonly number[], total: number, epsilon: number): number[] {
  return counts.map((c) => (c === 0 ? epsilon : c / total))
}

export function checkEpsilon(epsilon: number): void {
  if (!(epsilon > 0 && epsilon < 1)) throw new RangeError(`epsilon must be in (0, 1), got ${epsilon}`)
}
