/**
 * Reference profile of one numerical column.
 *
 *   min, max          over the finite values
 *   mean              np.mean, shifted and compensated (../stable-moments.ts)
 *   std               population standard deviation, ddof = 0 (np.std), corrected two-pass,
 *                     no digits lost to a large offset (../stable-moments.ts)
 *   quantiles         numpy 'linear' at PROFILE_QUANTILES (./quantiles.ts)
 *   binEdges/Counts   reference deciles and counts, ../drift/reference-bins.ts, the bins the
 *                     binned drift distances (PSI, Jensen–Shannon, Hellinger, KL) compare over
 *   values            frequency of each distinct value, kept only when there are at most
 *                     CATEGORICAL_MAX_UNIQUE (5) of them, so a column that drift treats as
 *                     categorical (../drift/select-method.ts) can be compared as such
 * Conventions: missing values (null, undefined, NaN) and type violations (see ./values.ts)
 * are counted and left out; ±Infinity is counted in `nonFinite` and left out of every
 * statistic. Undefined statistics (no finite value; std of one value is 0) are null, so the
 * profile is plain JSON. Reference values: numpy, scripts/reference/quality.py.
 */
import { binCounts, CATEGORICAL_MAX_UNIQUE, referenceBinEdges } from '../drift/index.js'
import { meanAndStd } from '../stable-moments.js'
import { PROFILE_QUANTILES, quantileSorted } from './quantiles.js'
import { checkCount } from '../weight.js'
import { type FeatureValue, readNumber } from './values.js'

export interface QuantileProfile {
  readonly levels: readonly number[]
  readonly values: readonly (number | null)[]
}

export interface NumericalProfile {
  readonly kind: 'numerical'
  /** Values seen, of any kind. */
  readonly count: number
  readonly missing: number
  readonly typeViolations: number
  /** ±Infinity values. */
  readonly nonFinite: number
  /** Finite values: the sample every statistic below describes. */
  readonly finite: number
  readonly nUnique: number
  readonly min: number | null
  readonly max: number | null
  readonly mean: number | null
  readonly std: number | null
  readonly quantiles: QuantileProfile
  readonly binEdges: readonly number[]
  readonly binCounts: readonly number[]
  /** Distinct value (as text, String(x)) → count; only when nUnique <= 5. */
  readonly values?: Readonly<Record<string, number>>
  /** At most `sampleSize` finite values, ascending; only when a sample size is given. */
  readonly sample?: readonly number[]
}

export interface NumericalProfileOptions {
  /** Keep a deterministic sample of at most this many finite values (see above). */
  readonly sampleSize?: number
}

export function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null
}

/**
 * `weights[i]`, when given, is how many times `column[i]` occurs (counts a database already
 * aggregated, e.g. one entry per distinct value): the profile of the column with each value
 * repeated that often, computed without building it as an array of values.
 */
export function numericalProfile(column: readonly FeatureValue[], options: NumericalProfileOptions = {}, weights?: readonly number[]): NumericalProfile {
  let count = 0
  let missing = 0
  let typeViolations = 0
  let nonFinite = 0
  let nFinite = 0
  for (let i = 0; i < column.length; i++) {
    const w = weights === undefined ? 1 : checkCount(weights[i] as number)
    count += w
    const r = readNumber(column[i])
    if (r.kind === 'missing') missing += w
    else if (r.kind === 'violation') typeViolations += w
    else if (Number.isFinite(r.value)) nFinite += w
    else nonFinite += w
  }
  // The finite values in column order, each repeated by its weight.
  const finite = new Float64Array(nFinite)
  let k = 0
  for (let i = 0; i < column.length; i++) {
    const v = column[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) continue
    const w = weights === undefined ? 1 : (weights[i] as number)
    finite.fill(v, k, k + w)
    k += w
  }
  // Counted columns come in ascending (-0 before +0): a copy, not a sort; the same array.
  const sorted = sortedAsFloat64Sort(finite) ? finite.slice() : Float64Array.from(finite).sort()
  const n = sorted.length
  // Summed in sorted order, so the profile does not depend on the order of the rows; shifted
  // and compensated, so a large offset costs no digits (../stable-moments.ts).
  const { mean, std } = meanAndStd(sorted)
  const nUnique = distinctCount(sorted)
  const edges = referenceBinEdges(finite)
  return {
    kind: 'numerical',
    count,
    missing,
    typeViolations,
    nonFinite,
    finite: n,
    nUnique,
    min: n === 0 ? null : (sorted[0] as number),
    max: n === 0 ? null : (sorted[n - 1] as number),
    mean: jsonNumber(mean),
    std: jsonNumber(std),
    quantiles: { levels: PROFILE_QUANTILES, values: PROFILE_QUANTILES.map((q) => jsonNumber(quantileSorted(sorted, q))) },
    binEdges: edges,
    binCounts: binCounts(edges, finite).counts,
    ...(nUnique <= CATEGORICAL_MAX_UNIQUE ? { values: Object.fromEntries(distinctCounts(sorted)) } : {}),
    ...(options.sampleSize === undefined ? {} : { sample: stratifiedSample(sorted, options.sampleSize) }),
  }
}

/** Whether xs is in the order a Float64Array sort leaves it: ascending, -0 before +0. */
function sortedAsFloat64Sort(xs: Float64Array): boolean {
  for (let i = 1; i < xs.length; i++) {
    const a = xs[i - 1] as number
    const b = xs[i] as number
    if (a > b || (a === 0 && b === 0 && Object.is(a, 0) && Object.is(b, -0))) return false
  }
  return true
}

/** All of `sorted` when it fits, else the m evenly spaced order statistics ⌊(2i + 1)·n / 2m⌋. */
export function stratifiedSample(sorted: ArrayLike<number>, m: number): number[] {
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`sampleSize must be an integer >= 1, got ${m}`)
  const n = sorted.length
  if (n <= m) return Array.from(sorted)
  return Array.from({ length: m }, (_, i) => sorted[Math.floor(((2 * i + 1) * n) / (2 * m))] as number)
}

/**
 * How many distinct values a sorted sample holds (runs of ===, so -0 and +0 are one), without
 * writing each as text: distinctCounts only runs when there are few (String(x) of 100k doubles
 * was the profile's largest cost).
 */
function distinctCount(sorted: Float64Array): number {
  let n = 0
  let previous = Number.NaN
  for (const x of sorted) {
    if (x !== previous) n++
    previous = x
  }
  return n
}

/** [String(value), count] per distinct value of a sorted sample, ascending. */
function distinctCounts(sorted: Float64Array): [string, number][] {
  const out: [string, number][] = []
  let previous = Number.NaN
  for (const x of sorted) {
    if (x === previous) (out[out.length - 1] as [string, number])[1] += 1
    else out.push([String(x), 1])
    previous = x
  }
  return out
}

/** The recorded quantile at `level` (one of PROFILE_QUANTILES), null if absent or undefined. */
export function profileQuantile(profile: NumericalProfile, level: number): number | null {
  const i = profile.quantiles.levels.indexOf(level)
  return i < 0 ? null : (profile.quantiles.values[i] ?? null)
}
