/**
 * Mean and population standard deviation (np.mean, np.std with ddof = 0) that do not lose
 * digits to a large offset, for every statistic in src/metrics that needs them:
 *
 *   shift c = the middle value (so 1e15 + N(0, 1e3) becomes N(0, 1e3) before any sum)
 *   d_i = x_i − c,  d̄ = Σd_i / n                               (Neumaier-compensated sums)
 *   ss = Σ(d_i − d̄)² − (Σ(d_i − d̄))² / n                      ("corrected two-pass",
 *                                                                 Chan, Golub & LeVeque 1983)
 *   mean = c + d̄,  std = sqrt(ss / n)
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
  const shift = values[n >> 1] as number
  const sum = new NeumaierSum()
  for (let i = 0; i < n; i++) sum.add((values[i] as number) - shift)
  const meanShifted = sum.value() / n
  const ss = new NeumaierSum()
  const residual = new NeumaierSum()
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - shift - meanShifted
    ss.add(d * d)
    residual.add(d)
  }
  return { mean: shift + meanShifted, std: Math.sqrt(Math.max(0, ss.value() - residual.value() ** 2 / n) / n) }
}
