/**
 * EDDM: Early Drift Detection Method (Baena-García et al., 2006), as in River 0.26.1
 * (`drift.binary.EDDM`).
 *
 * EDDM tracks the distance (in inputs) between consecutive errors rather than the error
 * rate, which reacts earlier to gradual drift. On every error it updates the running mean
 * p' and sample standard deviation s' (Welford, ddof = 1; s' = 0 after one distance) of
 * those distances. The first distance is counted from input 0, i.e. it is the 1-based
 * index of the first error. Once more than `warmStart` inputs have been seen, it keeps the
 * largest p' + 2s' so far, M. When p' + 2s' does not set a new maximum and more than
 * `warmStart` errors have been seen:
 *
 *     level = (p' + 2s') / M
 *     drift    if level < beta
 *     warning  if beta <= level < alpha;  cleared if level >= alpha
 *
 * Correct inputs (0) only advance the input counter; flags change only on errors, and a
 * drift does not clear the warning flag (River). State resets on the update after a
 * drift.
 *
 * Input: binary. 1 (or true) = error, 0 (or false) = correct. Anything else, including
 * NaN and ±Infinity, throws a RangeError and leaves the state untouched (input.ts).
 *
 * Example (River's docstring): with `rng = random.Random(42)`, the stream
 * `rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])` fed to
 * `new Eddm({ alpha: 0.8, beta: 0.75 })` first warns at index 1059 and detects a drift at
 * index 1278.
 *
 * Reference: M. Baena-García, J. del Campo-Ávila, R. Fidalgo, A. Bifet, R. Gavaldà,
 * R. Morales-Bueno. "Early Drift Detection Method." Fourth International Workshop on
 * Knowledge Discovery from Data Streams, 2006.
 */
import type { DriftAndWarningDetector } from './detector.js'
import { checkOption, requireBit } from './input.js'

export interface EddmOptions {
  /** Inputs, and errors, needed before a warning or drift can be flagged. River: 30. */
  readonly warmStart?: number
  /** Warning threshold on the level; must be >= beta. River: 0.95. */
  readonly alpha?: number
  /** Drift threshold on the level. River: 0.9. */
  readonly beta?: number
}

export class Eddm implements DriftAndWarningDetector<number | boolean> {
  readonly warmStart: number
  readonly alpha: number
  readonly beta: number

  #drift = false
  #warning = false
  #n = 0
  #lastError = 0
  #nErrors = 0
  // Welford state of the distances between errors (River's stats.Var, ddof = 1).
  #count = 0
  #mean = 0
  #m2 = 0
  #p2sMax = -1

  constructor(options: EddmOptions = {}) {
    this.warmStart = checkOption('Eddm', 'warmStart', options.warmStart ?? 30, 'nonNegativeInt')
    this.alpha = checkOption('Eddm', 'alpha', options.alpha ?? 0.95, 'finite')
    this.beta = checkOption('Eddm', 'beta', options.beta ?? 0.9, 'finite')
    if (this.alpha < this.beta) {
      throw new RangeError(`Eddm: option alpha (${this.alpha}) must be >= beta (${this.beta})`)
    }
  }

  get driftDetected(): boolean {
    return this.#drift
  }

  get warningDetected(): boolean {
    return this.#warning
  }

  update(x: number | boolean): this {
    const bit = requireBit('Eddm', x)
    if (this.#drift) this.#reset()

    this.#n += 1
    if (bit === 1) {
      this.#nErrors += 1
      this.#addDistance(this.#n - this.#lastError)
      if (this.#n > this.warmStart) {
        const variance = this.#count > 1 ? this.#m2 / (this.#count - 1) : 0
        const p2s = this.#mean + 2 * Math.sqrt(variance)
        if (p2s > this.#p2sMax) {
          this.#p2sMax = p2s
        } else if (this.#nErrors > this.warmStart) {
          const level = p2s / this.#p2sMax
          if (level < this.beta) this.#drift = true
          else this.#warning = level < this.alpha
        }
      }
      this.#lastError = this.#n
    }
    return this
  }

  /** River's stats.Var.update, same operation order. */
  #addDistance(d: number): void {
    const old = this.#mean
    this.#count += 1
    this.#mean += (1 / this.#count) * (d - this.#mean)
    this.#m2 += (d - old) * (d - this.#mean)
  }

  #reset(): void {
    this.#drift = false
    this.#warning = false
    this.#n = 0
    this.#lastError = 0
    this.#nErrors = 0
    this.#count = 0
    this.#mean = 0
    this.#m2 = 0
    this.#p2sMax = -1
  }
}
