/**
 * KSWIN: Kolmogorov-Smirnov WINdowing (Raab, Heusinger & Schleif, 2020), as in River
 * 0.26.1 (`drift.KSWIN`).
 *
 * KSWIN keeps the last `windowSize` values Ψ. Once Ψ is full, every update takes
 *
 *     R = the newest `statSize` values of Ψ          (current concept)
 *     W = `statSize` values drawn uniformly without replacement from the
 *         older windowSize - statSize values of Ψ     (reference concept)
 *
 * and runs the two-sample KS test (scipy.stats.ks_2samp, two-sided, method 'auto'; here
 * ../drift/ks.ts, which reproduces it). It reports a drift when
 *
 *     pValue <= alpha  and  D > 0.1
 *
 * (the D > 0.1 guard is River's). State resets on the update after a drift: the window
 * empties and the default random source restarts from `seed`, as River re-creates
 * `random.Random(seed)`. River also replaces the window with R when it detects, but the
 * reset on the next update discards it, so that step is not observable and not ported.
 *
 * Randomness: W is drawn with CPython's `random.sample` pool algorithm (a partial
 * Fisher-Yates: for i = 0..k-1, j = ⌊u_i · (n - i)⌋, take pool[j], move pool[n-i-1] into
 * its place), where u_i come from `rng`. Inject `rng` for a custom source; by default it
 * is a seeded mulberry32. Given the same sampled indices, detections equal River's: the
 * unit test replays Python's Mersenne Twister through `rng` and matches River's indices.
 * River's default seed is None (OS entropy); ours is 0, since statistics here are
 * deterministic.
 *
 * Input: real values. NaN and ±Infinity throw a RangeError and leave the state
 * untouched (input.ts); the same holds for the initial `window`.
 *
 * Example (River's docstring): with `rng = random.Random(12345)`, the stream
 * `rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)` fed to River's
 * `KSWIN(alpha=0.0001, seed=42)` reports a single drift, at index 1016; `new Kswin({
 * alpha: 0.0001, rng })` with `rng` replaying `random.Random(42)` reports the same index.
 *
 * Reference: C. Raab, M. Heusinger, F.-M. Schleif. "Reactive Soft Prototype Computing for
 * Concept Drift Streams." Neurocomputing 416, 2020, pp. 340-351.
 */
import { ks } from '../drift/ks.js'
import type { DriftDetector } from './detector.js'
import { checkOption, requireFinite } from './input.js'

export interface KswinOptions {
  /** Significance level of the KS test; River advises < 0.01. River: 0.005. */
  readonly alpha?: number
  /** Size of the sliding window Ψ. River: 100. */
  readonly windowSize?: number
  /** Size of R and W; at most windowSize / 2 so W can be drawn. River: 30. */
  readonly statSize?: number
  /** Seed of the default random source (mulberry32). River: None; here 0. */
  readonly seed?: number
  /** Values already collected, oldest first, to avoid a cold start. Kept until the first reset. */
  readonly window?: readonly number[]
  /** Uniform random numbers in [0, 1). Not reset on drift. Default: mulberry32(seed), reset on drift. */
  readonly rng?: () => number
}

/** mulberry32: a small 32-bit PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Kswin implements DriftDetector {
  readonly alpha: number
  readonly windowSize: number
  readonly statSize: number
  readonly seed: number

  readonly #injectedRng: (() => number) | undefined
  #rng: () => number
  #drift = false
  #window: number[]
  #pValue = Number.NaN
  #statistic = Number.NaN

  constructor(options: KswinOptions = {}) {
    this.alpha = checkOption('Kswin', 'alpha', options.alpha ?? 0.005, 'fraction')
    this.windowSize = checkOption('Kswin', 'windowSize', options.windowSize ?? 100, 'positiveInt')
    this.statSize = checkOption('Kswin', 'statSize', options.statSize ?? 30, 'positiveInt')
    this.seed = checkOption('Kswin', 'seed', options.seed ?? 0, 'nonNegativeInt')
    if (2 * this.statSize > this.windowSize) {
      // River accepts this and then fails in random.sample on the first full window.
      throw new RangeError(
        `Kswin: option statSize (${this.statSize}) must be at most windowSize / 2 (${this.windowSize / 2})`,
      )
    }
    this.#injectedRng = options.rng
    this.#rng = options.rng ?? mulberry32(this.seed)
    const initial = (options.window ?? []).map((x) => requireFinite('Kswin', x))
    this.#window = initial.slice(-this.windowSize)
  }

  get driftDetected(): boolean {
    return this.#drift
  }

  /** p-value of the last KS test; NaN before the window first fills (River reports 0). */
  get pValue(): number {
    return this.#pValue
  }

  /** KS statistic D of the last test; NaN before the window first fills. */
  get statistic(): number {
    return this.#statistic
  }

  update(x: number): this {
    requireFinite('Kswin', x)
    if (this.#drift) this.#reset()

    this.#window.push(x)
    if (this.#window.length > this.windowSize) this.#window.shift()
    this.#drift = false
    if (this.#window.length < this.windowSize) return this

    const older = this.windowSize - this.statSize
    const reference = this.#sampleIndices(older, this.statSize).map((i) => this.#window[i]!)
    const current = this.#window.slice(older)
    const result = ks(reference, current)
    this.#statistic = result.score
    this.#pValue = result.pValue ?? Number.NaN
    this.#drift = this.#pValue <= this.alpha && this.#statistic > 0.1
    return this
  }

  /** k distinct indices from [0, n), CPython's random.sample pool algorithm. */
  #sampleIndices(n: number, k: number): number[] {
    const pool = Array.from({ length: n }, (_, i) => i)
    const out = new Array<number>(k)
    for (let i = 0; i < k; i += 1) {
      const u = this.#rng()
      if (!(u >= 0 && u < 1)) throw new RangeError(`Kswin: rng must return a number in [0, 1), got ${u}`)
      const j = Math.floor(u * (n - i))
      out[i] = pool[j]!
      pool[j] = pool[n - i - 1]!
    }
    return out
  }

  #reset(): void {
    this.#drift = false
    this.#window = []
    this.#pValue = Number.NaN
    this.#statistic = Number.NaN
    if (this.#injectedRng === undefined) this.#rng = mulberry32(this.seed)
  }
}
