/**
 * HDDM-A: drift detection based on Hoeffding's bounds with the moving-average test
 * (Frías-Blanco et al., 2014), as in River 0.26.1 (`drift.binary.HDDMA`, itself after MOA).
 *
 * Let Z_t be the mean of all inputs so far (t of them). HDDM-A keeps a cut point X: a
 * snapshot (mean, count) of Z taken when Z's Hoeffding upper bound Z̄ + ε was lowest,
 *
 *     ε(n) = sqrt( ln(1 / driftConfidence) / (2n) )
 *     X ← Z  when  X̄ + ε(n_X) >= Z̄ + ε(t)
 *
 * (and a mirror Y for decreases, where the lower bound was highest: Y ← Z when
 * Ȳ - ε(n_Y) <= Z̄ - ε(t)). Both bounds use driftConfidence, as in River. With
 * m = (t - n_X) / n_X · (1 / t), the error rate has increased at confidence c when
 *
 *     Z̄ - X̄ >= sqrt( m / 2 · ln(2 / c) ),   never when n_X = t.
 *
 *     drift    increase at driftConfidence                  (warning cleared)
 *     warning  else increase at warningConfidence
 *
 * With `twoSidedTest` the same test on Ȳ - Z̄ can also set drift or warning (without
 * clearing the other flag, as in River). State resets on the update after a drift.
 *
 * Input: binary. 1 (or true) = error, 0 (or false) = correct. Anything else, including
 * NaN and ±Infinity, throws a RangeError and leaves the state untouched (input.ts).
 *
 * Example (River's docstring): with `rng = random.Random(42)`, the stream
 * `rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])` fed to
 * `new HddmA()` first warns at index 451 and detects a drift at index 1206.
 *
 * References: I. Frías-Blanco, J. del Campo-Ávila, G. Ramos-Jiménez, R. Morales-Bueno,
 * A. Ortiz-Díaz, Y. Caballero-Mota. "Online and non-parametric drift detection methods
 * based on Hoeffding's bounds." IEEE TKDE 27(3), 2014, pp. 810-823. A. Bifet, G. Holmes,
 * R. Kirkby, B. Pfahringer. "MOA: Massive Online Analysis." JMLR 11, 2010, pp. 1601-1604.
 */
import type { DriftAndWarningDetector } from './detector.js'
import { checkOption, requireBit } from './input.js'

export interface HddmAOptions {
  /** Confidence level of the drift test. River: 0.001. */
  readonly driftConfidence?: number
  /** Confidence level of the warning test. River: 0.005. */
  readonly warningConfidence?: number
  /** Also detect decreases of the error rate. River: false. */
  readonly twoSidedTest?: boolean
}

/** A running mean as River's stats.Mean: count and mean. */
interface Snapshot {
  n: number
  mean: number
}

export class HddmA implements DriftAndWarningDetector<number | boolean> {
  readonly driftConfidence: number
  readonly warningConfidence: number
  readonly twoSidedTest: boolean

  #drift = false
  #warning = false
  #z: Snapshot = { n: 0, mean: 0 }
  #xMin: Snapshot = { n: 0, mean: 0 }
  #xMax: Snapshot = { n: 0, mean: 0 }

  constructor(options: HddmAOptions = {}) {
    this.driftConfidence = checkOption('HddmA', 'driftConfidence', options.driftConfidence ?? 0.001, 'probability')
    this.warningConfidence = checkOption(
      'HddmA',
      'warningConfidence',
      options.warningConfidence ?? 0.005,
      'probability',
    )
    this.twoSidedTest = options.twoSidedTest ?? false
  }

  get driftDetected(): boolean {
    return this.#drift
  }

  get warningDetected(): boolean {
    return this.#warning
  }

  update(x: number | boolean): this {
    const bit = requireBit('HddmA', x)
    if (this.#drift) this.#reset()

    const z = this.#z
    z.n += 1
    z.mean += (1 / z.n) * (bit - z.mean)
    if (this.#xMin.n === 0) this.#xMin = { ...z }
    if (this.#xMax.n === 0) this.#xMax = { ...z }

    const epsZ = this.#hoeffdingBound(z.n)
    if (this.#xMin.mean + this.#hoeffdingBound(this.#xMin.n) >= z.mean + epsZ) this.#xMin = { ...z }
    if (this.#xMax.mean - this.#hoeffdingBound(this.#xMax.n) <= z.mean - epsZ) this.#xMax = { ...z }

    if (this.#meanChanged(this.#xMin, this.driftConfidence, 1)) {
      this.#warning = false
      this.#drift = true
    } else {
      this.#warning = this.#meanChanged(this.#xMin, this.warningConfidence, 1)
      this.#drift = false
    }

    if (this.twoSidedTest) {
      if (this.#meanChanged(this.#xMax, this.driftConfidence, -1)) this.#drift = true
      else if (this.#meanChanged(this.#xMax, this.warningConfidence, -1)) this.#warning = true
    }
    return this
  }

  #hoeffdingBound(n: number): number {
    return Math.sqrt((1 / (2 * n)) * Math.log(1 / this.driftConfidence))
  }

  /** Whether Z̄ moved away from the cut point (up for sign 1, down for -1) at confidence c. */
  #meanChanged(cut: Snapshot, confidence: number, sign: 1 | -1): boolean {
    const z = this.#z
    if (cut.n === z.n) return false
    const m = ((z.n - cut.n) / cut.n) * (1 / z.n)
    const eps = Math.sqrt((m / 2) * Math.log(2 / confidence))
    return (sign === 1 ? z.mean - cut.mean : cut.mean - z.mean) >= eps
  }

  #reset(): void {
    this.#drift = false
    this.#warning = false
    this.#z = { n: 0, mean: 0 }
    this.#xMin = { n: 0, mean: 0 }
    this.#xMax = { n: 0, mean: 0 }
  }
}
