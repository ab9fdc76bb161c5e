/**
 * What a "quality problem" is, defined once: the read API counts them per window (the headline's
 * quality_problems, src/read/windows.ts) and the window page lists them, both with these
 * functions. Pure and DOM-free, so the read module and the browser bundle both import it (as
 * ./chart-spec.ts).
 *
 * The rates (src/evaluate/quality-rows.ts) are of values that should not be there:
 * - missing_rate, new_category_rate: a problem above 0. A missing value or a category the
 *   reference never had is a finding whatever the sample sizes.
 * - out_of_range_rate, outlier_rate: a problem only when the count k = rate · n of the window's
 *   n values (events) is improbably high for data from the reference's own distribution:
 *   P(K >= k | no change) <= QUALITY_SIGNIFICANCE (0.001). Data like the reference puts some
 *   values outside its [min, max] and its [q_0.005, q_0.995] by chance (two samples of 200 from
 *   one distribution: some value out of range in 75% of windows), so "above 0" flagged nearly
 *   every healthy window. At 0.001 per rate, a healthy window of a 10-feature model shows a
 *   problem at most about once in 100 windows.
 *
 * The chance distribution. Under no change the reference's r values and the window's n values
 * are exchangeable. The share of the distribution a reference leaves outside its bounds is then
 * Beta(p0·(r+1), (1−p0)·(r+1)) distributed and, given it, each window value falls outside
 * independently, so K ~ BetaBinomial(n, p0·(r+1), (1−p0)·(r+1)):
 * - out of range: p0 = 2/(r+1) (the mass outside the smallest and the largest of r values is
 *   Beta(2, r−1)), exactly for continuous values. P(K >= k) has a closed form
 *   (outOfRangePValue); ties only make values out of range rarer, so the test stays valid.
 * - outliers (an event whose evaluated features are extreme in at least OUTLIER_THRESHOLD of
 *   them, src/metrics/quality/outlier-score.ts): a numerical value falls strictly outside the
 *   reference's numpy-'linear' [q_0.005, q_0.995] with probability about
 *   tail(r) = (0.01·(r−1) + 2)/(r+1) = 0.01 + 1.98/(r+1) (the expected share below the
 *   interpolated order statistic, each side); a category is extreme when rare (at most 1% of
 *   the reference) or new (new_category_rate flags those on their own). Whatever the
 *   dependence between features, P(outlier event) <= min(Σ_f tail(r_f), tail(r)/OUTLIER_THRESHOLD)
 *   over the d features with reference values, r_f each one's and r the fewest: at least one
 *   feature must be extreme (union bound), and the extreme share must reach the threshold
 *   (Markov: P(share >= t) <= E[share]/t). That is p0 (at most 1; min(d, 4) · tail(r) when the
 *   features have as many reference values), and r + 1 is the Beta's concentration, the most
 *   variable of the features'. The bound is loose for many independent features (their real
 *   rate is far lower): an outlier rate is flagged only when no dependence between features
 *   explains it.
 * The reference sizes are the window's feature drift rows' n_reference (values of the feature
 * in the reference). Without them (no such row) the reference is taken to be as large as the
 * window, as with the default reference, the previous window (for outliers: p0 = 4 · tail(n)).
 * A rate without its n cannot be judged and is not counted.
 * The outlier score's mean and max are figures, never problems.
 */
import binomcoefln from '@stdlib/math-base-special-binomcoefln'
import gammaln from '@stdlib/math-base-special-gammaln'
import { numeric, type FigureValue } from './figures.js'

export const QUALITY_PROBLEM_METRICS = ['missing_rate', 'out_of_range_rate', 'new_category_rate', 'outlier_rate'] as const

/** missing_rate and new_category_rate are problems above this. */
export const QUALITY_PROBLEM_ABOVE = 0

/** out_of_range_rate and outlier_rate are problems when their count has at most this chance under no change. */
export const QUALITY_SIGNIFICANCE = 0.001

/** src/metrics/quality/outlier-score.ts LOWER_QUANTILE, UPPER_QUANTILE and outlier-accumulator.ts OUTLIER_THRESHOLD (the test checks they agree). */
export const OUTLIER_TAIL_LEVELS = [0.005, 0.995] as const
export const OUTLIER_EVENT_THRESHOLD = 0.25

export interface QualityFigure {
  readonly feature: string
  readonly metric: string
  /** As the read API sends it: ±∞ as "Infinity" / "-Infinity" (./figures.ts numeric). */
  readonly value: FigureValue
  /** The rate's denominator (values, or scored events for outlier_rate). */
  readonly n?: number | null
}

/** A drift row's reference size: feature rows (target 'feature') give each feature's. */
export interface ReferenceCount {
  readonly target: string
  readonly column: string
  readonly n_reference: number
}

/**
 * P(K >= k) for the number K of n window values outside the [min, max] of r reference values,
 * all exchangeable (continuous values): BetaBinomial(n, 2, r − 1). Counting arrangements of
 * the r + n = N values, P(K = j) = (j+1)·C(N−j−2, r−2)/C(N, r), and the tail sums to
 *   P(K >= k) = C(n, k)/C(N, k) · ((k+1)·r + n − k)/(N − k).
 * r <= 1: every value is out of range by chance (1).
 */
export function outOfRangePValue(k: number, n: number, r: number): number {
  if (k <= 0) return 1
  if (k > n) return 0
  if (r <= 1) return 1
  const all = r + n
  return Math.min(1, Math.exp(binomcoefln(n, k) - binomcoefln(all, k)) * (((k + 1) * r + n - k) / (all - k)))
}

const lbeta = (a: number, b: number) => gammaln(a) + gammaln(b) - gammaln(a + b)

