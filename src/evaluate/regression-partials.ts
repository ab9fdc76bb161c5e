/**
 * Regression partials: per (partition, variant), sums over the joined pairs (prediction.value
 * vs the newest ground_truth.label_value) built inside ClickHouse, converted into a
 * regressionAccumulator state (src/metrics/performance/regression.ts) so partitions and
 * variants merge with its merge (Chan et al.), exactly like the confusion states.
 *
 *   n = valid pairs (both values finite); excluded = labeled pairs that are not valid
 *   meanTrue = Σy / n (non-finite when Σy leaves the float64 range: then y is constant, SS_tot
 *              exactly 0 by the range, or its values differ by at least an ulp of ~1e300 and
 *              SS_tot overflows too; the merge keeps either, ../metrics/performance/regression.ts)
 *   m2True   = Σ(y − ȳ)² = Σ(y − m)² − (Σ(y − m))²/n, m = Σy / n of the same (partition,
 *              variant) (a window function over the joined pairs): the corrected two-pass
 *              algorithm (Chan, Golub & LeVeque 1983, "Algorithms for computing the sample
 *              variance: analysis and recommendations"), exact for any m in exact
 *              arithmetic, the second term correcting m's rounding; exactly 0 when min y = max y
 *              (sklearn's constant-y convention for R², which regression.ts applies exactly)
 *   sumAbsoluteError = Σ|y − ŷ|, sumSquaredError = Σ(y − ŷ)²,
 *   sumAbsolutePercentageError = Σ|y − ŷ| / max(|y|, ε), ε = MAPE_EPSILON (float64 eps)
 * The sums use ClickHouse's sumKahan (compensated). m2True is not Σy² − n·ȳ², which loses
 * relative precision ≈ ε·ȳ²/var(y) (R² was garbage for a target of 1e9 ± 1), nor a one-pass
 * Welford update (varPopStable), whose error also grows with ȳ²/var(y) (relative 3.6e-4 for
 * 100 pairs of 1e13 + N(0, 1)); the deviations y − m of a target with a large offset are exact,
 * so the two-pass M2 of one (partition, variant) is accurate to a few ulps at any offset.
 * Across partitions and variants the states merge with Chan et al.'s pairwise formula
 * (../metrics/performance/regression.ts), which reads each part's mean as one float64: the
 * means' rounding (half an ulp of ȳ) enters SS_tot through δ²·na·nb/n, so a merged SS_tot at a
 * large offset keeps a relative error of order ulp(ȳ)/(σ·√n) (y = 1e13 + N(0, 1), 300 pairs
 * over 3 partitions: R² off by 1e-6 to 2e-5), where one part's is exact. An exact merge needs
 * each part's mean to more than one float64 (its rounding residual Σ(y − m)/n beside it).
 *
 * Wire format: every Float64 sum comes back as its IEEE 754 bit pattern (reinterpretAsUInt64,
 * a UInt64 the JSON output quotes as text), turned back with float64FromBits (./float-params.ts).
 * ClickHouse's JSON output writes inf and nan as null, which JavaScript arithmetic reads as 0
 * (an overflowed Σ(y − ŷ)² of errors ≈ 1e200 would read as rmse 0 and r2 0). With bit patterns
 * an overflowed sum stays non-finite, and the state says so: a non-finite sum of squares
 * of finite values (Σ(y − ŷ)², or the two-pass Σ(y − ȳ)², which can reach ∞ − ∞ on the way, as
 * can its m when Σy overflows) is one that exceeded the float64 range, +Infinity
 * (../metrics/performance/regression.ts), so rmse is
 * inf and r2 NaN or ±Infinity as scikit-learn computes them, never 0. So are Σ|y − ŷ| and the
 * MAPE sum (sums of non-negative terms: sumKahan turns an overflow into nan by ∞ − ∞).
 */
import { MAPE_EPSILON, type RegressionState } from '../metrics/performance/index.js'
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'
import { float64Bits, float64FromBits, float64Param } from './float-params.js'
import { scopedLabels, scopedPredictions, type Scope } from './scope.js'

/** The SQL sums of one (partition, variant). Counts come back from ClickHouse as strings. */
export interface RegressionSums {
  /** Valid pairs. */
  n: number | string
  /** Labeled pairs (label_value not NULL), valid or not. */
  labeled: number | string
  sum_y: number
  /** Σ(y − ȳ)² over the valid pairs. */
  m2_y: number
  min_y: number
  max_y: number
  sum_abs: number
  sum_sq: number
  sum_ape: number
}

export interface RegressionRow extends RegressionSums {
  p: number
  variant: string
  delay_s: number
}

/**
 * A regressionAccumulator state equal (up to rounding) to feeding the pairs one by one. It keeps
 * the range of y, so that merging parts of a constant target gives SS_tot = 0 exactly
 * (src/metrics/performance/regression.ts: parts' means Σy/n can differ by an ulp); a part with
 * no valid pair has none.
 */
