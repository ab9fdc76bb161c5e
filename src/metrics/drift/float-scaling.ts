/**
 * Exponent bookkeeping shared by the Kolmogorov-distribution algorithms, which (like scipy's
 * `_ksstats.py`) rescale by 2^±128 to keep intermediate values inside double range and
 * apply the accumulated binary exponent at the end.
 */

export const E128 = 128
export const EP128 = 2 ** 128
export const EM128 = 2 ** -128

/** x·2^e without overflowing or underflowing the power of two on its own (C's ldexp). */
export function ldexp(x: number, e: number): number {
  let result = x
  let rest = e
  while (rest > 1000) {
    result *= 2 ** 1000
    rest -= 1000
  }
  while (rest < -1000) {
    result *= 2 ** -1000
    rest += 1000
  }
  return result * 2 ** rest
}
