/**
 * Page-Hinkley test (Page, 1954), as in River 0.26.1 (`drift.PageHinkley`).
 *
 * A CUSUM on the deviation of each value from the running mean x̄_t of all values so far
 * (x̄_t includes x_t), with forgetting factor alpha:
 *
 *     dev_t = x_t - x̄_t
 *     U_t = alpha · U_{t-1} + dev_t - delta      (increase statistic, U_0 = 0)
 *     L_t = alpha · L_{t-1} + dev_t + delta      (decrease statistic, L_0 = 0)
 *     m_t = min(+∞, U_1..U_t)                     M_t = max(-1, L_1..L_t)
 *
 * Once t >= minInstances the test reports a drift when U_t - m_t > threshold (mode 'up'),
 * when M_t - L_t > threshold (mode 'down'), or either ('both'). M starts at -1, not -∞,
 * as in River. There is no warning zone. State resets on the update after a drift.
 *
 * Input: real values. NaN and ±Infinity throw a RangeError and leave the state
 * untouched (input.ts).
 *
 * Example (River's docstring): with `rng = random.Random(12345)`, the stream
 * `rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)` fed to
 * `new PageHinkley()` reports a single drift, at index 1006 (input value 5).
 *
 * References: E. S. Page. "Continuous Inspection Schemes." Biometrika 41(1/2), 1954,
 * pp. 100-115. R. Sebastião and J. M. Fernandes. "Supporting the Page-Hinkley test with
 * empirical mode decomposition for change detection." ISMIS 2017, pp. 492-498.
 */
import type { DriftDetector } from './detector.js'
import { checkOption, requireFinite } from './input.js'

export type PageHinkleyMode = 'up' | 'down' | 'both'

export interface PageHinkleyOptions {
  /** Values needed before a drift can be flagged. River: 30. */
  readonly minInstances?: number
  /** Magnitude of change tolerated per step. River: 0.005. */
  readonly delta?: number
  /** Detection threshold λ. River: 50. */
  readonly threshold?: number
  /** Forgetting factor for the cumulative sums, in (0, 1]. River: 1 - 0.0001. */
  readonly alpha?: number
  /** Which direction of change in the mean to detect. River: 'both'. */
  readonly mode?: PageHinkleyMode
}

export class PageHinkley implements DriftDetector {
  readonly minInstances: number
  readonly delta: number
  readonly threshold: number
  readonly alpha: number
  readonly mode: PageHinkleyMode

  #drift = false
  #n = 0
  #mean = 0
  #sumIncrease = 0
  #sumDecrease = 0
  #minIncrease = Number.POSITIVE_INFINITY
  #maxDecrease = -1

  constructor(options: PageHinkleyOptions = {}) {
    this.minInstances = checkOption('PageHinkley', 'minInstances', options.minInstances ?? 30, 'nonNegativeInt')
    this.delta = checkOption('PageHinkley', 'delta', options.delta ?? 0.005, 'finite')
    this.threshold = checkOption('PageHinkley', 'threshold', options.threshold ?? 50, 'finite')
    this.alpha = checkOption('PageHinkley', 'alpha', options.alpha ?? 1 - 0.0001, 'fraction')
    const mode = options.mode ?? 'both'
    if (mode !== 'up' && mode !== 'down' && mode !== 'both') {
      throw new RangeError(`PageHinkley: option mode must be 'up', 'down' or 'both', got ${String(mode)}`)
    }
    this.mode = mode
  }

  get driftDetected(): boolean {
    return this.#drift
  }

  /** Running mean of all values since the last reset. */
  get mean(): number {
    return this.#mean
  }

  update(x: number): this {
    requireFinite('PageHinkley', x)
    if (this.#drift) this.#reset()

    this.#n += 1
    this.#mean += (1 / this.#n) * (x - this.#mean)
    const dev = x - this.#mean

    this.#sumIncrease = this.alpha * this.#sumIncrease + dev - this.delta
    this.#sumDecrease = this.alpha * this.#sumDecrease + dev + this.delta
    if (this.#sumIncrease < this.#minIncrease) this.#minIncrease = this.#sumIncrease
    if (this.#sumDecrease > this.#maxDecrease) this.#maxDecrease = this.#sumDecrease

    if (this.#n >= this.minInstances) {
      const up = this.#sumIncrease - this.#minIncrease > this.threshold
      const down = this.#maxDecrease - this.#sumDecrease > this.threshold
      this.#drift = this.mode === 'up' ? up : this.mode === 'down' ? down : up || down
    }
    return this
  }

  #reset(): void {
    this.#drift = false
    this.#n = 0
    this.#mean = 0
    this.#sumIncrease = 0
    this.#sumDecrease = 0
    this.#minIncrease = Number.POSITIVE_INFINITY
    this.#maxDecrease = -1
  }
}
