/**
 * Builds the partial aggregates of one scope (a window, or a reference period), one per Kafka
 * partition, from the per-partition rows the queries return (./queries.ts, and
 * ./quality-queries.ts when quality bounds are given). The state and its merge are in
 * ./partial-state.ts.
 */
import { cbpeAccumulator, confusionAccumulator, regressionAccumulator, scoreHistogramAccumulator } from '../metrics/performance/index.js'
import type { Store } from '../store/clickhouse.js'
import { add, dict, emptyPartial, fairness, type LabelingContext, type Partial } from './partial-state.js'
import type { QualityBounds } from './quality-bounds.js'
import { outlierKey } from './quality-rows.js'
import { outlierQuery, rangeQuery } from './quality-queries.js'
import { categoryQuery, joinedQuery, numericBinsQuery, scoreQuery, volumeQuery } from './queries.js'
import { regressionQuery, regressionStateFromSums } from './regression-partials.js'
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

/**
 * Builds one partial per partition for a scope, inside ClickHouse. By the model's task:
 * binary — confusion 0/1, score histograms, CBPE, fairness; multiclass — confusion over the
 * class labels only; regression — regression states from SQL sums (./regression-partials.ts).
 */
export async function buildPartials(
  store: Store,
  scope: Scope,
  { edges, quality }: PartialInputs,
  ctx: LabelingContext,
  { withLabels }: { withLabels: boolean },
): Promise<Map<number, Partial>> {
  const parts = new Map<number, Partial>()
  const part = (p: number) => parts.get(Number(p)) ?? parts.set(Number(p), emptyPartial()).get(Number(p))!
  const scoreEdges = edges.get('__score__') ?? []
  const task = ctx.task ?? 'binary'
  const [volume, bins, cats, scores, joined, regressions, ranges, outliers] = await Promise.all([
    volumeQuery(store, scope),
    numericBinsQuery(store, scope, edges, scoreEdges),
    categoryQuery(store, scope),
    withLabels && task === 'binary' ? scoreQuery(store, scope) : Promise.resolve([]),
    withLabels && task !== 'regression' ? joinedQuery(store, scope, task === 'binary' ? ctx.protectedAttributes : []) : Promise.resolve([]),
    withLabels && task === 'regression' ? regressionQuery(store, scope) : Promise.resolve([]),
    quality ? rangeQuery(store, scope, quality) : Promise.resolve([]),
    quality ? outlierQuery(store, scope, quality) : Promise.resolve([]),
  ])
  for (const r of volume) {
    const pt = part(r.p)
    if (r.k === '') {
      pt.predictions += Number(r.c)
      add(pt.byVariant, r.variant, Number(r.c))
    } else add(pt.missing, r.k, Number(r.c))
  }
  for (const r of bins) {
    const size = (r.k === '__score__' ? scoreEdges : edges.get(r.k) ?? []).length + 1
    const counts = (part(r.p).numeric[r.k] ??= new Array<number>(size).fill(0))
    counts[r.bin] = (counts[r.bin] ?? 0) + Number(r.c)
  }
  for (const r of cats) add((part(r.p).categorical[r.k] ??= dict()), r.v, Number(r.c))
  for (const r of scores) {
    for (const variant of ['', r.variant]) {
      const pt = part(r.p)
      pt.cbpe[variant] = cbpe.update(pt.cbpe[variant] ?? cbpe.create(), { score: r.s }, Number(r.c))
    }
  }
  for (const r of joined) (task === 'multiclass' ? addMulticlass : addJoined)(part(r.p), r, ctx)
  for (const r of regressions) {
    const pt = part(r.p)
    pt.labeled += Number(r.labeled)
    pt.labelDelaySumS += r.delay_s
    const state = regressionStateFromSums(r)
    const states = (pt.regression ??= dict())
    for (const variant of ['', r.variant]) states[variant] = states[variant] ? regression.merge(states[variant]!, state) : state
  }
  for (const r of ranges) {
    add(part(r.p).rangeChecked, r.k, Number(r.checked))
    add(part(r.p).outOfRange, r.k, Number(r.out))
  }
  for (const r of outliers) add(part(r.p).outliers, outlierKey(Number(r.evaluated), Number(r.extreme)), Number(r.c))
  return parts
}

type Joined = Awaited<ReturnType<typeof joinedQuery>>[number]

/** Multiclass: predicted class vs label class; a prediction without a class is excluded. */
function addMulticlass(pt: Partial, r: Joined): void {
  const n = Number(r.c)
  if (r.label === null || r.attr !== '') return
  pt.labeled += n
  pt.labelDelaySumS += r.delay_s
  add(pt.labelCounts, r.label, n)
  for (const variant of ['', r.variant]) {
    const cm = (pt.confusion[variant] ??= confusion.create())
    if (r.pred === null) cm.excluded += n
    else confusion.update(cm, { yTrue: r.label, yPred: r.pred }, n)
  }
}

function addJoined(pt: Partial, r: Awaited<ReturnType<typeof joinedQuery>>[number], ctx: LabelingContext): void {
  const n = Number(r.c)
  if (r.label === null) return
  const yTrue = r.label === ctx.positiveClass ? 1 : 0
  const yPred = r.pred !== null ? (r.pred === ctx.positiveClass ? 1 : 0) : r.s !== null && r.s >= 0.5 ? 1 : 0
  if (r.attr === '') {
    pt.labeled += n
    pt.labelDelaySumS += r.delay_s
    add(pt.labelCounts, r.label, n)
    for (const variant of ['', r.variant]) {
      pt.confusion[variant] = confusion.update(pt.confusion[variant] ?? confusion.create(), { yTrue, yPred }, n)
      const rk = pt.ranking[variant] ?? ranking.create()
      pt.ranking[variant] = r.s !== null ? ranking.update(rk, { yTrue, score: r.s }, n) : rk
    }
    return
  }
  const acc = fairness(ctx)
  pt.fairness[r.attr] = acc.update(pt.fairness[r.attr] ?? acc.create(), { group: r.grp, yTrue, yPred, ...(r.s !== null ? { score: r.s } : {}) }, n)
}
