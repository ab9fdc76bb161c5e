/**
 * The partial aggregate of one scope and partition: plain JSON (stored in partial_aggregates),
 * merged with the metric accumulators' own merge, so merging the partitions equals aggregating
 * the whole and 1 or N consumers give identical metrics. Most fields are counts; the float
 * sums (label delays, CBPE) depend on the order of addition in their last bits, so `mergeAll`
 * merges in partition order and the queries feed rows in a fixed order.
 */
import {
  cbpeAccumulator, confusionAccumulator, regressionAccumulator, scoreHistogramAccumulator,
  type CbpeState, type ConfusionState, type RegressionState, type ScoreHistogramState,
} from '../metrics/performance/index.js'
import { fairnessAccumulator, type GroupConfusionState } from '../metrics/fairness/index.js'
import { CATEGORICAL_MAX_UNIQUE, type Correction, type DriftThresholds } from '../metrics/drift/index.js'

export type Task = 'binary' | 'multiclass' | 'regression'

export interface LabelingContext {
  /** The model's task; default 'binary'. */
  readonly task?: Task
  /** Class that counts as positive (binary). */
  readonly positiveClass: string
  readonly protectedAttributes: readonly string[]
  readonly minGroupSize: number
  /** The model's per-feature drift settings (driftwatch.yaml `thresholds`); default none. */
  readonly thresholds?: DriftThresholds
  /** Adjustment of the window's feature p-values; default 'benjamini-hochberg'. */
  readonly correction?: Correction
}

export interface Partial {
  predictions: number
  byVariant: Record<string, number>
  missing: Record<string, number>
  /** Bin counts over the reference edges (length edges + 1), by column; __score__ is the score. */
  numeric: Record<string, number[]>
  /** Category counts by column; __class__ is the predicted class. */
  categorical: Record<string, Record<string, number>>
  /**
   * Numerical columns (features, __score__, __value__) with at most CATEGORICAL_MAX_UNIQUE (5)
   * distinct finite values: value (String(x)) → exact count; null: more than 5 values. A column
   * without values has no entry. Drift compares a column with few values as categories on these
   * counts (./drift-rows.ts). Absent (a partial built by hand, or stored before the field): not
   * counted, and drift falls back to the samples; merged with a counted partial it stays absent.
   */
  fewValues?: Record<string, Record<string, number> | null>
  labeled: number
  labelDelaySumS: number
  labelCounts: Record<string, number>
  /**
   * Realized-performance states by variant ('' = all variants): binary 0/1, multiclass class
   * labels. A binary state counts in `foldedMatches` its (0, 0) pairs whose class texts differ
   * (./partials.ts), for exact-match accuracy; a state stored before the field lacks it (0), and
   * the confusion merge sums it.
   */
  confusion: Record<string, ConfusionState>
  /** Regression states by variant ('' = all variants), from the SQL sums (./regression-partials.ts);
   *  absent unless the model is a regression (binary partials are stored exactly as before). */
  regression?: Record<string, RegressionState>
  ranking: Record<string, ScoreHistogramState>
  /** CBPE states by variant ('' = all variants), over every prediction with a score. */
  cbpe: Record<string, CbpeState>
  fairness: Record<string, GroupConfusionState>
  /** Numerical values compared with the reference range, and those outside it, by feature. */
  rangeChecked: Record<string, number>
  outOfRange: Record<string, number>
  /** Events by "evaluated/extreme" feature counts (./quality-rows.ts: per-event outlier score). */
  outliers: Record<string, number>
}

const confusion = confusionAccumulator()
const ranking = scoreHistogramAccumulator()
const cbpe = cbpeAccumulator()
const regression = regressionAccumulator()
export const fairness = (ctx: LabelingContext) => fairnessAccumulator({ minGroupSize: ctx.minGroupSize })

