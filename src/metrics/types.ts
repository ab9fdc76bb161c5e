/**
 * Shared shapes of metric results.
 *
 * A statistic measures; it never judges. It returns a score (and a p-value where the
 * statistic is a test), the method name and the parameters it actually used, so that a
 * stored row can say exactly how it was computed. Thresholds live in alert rules.
 */
export type ParamValue = number | string | boolean | null

export interface StatResult {
  /** Textbook name of the statistic, e.g. 'ks', 'psi', 'chi2'. */
  readonly method: string
  /** The statistic's value. NaN when it is undefined for the input (e.g. an empty sample). */
  readonly score: number
  /** Present only for hypothesis tests. */
  readonly pValue?: number
  /** The parameters used (bin count, epsilon, log base...). */
  readonly params: Readonly<Record<string, ParamValue>>
}

/**
 * A mergeable accumulator, after OpenTelemetry's Aggregator: windowed, partitioned
 * aggregation is built from these, so N consumers give the same answer as one.
 * `merge` must be associative and `merge(create(), a)` must equal `a`.
 */
export interface Accumulator<S, X, R> {
  create(): S
  update(state: S, x: X): S
  merge(a: S, b: S): S
  result(state: S): R
}
