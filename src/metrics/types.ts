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
 *
 * One rule for all: `update` MUTATES `state` in place and returns that same object (no copy per
 * observation: the evaluator feeds millions). Callers that need the old state keep a merge of it
 * with `create()`. `merge` never mutates its arguments.
 *
 * `weight` is how many times `x` was observed, a finite count >= 0 (default 1; 0 changes
 * nothing): `update(s, x, n)` equals n calls of `update(s, x)`, exactly for counts and up to
 * floating-point rounding for sums. Counts that ClickHouse already aggregated go in as weights,
 * never replayed one by one (OpenTelemetry's bulk recording). A negative or non-finite
 * weight is a bug: RangeError (./weight.ts).
 */
export interface Accumulator<S, X, R> {
  create(): S
  update(state: S, x: X, weight?: number): S
  merge(a: S, b: S): S
  result(state: S): R
}