/**
 * P(K >= k) for K ~ BetaBinomial(n, a, b), a, b > 0 (scipy.stats.betabinom.sf(k − 1, n, a, b)).
 * Sums the probabilities on the short side of the mean, from k outwards, by the ratio
 * P(j+1)/P(j) = (n−j)/(j+1) · (j+a)/(n−j−1+b), stopping when a term no longer adds to the sum.
 */
export function betaBinomialUpperTail(k: number, n: number, a: number, b: number): number {
  if (k <= 0) return 1
  if (k > n) return 0
  const norm = lbeta(a, b)
  const pmf = (j: number) => Math.exp(binomcoefln(n, j) + lbeta(j + a, n - j + b) - norm)
  const next = (j: number) => ((n - j) / (j + 1)) * ((j + a) / (n - j - 1 + b))
  const upper = k > (n * a) / (a + b)
  let j = upper ? k : k - 1
  let term = pmf(j)
  let sum = 0
  for (;;) {
    sum += term
    if (term <= sum * 1e-17 || (upper ? j >= n : j <= 0)) break
    term = upper ? term * next(j) : term / next(j - 1)
    j += upper ? 1 : -1
  }
  return upper ? Math.min(1, sum) : Math.max(0, 1 - sum)
}

/** tail(r): the expected share of values a reference of r values leaves outside its outlier quantiles. */
export function outlierTailShare(r: number): number {
  const [low, high] = OUTLIER_TAIL_LEVELS
  return ((low + 1 - high) * (r - 1) + 2) / (r + 1)
}

/** The reference sizes the rule reads from a window's drift rows (its feature rows' n_reference). */
export interface ReferenceSizes {
  readonly byFeature: ReadonlyMap<string, number>
  /** The fewest values any feature has in the reference (r); null without a feature row. */
  readonly fewest: number | null
  /** Σ_f tail(r_f) over the features with reference values. */
  readonly tailSum: number
}

export function referenceSizes(drift: readonly ReferenceCount[]): ReferenceSizes {
  const byFeature = new Map(drift.filter((d) => d.target === 'feature' && d.n_reference > 0).map((d) => [d.column, d.n_reference]))
  const sizes = [...byFeature.values()]
  return { byFeature, fewest: sizes.length > 0 ? sizes.reduce((a, b) => Math.min(a, b)) : null, tailSum: sizes.reduce((s, r) => s + outlierTailShare(r), 0) }
}

/** The chance under no change of a rate at least this high (the module comment); null when there is nothing to judge. */
export function qualityProblemPValue(q: QualityFigure, drift: readonly ReferenceCount[]): number | null {
  return pValue(q, referenceSizes(drift))
}

function pValue(q: QualityFigure, sizes: ReferenceSizes): number | null {
  const value = numeric(q.value)
  const n = q.n ?? null
  if (value === null || !(value > 0) || n === null || !(n >= 1)) return null
  const k = Math.round(Math.min(value, 1) * n)
  if (q.metric === 'out_of_range_rate') return outOfRangePValue(k, n, sizes.byFeature.get(q.feature) ?? n)
  if (q.metric !== 'outlier_rate') return null
  const r = sizes.fewest ?? n
  const markov = outlierTailShare(r) / OUTLIER_EVENT_THRESHOLD
  const p0 = sizes.fewest === null ? markov : Math.min(sizes.tailSum, markov)
  return p0 >= 1 ? 1 : betaBinomialUpperTail(k, n, p0 * (r + 1), (1 - p0) * (r + 1))
}

function judge(q: QualityFigure, sizes: ReferenceSizes): boolean {
  if (!(QUALITY_PROBLEM_METRICS as readonly string[]).includes(q.metric)) return false
  if (q.metric === 'missing_rate' || q.metric === 'new_category_rate') {
    const value = numeric(q.value)
    return value !== null && value > QUALITY_PROBLEM_ABOVE
  }
  const p = pValue(q, sizes)
  return p !== null && p <= QUALITY_SIGNIFICANCE
}

/** `drift`: the window's drift rows (only their feature rows' n_reference is read). */
export function isQualityProblem(q: QualityFigure, drift: readonly ReferenceCount[]): boolean {
  return judge(q, referenceSizes(drift))
}

export function qualityProblems<Q extends QualityFigure>(rows: readonly Q[], drift: readonly ReferenceCount[]): Q[] {
  const sizes = referenceSizes(drift)
  return rows.filter((q) => judge(q, sizes))
}

/**
 * The per-event outlier figures (src/evaluate/quality-rows.ts): rows of feature '' over all
 * features of an event. A feature may itself be named '' (its missing rate is then a row of
 * feature '' too), so these are told apart by their metric, never by the empty name alone.
 */
export const WINDOW_WIDE_METRICS = ['outlier_rate', 'outlier_score_mean', 'outlier_score_max'] as const

/** A row over all features of an event (the outlier figures), not of one feature. */
export const isWindowWide = (q: { readonly feature: string; readonly metric: string }): boolean =>
  q.feature === '' && (WINDOW_WIDE_METRICS as readonly string[]).includes(q.metric)

/**
 * Features with a problem, and the per-event outlier rate as one more when it is one: the
 * headline's quality_problems. A feature named '' is a feature like any other.
 */
export function qualityProblemCount(rows: readonly QualityFigure[], drift: readonly ReferenceCount[]): number {
  return new Set(qualityProblems(rows, drift).map((q) => (isWindowWide(q) ? 'event' : `feature:${q.feature}`))).size
}

/** A quality row's feature as shown: "(all features)" for the per-event outlier figures, `""` for a feature named ''. */
export const qualityFeature = (q: { readonly feature: string; readonly metric: string }): string =>
  isWindowWide(q) ? '(all features)' : q.feature === '' ? '""' : q.feature
