/**
 * Per-event outlier score against the reference profile: the share of the event's features
 * that fall in the reference's 1% tails.
 *
 *   score = extreme / evaluated ∈ [0, 1]
 *
 * A feature is evaluated when it has a well-typed, non-missing value (../profile/values.ts)
 * and the reference has values to compare with. It is extreme when
 * - numerical: x < q_0.005 or x > q_0.995 of the reference (numpy 'linear' quantiles,
 *   ../profile/quantiles.ts), strictly, so ties at the quantiles are not extreme; ±Infinity
 *   is always extreme;
 * - categorical: its category is unseen in the reference, or one of the reference's rarest
 *   categories that together hold at most TAIL_MASS (1%) of the reference values (categories
 *   taken by ascending count, then code-unit order).
 * Both rules mark at most about 1% of a feature's reference values as extreme (less with ties
 * at the quantiles, or when no category is that rare), so under the reference an event's score
 * averages at most about 0.01 whatever the mix of feature kinds, and its mean over a window
 * reads as "the share of feature values in the reference's 1% tails". Missing values
 * and type violations are data-quality findings (./feature-quality.ts), not outliers: they
 * are not evaluated. An event with no evaluated feature has score NaN.
 *
 * Why not a robust z-score (|x − median| / (1.4826·MAD)): MAD is 0 for sparse and
 * zero-inflated features, which makes every non-median value infinitely far; quantile tails
 * need no scale and treat skewed features and categories alike.
 */
import {
  compareText,
  type FeatureProfile,
  type FeatureValue,
  profileQuantile,
  readCategory,
  readNumber,
  type ReferenceProfile,
  type Row,
} from '../profile/index.js'

export const TAIL_MASS = 0.01
export const LOWER_QUANTILE = 0.005
export const UPPER_QUANTILE = 0.995

export interface OutlierScore {
  readonly score: number
  readonly evaluated: number
  readonly extreme: number
  /** The features found extreme, in profile order. */
  readonly features: readonly string[]
}

/** true: extreme, false: not, null: not evaluated. */
export type FeatureCheck = (value: FeatureValue) => boolean | null

/** One feature's part of the score: outlierScorer applies it to each feature of a row. */
export function featureCheck(reference: FeatureProfile): FeatureCheck {
  if (reference.kind === 'numerical') {
    const low = profileQuantile(reference, LOWER_QUANTILE)
    const high = profileQuantile(reference, UPPER_QUANTILE)
    return (value) => {
      const r = readNumber(value)
      if (r.kind !== 'value' || low === null || high === null) return null
      return r.value < low || r.value > high
    }
  }
  const rare = rareCategories(reference.categories)
  const empty = reference.count - reference.missing - reference.typeViolations === 0
  return (value) => {
    const r = readCategory(value)
    if (r.kind !== 'value' || empty) return null
    return !Object.hasOwn(reference.categories, r.value) || rare.has(r.value)
  }
}

/** The rarest categories whose counts add up to at most TAIL_MASS of the total. */
export function rareCategories(categories: Readonly<Record<string, number>>): Set<string> {
  const entries = Object.entries(categories).sort(([a, ca], [b, cb]) => ca - cb || compareText(a, b))
  const total = entries.reduce((s, [, c]) => s + c, 0)
  const rare = new Set<string>()
  let cumulative = 0
  for (const [k, c] of entries) {
    cumulative += c
    if (cumulative > TAIL_MASS * total) break
    rare.add(k)
  }
  return rare
}

/** Builds the scorer once per profile (rare sets, tail quantiles), then scores rows. */
export function outlierScorer(profile: Pick<ReferenceProfile, 'features'>): (row: Row) => OutlierScore {
  const checks = Object.entries(profile.features).map(([name, f]) => [name, featureCheck(f)] as const)
  return (row) => {
    let evaluated = 0
    const features: string[] = []
    for (const [name, check] of checks) {
      const extreme = check(Object.hasOwn(row, name) ? row[name] : undefined)
      if (extreme === null) continue
      evaluated++
      if (extreme) features.push(name)
    }
    return { score: evaluated === 0 ? Number.NaN : features.length / evaluated, evaluated, extreme: features.length, features }
  }
}
