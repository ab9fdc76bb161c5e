/**
 * Shared handling of bin or category counts.
 *
 * Counts are produced by our own binning and accumulators, so a negative, NaN or infinite
 * count is a bug upstream, not data: it throws a RangeError (which crashes the consumer and
 * replays, see STYLE.md). Counts need not be integers (weighted counts are accepted).
 * An all-zero side (an empty sample) is not an error: the statistic's score is then NaN.
 */

export const DEFAULT_EPSILON = 1e-4

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
