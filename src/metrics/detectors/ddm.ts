/**
 * DDM: Drift Detection Method (Gama et al., 2004), as in River 0.26.1 (`drift.binary.DDM`).
 *
 * DDM watches a learner's error rate, which should not increase while the concept is
 * stable (PAC premise). After i inputs,
 *
 *     p_i = running error rate,   s_i = sqrt(p_i · (1 - p_i) / i)   (Bernoulli std. error)
 *
 * Once i > warmStart, it keeps (p_min, s_min) from the update where p_i + s_i was smallest
 * (ties refresh them: `<=`), and reports
 *
 *     warning  if p_i + s_i > p_min + warningThreshold · s_min
 *     drift    if p_i + s_i > p_min + driftThreshold · s_min   (the warning flag then clears)
 *
 * Before i > warmStart neither flag is set. State resets on the update after a drift,
 * as in River. As in River, an all-correct warm-up gives s_min = 0, so the first error
 * after it is a drift (see the unit test).
 *
 * Input: binary. 1 (or true) = error, 0 (or false) = correct. Anything else, including
 * NaN and ±Infinity, throws a RangeError and leaves the state untouched (input.ts).
 *
 * Example (River's docstring): with `rng = random.Random(42)`, the stream
 * `rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])` fed to
 * `new Ddm()` first warns at index 1084 and detects a drift at index 1334.
 *
 * Snapshots: `toJSON()` is the whole state as plain JSON and `Ddm.fromJSON` restores it, so
 * a detector can stop and resume (the evaluator keeps one per model version in ClickHouse):
 * restoring and continuing gives the same flags as never stopping. NaN and +Infinity (no
 * minimum yet) are stored as null.
 *
 * Reference: J. Gama, P. Medas, G. Castillo, P. Rodrigues. "Learning with Drift
 * Detection." SBIA 2004, LNCS 3171, pp. 286-295.
 */
import type { DriftAndWarningDetector } from './detector.js'
import { checkOption, requireBit } from './input.js'

export interface DdmOptions {
  /** Inputs needed before a warning or a drift can be flagged. River: 30. */
  readonly warmStart?: number
  /** Warning when p + s exceeds p_min + this · s_min (≈95% confidence). River: 2. */
  readonly warningThreshold?: number
  /** Drift when p + s exceeds p_min + this · s_min (≈99% confidence). River: 3. */
  readonly driftThreshold?: number
}

export interface DdmSnapshot {
  readonly detector: 'ddm'
  readonly options: Required<DdmOptions>
  readonly drift: boolean
  readonly warning: boolean
  readonly n: number
  readonly p: number
  readonly pMin: number | null
  readonly sMin: number | null
  readonly psMin: number | null
}

export class Ddm implements DriftAndWarningDetector<number | boolean> {
  readonly warmStart: number
  readonly warningThreshold: number
  readonly driftThreshold: number

  #drift = false
  #warning = false
  #n = 0
  #p = 0
  #pMin = Number.NaN
  #sMin = Number.NaN
  #psMin = Number.POSITIVE_INFINITY

  constructor(options: DdmOptions = {}) {
    this.warmStart = checkOption('Ddm', 'warmStart', options.warmStart ?? 30, 'nonNegativeInt')
    this.warningThreshold = checkOption('Ddm', 'warningThreshold', options.warningThreshold ?? 2, 'finite')
    this.driftThreshold = checkOption('Ddm', 'driftThreshold', options.driftThreshold ?? 3, 'finite')
  }

  get driftDetected(): boolean {
    return this.#drift
  }

  get warningDetected(): boolean {
    return this.#warning
  }

  /** Running error rate p_i. */
  get errorRate(): number {
    return this.#p
  }

  update(x: number | boolean): this {
    const bit = requireBit('Ddm', x)
    if (this.#drift) this.#reset()

    // River's stats.Mean update, same operation order: mean += (1/n)·(x - mean).
    this.#n += 1
    this.#p += (1 / this.#n) * (bit - this.#p)
    const p = this.#p
    const s = Math.sqrt((p * (1 - p)) / this.#n)

    if (this.#n > this.warmStart) {
      if (p + s <= this.#psMin) {
        this.#pMin = p
        this.#sMin = s
        this.#psMin = this.#pMin + this.#sMin
      }
      this.#warning = p + s > this.#pMin + this.warningThreshold * this.#sMin
      if (p + s > this.#pMin + this.driftThreshold * this.#sMin) {
        this.#drift = true
        this.#warning = false
      }
    }
    return this
  }

  toJSON(): DdmSnapshot {
    const finite = (x: number) => (Number.isFinite(x) ? x : null)
    return {
      detector: 'ddm',
      options: { warmStart: this.warmStart, warningThreshold: this.warningThreshold, driftThreshold: this.driftThreshold },
      drift: this.#drift,
      warning: this.#warning,
      n: this.#n,
      p: this.#p,
      pMin: finite(this.#pMin),
      sMin: finite(this.#sMin),
      psMin: finite(this.#psMin),
    }
  }

  static fromJSON(s: DdmSnapshot): Ddm {
    if (s.detector !== 'ddm') throw new RangeError(`Ddm.fromJSON: not a DDM snapshot (${String(s.detector)})`)
    const d = new Ddm(s.options)
    d.#drift = s.drift
    d.#warning = s.warning
    d.#n = s.n
    d.#p = s.p
    d.#pMin = s.pMin ?? Number.NaN
    d.#sMin = s.sMin ?? Number.NaN
    d.#psMin = s.psMin ?? Number.POSITIVE_INFINITY
    return d
  }

  #reset(): void {
    this.#drift = false
    this.#warning = false
    this.#n = 0
    this.#p = 0
    this.#pMin = Number.NaN
    this.#sMin = Number.NaN
    this.#psMin = Number.POSITIVE_INFINITY
  }
}