export function regressionStateFromSums(s: RegressionSums): RegressionState {
  const n = Number(s.n)
  const excluded = Number(s.labeled) - n
  if (n === 0) return { n: 0, meanTrue: 0, m2True: 0, sumAbsoluteError: 0, sumSquaredError: 0, sumAbsolutePercentageError: 0, excluded }
  const meanTrue = s.sum_y / n
  // Sums of non-negative terms: non-finite (inf, or nan from sumKahan's ∞ − ∞) is an overflow, +Infinity.
  const nonNegative = (x: number) => (Number.isFinite(x) ? Math.max(0, x) : Infinity)
  // Constant y: exactly 0.
  const m2True = s.min_y === s.max_y ? 0 : nonNegative(s.m2_y)
  return {
    n, meanTrue, m2True, sumAbsoluteError: nonNegative(s.sum_abs), sumSquaredError: nonNegative(s.sum_sq),
    sumAbsolutePercentageError: nonNegative(s.sum_ape), excluded, minTrue: s.min_y, maxTrue: s.max_y,
  }
}

/** The same sums computed in JS (tests, and the definition the SQL below implements). */
export function regressionSums(pairs: readonly { yTrue: number; yPred: number }[]): RegressionSums {
  const s = { n: 0, labeled: pairs.length, sum_y: 0, m2_y: 0, min_y: Infinity, max_y: -Infinity, sum_abs: 0, sum_sq: 0, sum_ape: 0 }
  const valid = pairs.filter(({ yTrue, yPred }) => Number.isFinite(yTrue) && Number.isFinite(yPred))
  for (const { yTrue: y, yPred } of valid) {
    const e = Math.abs(y - yPred)
    s.n += 1
    s.sum_y += y
    s.min_y = Math.min(s.min_y, y)
    s.max_y = Math.max(s.max_y, y)
    s.sum_abs += e
    s.sum_sq += e * e
    s.sum_ape += e / Math.max(Math.abs(y), MAPE_EPSILON)
  }
  if (s.n === 0) return s
  // The corrected two-pass algorithm about m = Σy / n (see the header).
  const m = s.sum_y / s.n
  let squares = 0
  let deviations = 0
  for (const { yTrue: y } of valid) {
    squares += (y - m) * (y - m)
    deviations += y - m
  }
  s.m2_y = squares - (deviations * deviations) / s.n
  return s
}

/** The Float64 columns of the query, sent as bit patterns (see the header). */
const FLOAT_SUMS = ['sum_y', 'm2_y', 'min_y', 'max_y', 'sum_abs', 'sum_sq', 'sum_ape'] as const
type WireRow = Omit<RegressionRow, (typeof FLOAT_SUMS)[number]> & Record<(typeof FLOAT_SUMS)[number], string>

/** Per (partition, variant) regression sums of the joined predictions, and the label delays. */
export const regressionQuery = async (store: Store, scope: Scope): Promise<RegressionRow[]> => {
  const p = scopedPredictions(scope)
  const bits = (sql: string, name: (typeof FLOAT_SUMS)[number]) => `toString(reinterpretAsUInt64(toFloat64(${sql}))) AS ${name}`
  const result = await store.client.query({
    query: withDatabase(`SELECT p, variant, toString(count()) AS labeled, toString(countIf(ok)) AS n, sum(delay_ms) / 1000 AS delay_s,
                   ${bits('sumKahanIf(y, ok)', 'sum_y')}, ${bits('sumKahanIf((y - m) * (y - m), ok) - sumKahanIf(y - m, ok) * sumKahanIf(y - m, ok) / countIf(ok)', 'm2_y')},
                   ${bits('if(countIf(ok) = 0, 0, minIf(y, ok))', 'min_y')}, ${bits('if(countIf(ok) = 0, 0, maxIf(y, ok))', 'max_y')},
                   ${bits('sumKahanIf(abs(y - yhat), ok)', 'sum_abs')}, ${bits('sumKahanIf((y - yhat) * (y - yhat), ok)', 'sum_sq')},
                   ${bits(`sumKahanIf(abs(y - yhat) / greatest(abs(y), ${float64Param('eps')}), ok)`, 'sum_ape')}
            FROM (SELECT source_partition AS p, variant, ifNull(g.label_value, nan) AS y, ifNull(value, nan) AS yhat,
                         isFinite(y) AND isFinite(yhat) AS ok, greatest(0, dateDiff('millisecond', event_time, g.label_time)) AS delay_ms,
                         sumKahanIf(y, ok) OVER part / countIf(ok) OVER part AS m
                  FROM ${p.sql} AS pr
                  INNER JOIN ${scopedLabels(p.sql, 'prediction_id, label_value, label_time')} AS g USING prediction_id
                  WINDOW part AS (PARTITION BY p, variant))
            GROUP BY p, variant ORDER BY p, variant`, store.database),
    query_params: { ...p.params, eps: float64Bits(MAPE_EPSILON) },
    format: 'JSONEachRow',
  })
  const float = (text: string) => float64FromBits(BigInt(text))
  return (await result.json<WireRow>()).map((r) => ({
    ...r, sum_y: float(r.sum_y), m2_y: float(r.m2_y), min_y: float(r.min_y), max_y: float(r.max_y),
    sum_abs: float(r.sum_abs), sum_sq: float(r.sum_sq), sum_ape: float(r.sum_ape),
  }))
}
