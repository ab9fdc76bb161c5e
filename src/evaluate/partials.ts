/**
 * Builds the partial aggregates of one scope (a window, or a reference period), one per Kafka
 * partition, from the per-partition rows the queries return (./queries.ts, and
 * ./quality-queries.ts when quality bounds are given). The state and its merge are in
 * ./partial-state.ts. `buildPartials` runs the queries; `partialsFromRows` is the pure part.
 *
 * A binary model's confusion is one-vs-rest: label and predicted class each the positive class
 * (1) or not (0), for precision, recall, F1, CBPE and fairness. Class texts are compared by their
 * key (./class-key.ts), as scikit-learn compares a bool column with an int one: `True`, `true`,
 * `1`, `1.0` and `01` are one class, `False` and `0` another; stored label counts keep the texts
 * as sent. The realized accuracy is the exact match of the two classes (sklearn accuracy_score),
 * so the confusion state also counts, in `foldedMatches`, the pairs read as (0, 0) whose classes
 * differ: a third class among the labels ("0" predicted for a label "2") is a true negative but no
 * correct prediction (./binary-realized.ts). A prediction sent without a class (a score only) and
 * predicted negative (score < 0.5) has no class to compare: against any label but the positive
 * class it counts as correct, the one-vs-rest reading. Every accuracy of the window reads the count: the
 * degradation rows' and the version comparison's (./concept-rows.ts, ./comparison.ts) from the
 * confusion state, and the fairness groups' from their own count of such pairs
 * (../metrics/fairness/group-confusion.ts `folded`).
 */
import { cbpeAccumulator, confusionAccumulator, regressionAccumulator, scoreHistogramAccumulator } from '../metrics/performance/index.js'
import { CATEGORICAL_MAX_UNIQUE } from '../metrics/drift/index.js'
import { DECISION_THRESHOLD } from '../metrics/profile/index.js'
import type { Store } from '../store/clickhouse.js'
import { classKey, classKeySql } from './class-key.js'
import { add, dict, emptyPartial, fairness, type LabelingContext, type Partial } from './partial-state.js'
import type { QualityBounds } from './quality-bounds.js'
import { outlierKey } from './quality-rows.js'
import { outlierQuery, rangeQuery } from './quality-queries.js'
import { categoryQuery, fewValuesQuery, joinedQuery, numericBinsQuery, scoreQuery, volumeQuery, type JoinedRow, type ScoreRow } from './queries.js'
import { regressionQuery, regressionStateFromSums, type RegressionRow } from './regression-partials.js'
import type { Scope } from './scope.js'

export { emptyPartial, mergeAll, mergePartials, type LabelingContext, type Partial } from './partial-state.js'

export interface PartialInputs {
  /** Reference bin edges by column (__score__: the score). */
  readonly edges: Map<string, number[]>
  /** Reference bounds for out-of-range and outlier counts; none for a reference's own partial. */
  readonly quality?: QualityBounds
}

const confusion = confusionAccumulator()
const ranking = scoreHistogramAccumulator()
const cbpe = cbpeAccumulator()
const regression = regressionAccumulator()

/** The rows the queries return for one scope (./queries.ts, ./quality-queries.ts, ./regression-partials.ts). */
export interface PartialRows {
  readonly volume: readonly Awaited<ReturnType<typeof volumeQuery>>[number][]
  readonly bins: readonly Awaited<ReturnType<typeof numericBinsQuery>>[number][]
  readonly cats: readonly Awaited<ReturnType<typeof categoryQuery>>[number][]
  /** The numerical columns' few values (./queries.ts fewValuesQuery); absent: not counted (partial-state.ts fewValues). */
  readonly few?: readonly Awaited<ReturnType<typeof fewValuesQuery>>[number][]
  readonly scores: readonly ScoreRow[]
  readonly joined: readonly JoinedRow[]
  readonly regressions: readonly RegressionRow[]
  readonly ranges: readonly Awaited<ReturnType<typeof rangeQuery>>[number][]
  readonly outliers: readonly Awaited<ReturnType<typeof outlierQuery>>[number][]
}

/**
 * Builds one partial per partition for a scope, inside ClickHouse. By the model's task:
 * binary — confusion 0/1, score histograms, CBPE, fairness; multiclass — confusion over the
 * class labels only; regression — regression states from SQL sums (./regression-partials.ts).
 *
 * A label without a class (a value only: regression's kind) is ground truth binary and
 * multiclass tasks cannot read: its prediction counts as labeled (`labeled`: the window's
 * label_coverage and label delay) and the pair is excluded from the metrics (the confusion
 * state's `excluded`), so a performance row's `n` counts the pairs the task reads, and its
 * label_coverage is n / predictions.
 */
