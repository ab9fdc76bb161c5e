/**
 * What the stream's data-quality checks compare a window with, taken from the reference: per
 * numerical feature its range [min, max] (out-of-range rate) and its tail quantiles
 * [q_0.005, q_0.995], and per categorical feature its usual categories, those neither unseen
 * nor among the rarest that hold at most 1% of the reference (outlier score). The definitions
 * are src/metrics/quality's (feature-quality.ts, outlier-score.ts); the bounds are computed
 * here from the reference's stored rows or from a stored profile, and the counting happens in
 * ClickHouse (./quality-queries.ts). Pure.
 *
 * Tail quantiles are numpy 'linear' quantiles computed exactly: ClickHouse returns the two
 * order statistics around the quantile's virtual index and quantileSorted interpolates them with
 * the profile's own arithmetic, so the bounds equal profileQuantile's to the bit.
 */
import { LOWER_QUANTILE, rareCategories, UPPER_QUANTILE } from '../metrics/quality/index.js'
import { profileQuantile, quantileSorted, type ReferenceProfile } from '../metrics/profile/index.js'
import { float64MapBits } from './float-params.js'
import type { EdgeRow } from './queries.js'

export interface QualityBounds {
  /** Numerical features: [min, max] of the reference's finite values. */
  readonly ranges: Readonly<Record<string, readonly [number, number]>>
  /** Numerical features: [q_0.005, q_0.995]; a value strictly outside is extreme. */
  readonly tails: Readonly<Record<string, readonly [number, number]>>
  /** Categorical features: the reference's categories that are neither unseen nor rare. */
  readonly usual: Readonly<Record<string, readonly string[]>>
}

export const NO_BOUNDS: QualityBounds = { ranges: {}, tails: {}, usual: {} }

const RESERVED = new Set(['__score__', '__class__', '__value__'])

/** The `level` quantile of n sorted values, given the two order statistics it lies between. */
export function quantileFromNeighbours(n: number, level: number, below: number, above: number): number {
  const i = Math.min(Math.floor(level * (n - 1)), n - 1)
  const sparse: ArrayLike<number> = { length: n, [i]: below, [Math.min(i + 1, n - 1)]: above }
  return quantileSorted(sparse, level)
}

function usualCategories(counts: Readonly<Record<string, number>>): string[] {
  const rare = rareCategories(counts)
  return Object.keys(counts).filter((c) => (counts[c] ?? 0) > 0 && !rare.has(c)).sort()
}

/** Bounds from the reference's edge rows and its categorical counts (stored-data references). */
export function boundsFromEdges(rows: readonly EdgeRow[], categorical: Readonly<Record<string, Readonly<Record<string, number>>>>): QualityBounds {
  const ranges: Record<string, [number, number]> = {}
  const tails: Record<string, [number, number]> = {}
  for (const r of rows) {
    const n = Number(r.n)
    if (RESERVED.has(r.k) || n === 0) continue
    const [l1, l2, h1, h2] = r.tails as [number, number, number, number]
    ranges[r.k] = [r.lo, r.hi]
    tails[r.k] = [quantileFromNeighbours(n, LOWER_QUANTILE, l1, l2), quantileFromNeighbours(n, UPPER_QUANTILE, h1, h2)]
  }
  const usual: Record<string, string[]> = {}
  for (const [k, counts] of Object.entries(categorical)) {
    // A feature seen as a number in the reference is numerical: its strings are type violations.
    if (RESERVED.has(k) || k in tails || Object.values(counts).every((c) => c === 0)) continue
    usual[k] = usualCategories(counts)
  }
  return { ranges, tails, usual }
}

/** Bounds from a stored profile (baseline references). */
export function boundsFromProfile(profile: ReferenceProfile): QualityBounds {
  const ranges: Record<string, [number, number]> = {}
  const tails: Record<string, [number, number]> = {}
  const usual: Record<string, string[]> = {}
  for (const [k, f] of Object.entries(profile.features)) {
    if (f.kind === 'numerical') {
      if (f.min !== null && f.max !== null) ranges[k] = [f.min, f.max]
      const low = profileQuantile(f, LOWER_QUANTILE)
      const high = profileQuantile(f, UPPER_QUANTILE)
      if (low !== null && high !== null) tails[k] = [low, high]
    } else if (f.count - f.missing - f.typeViolations > 0) usual[k] = usualCategories(f.categories)
  }
  return { ranges, tails, usual }
}

/** ClickHouse query parameters of ./quality-queries.ts's outlier query; the tails as bit patterns (./float-params.ts). */
export function boundsParams(b: QualityBounds) {
  const pick = (rec: Readonly<Record<string, readonly [number, number]>>, i: 0 | 1) => float64MapBits(Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, v[i]])))
  return { tailLo: pick(b.tails, 0), tailHi: pick(b.tails, 1), usual: b.usual }
}
