/**
 * Mean and population standard deviation (np.mean, np.std with ddof = 0) that do not lose
 * digits to a large offset, for every statistic in src/metrics that needs them:
 *
 *   scale s = 2^⌊log2 max|x_i|⌋ (a power of two: x_i / s and s·y are exact)
 *   u_i = x_i / s,  shift c = the middle u (so 1e15 + N(0, 1e3) becomes N(0, 1e3) before any sum)
 *   d_i = u_i − c,  d̄ = Σd_i / n                               (Neumaier-compensated sums)
 *   ss = Σ(d_i − d̄)² − (Σ(d_i − d̄))² / n                      ("corrected two-pass",
 *                                                                 Chan, Golub & LeVeque 1983)
 *   mean = s·(c + d̄),  std = s·sqrt(ss / n)
 *
 * The scale keeps every square in range: without it a feature of magnitude ~1e154 or more
 * squared past 1.8e308 (std inf or NaN, and the normed Wasserstein score NaN), and one below
 * ~1e-154 squared to 0. Scaling by a power of two rounds nowhere, so wherever neither happened
 * the result is bit for bit the unscaled one; the only values it loses are those below
 * 2^-1074·s, too small by 300 orders of magnitude to move the sums. Reference: Python's
 * statistics.pstdev (exact rational arithmetic), e.g. std of (0..1499)·1e150 =
 * 4.3301260566716375e152 where numpy.std overflows to inf
 * (fixtures/stable_moments_scale.json, scripts/reference/stable_moments_scale.py).
 *
 * A naive Σx followed by Σ(x − mean)² was 8e-7 relative off at a 1e15 offset (the normed
 * Wasserstein score 0.0491795489 for 0.0491795089: fixtures/stable_moments.json). Mergeable
 * accumulators that keep a variance use Welford's update and Chan et al.'s pairwise merge
 * instead (../performance/regression.ts). Pure.
 */

/** Neumaier's improved Kahan summation. */
export class NeumaierSum {
  #sum = 0
  #compensation = 0
  add(x: number): void {
    const t = this.#sum + x
    this.#compensation += Math.abs(this.#sum) >= Math.abs(x) ? this.#sum - t + x : x - t + this.#sum
    this.#sum = t
  }
  value(): number {
    return this.#sum + this.#compensation
  }
}

/** { mean, std } of finite values; NaN for no values. Sorted input gives an order-free result. */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length
  if (n === 0) return { mean: Number.NaN, std: Number.NaN }
  const s = powerOfTwoScale(values)
  const shift = (values[n >> 1] as number) / s
  const sum = new NeumaierSum()
  for (let i = 0; i < n; i++) sum.add((values[i] as number) / s - shift)
  const meanShifted = sum.value() / n
  const ss = new NeumaierSum()
  const residual = new NeumaierSum()
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) / s - shift - meanShifted
    ss.add(d * d)
    residual.add(d)
  }
  return { mean: s * (shift + meanShifted), std: s * Math.sqrt(Math.max(0, ss.value() - residual.value() ** 2 / n) / n) }
}

/** 2^⌊log2 max|x|⌋, within the binary64 range of powers of two; 1 for all zeros. */
function powerOfTwoScale(values: ArrayLike<number>): number {
  let max = 0
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] as number))
  if (max === 0) return 1
  // log2 may round to the next integer near a power of two: any nearby power of two will do.
  return 2 ** Math.min(1023, Math.max(-1074, Math.floor(Math.log2(max))))
}