export async function buildPartials(
  store: Store,
  scope: Scope,
  { edges, quality }: PartialInputs,
  ctx: LabelingContext,
  { withLabels }: { withLabels: boolean },
): Promise<Map<number, Partial>> {
  const task = ctx.task ?? 'binary'
  const [volume, bins, cats, few, scores, joined, regressions, ranges, outliers] = await Promise.all([
    volumeQuery(store, scope),
    numericBinsQuery(store, scope, edges, edges.get('__score__') ?? []),
    categoryQuery(store, scope),
    fewValuesQuery(store, scope),
    withLabels && task === 'binary' ? scoreQuery(store, scope) : Promise.resolve([]),
    withLabels && task !== 'regression' ? joinedQuery(store, scope, task === 'binary' ? ctx.protectedAttributes : []) : Promise.resolve([]),
    withLabels && task === 'regression' ? regressionQuery(store, scope) : Promise.resolve([]),
    quality ? rangeQuery(store, scope, quality) : Promise.resolve([]),
    quality ? outlierQuery(store, scope, quality) : Promise.resolve([]),
  ])
  return partialsFromRows({ volume, bins, cats, few, scores, joined, regressions, ranges, outliers }, edges, ctx)
}

/**
 * The binary predicted class of a prediction, one rule for realized metrics, CBPE, fairness and
 * the streaming detectors: its class_label compared with the positive class by key
 * (./class-key.ts: `True` is the positive class "1"); without a
 * class, score ≥ 0.5 (the score on the 1/1000 grid: the queries round it); with neither, null
 * (left out: counted as excluded). PREDICTED_POSITIVE_SQL below is the same rule in SQL.
 */
export function predictedPositive(pred: string | null, score: number | null, positiveClass: string): 0 | 1 | null {
  if (pred !== null) return classKey(pred) === classKey(positiveClass) ? 1 : 0
  if (score !== null) return score >= DECISION_THRESHOLD ? 1 : 0
  return null
}

/**
 * predictedPositive in SQL, for queries that derive the predicted class inside ClickHouse
 * (./detector-store.ts): Nullable(UInt8), 1, 0 or NULL (neither class nor score: leave the row
 * out). Reads the columns class_label and score and the parameter {pos:String}; rounds the
 * score to the 1/1000 grid as the TS rule's inputs are (./queries.ts).
 */
export const PREDICTED_POSITIVE_SQL = `multiIf(class_label IS NOT NULL,
  toUInt8(${classKeySql('assumeNotNull(class_label)')} = ${classKeySql('{pos:String}')}),
  score IS NOT NULL, toUInt8(round(assumeNotNull(score), 3) >= ${DECISION_THRESHOLD}), NULL)`

/**
 * The keys a row of `variant` counts under: '' (every variant) and its own. A row without a
 * variant counts once, under '' (ingest always sets one: the Avro enum; rows written by hand or by
 * a test may not).
 */
const scopesOf = (variant: string): readonly string[] => (variant === '' ? ALL_VARIANTS : ['', variant])
const ALL_VARIANTS: readonly string[] = ['']

/** The partials of the query rows (pure: ./partials.test.ts feeds it rows directly). */
export function partialsFromRows(rows: PartialRows, edges: ReadonlyMap<string, number[]>, ctx: LabelingContext): Map<number, Partial> {
  const parts = new Map<number, Partial>()
  const counted = rows.few !== undefined
  const part = (p: number) => parts.get(Number(p)) ?? parts.set(Number(p), counted ? { ...emptyPartial(), fewValues: dict() } : emptyPartial()).get(Number(p))!
  const scoreEdges = edges.get('__score__') ?? []
  const task = ctx.task ?? 'binary'
  for (const r of rows.volume) {
    const pt = part(r.p)
    // k null: the events themselves; any string, the feature '' too, is a feature's missing count.
    if (r.k === null) {
      pt.predictions += Number(r.c)
      add(pt.byVariant, r.variant, Number(r.c))
    } else add(pt.missing, r.k, Number(r.c))
  }
  for (const r of rows.bins) {
    const size = (r.k === '__score__' ? scoreEdges : edges.get(r.k) ?? []).length + 1
    const counts = (part(r.p).numeric[r.k] ??= new Array<number>(size).fill(0))
    counts[r.bin] = (counts[r.bin] ?? 0) + Number(r.c)
  }
  for (const r of rows.cats) add((part(r.p).categorical[r.k] ??= dict()), r.v, Number(r.c))
  for (const r of rows.few ?? []) {
    // A partition with more than CATEGORICAL_MAX_UNIQUE values of a column: so has the scope (null).
    const values = Number(r.d) > CATEGORICAL_MAX_UNIQUE ? null : dict<number>()
    if (values) for (const [x, c] of r.vc) add(values, String(Number(x)), Number(c))
    part(r.p).fewValues![r.k] = values
  }
  for (const r of rows.scores) {
    // CBPE's ŷ is the realized metrics' ŷ: the class the model sent, not a 0.5 cut of its score.
    const yPred = predictedPositive(r.pred, r.s, ctx.positiveClass)!
    for (const variant of scopesOf(r.variant)) {
      const pt = part(r.p)
      pt.cbpe[variant] = cbpe.update(pt.cbpe[variant] ?? cbpe.create(), { score: r.s, yPred }, Number(r.c))
    }
  }
  for (const r of rows.joined) (task === 'multiclass' ? addMulticlass : addJoined)(part(r.p), r, ctx)
  for (const r of rows.regressions) {
    const pt = part(r.p)
    pt.labeled += Number(r.labeled)
    pt.labelDelaySumS += r.delay_s
    const state = regressionStateFromSums(r)
    const states = (pt.regression ??= dict())
    for (const variant of scopesOf(r.variant)) states[variant] = states[variant] ? regression.merge(states[variant]!, state) : state
  }
  for (const r of rows.ranges) {
    add(part(r.p).rangeChecked, r.k, Number(r.checked))
    add(part(r.p).outOfRange, r.k, Number(r.out))
  }
  for (const r of rows.outliers) add(part(r.p).outliers, outlierKey(Number(r.evaluated), Number(r.extreme)), Number(r.c))
  return parts
}