/**
 * A record keyed by data (feature names, category values, classes, variants) with no prototype:
 * a feature named `__proto__` or `constructor` is stored verbatim (src/store/rows.ts), and on `{}`
 * `categorical['__proto__'] ??= {}` yields Object.prototype, so the counts added to it polluted
 * every object of the process.
 */
export const dict = <V>(): Record<string, V> => Object.create(null) as Record<string, V>

export function emptyPartial(): Partial {
  return {
    predictions: 0, byVariant: dict(), missing: dict(), numeric: dict(), categorical: dict(), labeled: 0, labelDelaySumS: 0, labelCounts: dict(),
    confusion: dict(), ranking: dict(), cbpe: dict(), fairness: dict(), rangeChecked: dict(), outOfRange: dict(), outliers: dict(),
  }
}

export const add = (rec: Record<string, number>, k: string, n: number) => {
  rec[k] = (Object.hasOwn(rec, k) ? rec[k]! : 0) + n
}

/** Merged into a null-prototype record; JSON-parsed partials (own `__proto__` keys) merge the same way. */
function mergeRecords<S>(a: Record<string, S>, b: Record<string, S>, merge: (x: S, y: S) => S): Record<string, S> {
  const out = dict<S>()
  for (const [k, v] of Object.entries(a)) out[k] = v
  for (const [k, v] of Object.entries(b)) out[k] = Object.hasOwn(out, k) ? merge(out[k]!, v) : v
  return out
}

const sumCounts = (a: Record<string, number> = dict(), b: Record<string, number> = dict()) => mergeRecords(a, b, (x, y) => x + y)

/** A column's few values on two sides: more than CATEGORICAL_MAX_UNIQUE together, or on either side (null), is null. */
export function mergeFewValues(a: Record<string, number> | null, b: Record<string, number> | null): Record<string, number> | null {
  if (a === null || b === null) return null
  const merged = sumCounts(a, b)
  return Object.keys(merged).length > CATEGORICAL_MAX_UNIQUE ? null : merged
}

export function mergePartials(a: Partial, b: Partial, ctx: LabelingContext): Partial {
  return {
    predictions: a.predictions + b.predictions,
    byVariant: sumCounts(a.byVariant, b.byVariant),
    missing: sumCounts(a.missing, b.missing),
    numeric: mergeRecords(a.numeric, b.numeric, (x, y) => x.map((c, i) => c + (y[i] ?? 0))),
    categorical: mergeRecords(a.categorical, b.categorical, sumCounts),
    ...(a.fewValues && b.fewValues ? { fewValues: mergeRecords(a.fewValues, b.fewValues, mergeFewValues) } : {}),
    labeled: a.labeled + b.labeled,
    labelDelaySumS: a.labelDelaySumS + b.labelDelaySumS,
    labelCounts: sumCounts(a.labelCounts, b.labelCounts),
    confusion: mergeRecords(a.confusion, b.confusion, confusion.merge),
    ...(a.regression || b.regression ? { regression: mergeRecords(a.regression ?? dict(), b.regression ?? dict(), regression.merge) } : {}),
    ranking: mergeRecords(a.ranking, b.ranking, ranking.merge),
    cbpe: mergeRecords(a.cbpe, b.cbpe, cbpe.merge),
    fairness: mergeRecords(a.fairness, b.fairness, fairness(ctx).merge),
    // Partials stored before these fields existed lack them.
    rangeChecked: sumCounts(a.rangeChecked, b.rangeChecked),
    outOfRange: sumCounts(a.outOfRange, b.outOfRange),
    outliers: sumCounts(a.outliers, b.outliers),
  }
}

/**
 * Merges per-partition partials in partition order, from an empty partial whose few values are
 * counted (none): partitions that all counted theirs give the scope's.
 */
export function mergeAll(parts: ReadonlyMap<number, Partial>, ctx: LabelingContext): Partial {
  const identity: Partial = { ...emptyPartial(), fewValues: dict() }
  return [...parts.entries()].sort(([p], [q]) => p - q).reduce((acc, [, part]) => mergePartials(acc, part, ctx), identity)
}