/**
 * Multiclass: predicted class vs label class; a prediction without a class, or a label without
 * one (a value only), is labeled and excluded.
 */
function addMulticlass(pt: Partial, r: JoinedRow): void {
  const n = Number(r.c)
  if (r.attr !== '') return
  pt.labeled += n
  pt.labelDelaySumS += r.delay_s
  if (r.label !== null) add(pt.labelCounts, r.label, n)
  for (const variant of scopesOf(r.variant)) {
    const cm = (pt.confusion[variant] ??= confusion.create())
    if (r.pred === null || r.label === null) cm.excluded += n
    else confusion.update(cm, { yTrue: r.label, yPred: r.pred }, n)
  }
}

/**
 * Binary. attr = '': a labeled pair, into the confusion, ranking and label counts; a label
 * without a class (a value only) is labeled and excluded from the confusion, and reaches neither
 * the ranking nor the label counts; a (0, 0) pair whose class texts differ counts in the
 * confusion's `foldedMatches` too (the file header). A protected attribute's row: every
 * prediction of the group into its selection counts, and the ones labeled with a class into its
 * confusion counts too (../metrics/fairness/group-confusion.ts), a (0, 0) pair whose class texts
 * differ as `folded`.
 */
function addJoined(pt: Partial, r: JoinedRow, ctx: LabelingContext): void {
  const n = Number(r.c)
  const yPred = predictedPositive(r.pred, r.s, ctx.positiveClass)
  const labeled = Number(r.labeled ?? 1) === 1 && r.label !== null
  if (r.attr === '') {
    if (Number(r.labeled ?? 1) !== 1) return
    if (!labeled) {
      pt.labeled += n
      pt.labelDelaySumS += r.delay_s
      for (const variant of scopesOf(r.variant)) (pt.confusion[variant] ??= confusion.create()).excluded += n
      return
    }
    const yTrue = isPositive(r.label!, ctx)
    const folded = foldedPair(r, yTrue, yPred)
    pt.labeled += n
    pt.labelDelaySumS += r.delay_s
    add(pt.labelCounts, r.label!, n)
    for (const variant of scopesOf(r.variant)) {
      const cm = (pt.confusion[variant] ??= confusion.create())
      if (yPred === null) cm.excluded += n
      else confusion.update(cm, { yTrue, yPred }, n)
      if (folded) cm.foldedMatches = (cm.foldedMatches ?? 0) + n
      const rk = pt.ranking[variant] ?? ranking.create()
      pt.ranking[variant] = r.s !== null ? ranking.update(rk, { yTrue, score: r.s }, n) : rk
    }
    return
  }
  const acc = fairness(ctx)
  const state = pt.fairness[r.attr] ?? acc.create()
  if (yPred === null) state.excluded += n
  else {
    const yTrue = labeled ? isPositive(r.label!, ctx) : null
    const folded = yTrue !== null && foldedPair(r, yTrue, yPred)
    acc.update(state, { group: r.grp, yTrue, yPred, ...(labeled && r.s !== null ? { score: r.s } : {}), ...(folded ? { folded } : {}) }, n)
  }
  pt.fairness[r.attr] = state
}

/** A label class is the positive class: compared by key (./class-key.ts), as predictedPositive. */
const isPositive = (label: string, ctx: LabelingContext): 0 | 1 => (classKey(label) === classKey(ctx.positiveClass) ? 1 : 0)

/** One-vs-rest TN, yet no exact match ("0" for a "2", by key); a score-only prediction has no class to compare. */
const foldedPair = (r: JoinedRow, yTrue: 0 | 1, yPred: 0 | 1 | null): boolean =>
  yPred === 0 && yTrue === 0 && r.pred !== null && r.label !== null && classKey(r.pred) !== classKey(r.label)
