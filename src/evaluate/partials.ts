/**
 * Partial aggregates of one scope (a window, or a reference period), one per Kafka partition,
 * built from the per-partition rows the queries return, and merged with the metric
 * accumulators' own merge: merging the partitions equals aggregating the whole, so 1 or N
 * consumers give identical metrics. States are plain JSON, stored in partial_aggregates.
 */
import { cbpeAccumulator, confusionAccumulator, scoreHistogramAccumulator, type CbpeState, type ConfusionState, type ScoreHistogramState } from '../metrics/performance/index.js'
import { fairnessAccumulator, type GroupConfusionState } from '../metrics/fairness/index.js'
import type { Store } from '../store/clickhouse.js'
import { categoryQuery, joinedQuery, numericBinsQuery, scoreQuery, volumeQuery } from './queries.js'
import type { Scope } from './scope.js'

export interface LabelingContext {
  /** Class that counts as positive (binary). */
  readonly positiveClass: string
  readonly protectedAttributes: readonly string[]
  readonly minGroupSize: number
}

export interface Partial {
  predictions: number
  byVariant: Record<string, number>
  missing: Record<string, number>
  /** Bin counts over the reference edges (length edges + 1), by column; __score__ is the score. */
  numeric: Record<string, number[]>
  /** Category counts by column; __class__ is the predicted class. */
  categorical: Record<string, Record<string, number>>
  labeled: number
  labelDelaySumS: number
  labelCounts: Record<string, number>
  /** Realized-performance states by variant ('' = all variants). */
  confusion: Record<string, ConfusionState>
  ranking: Record<string, ScoreHistogramState>
  /** CBPE states by variant ('' = all variants), over every prediction with a score. */
  cbpe: Record<string, CbpeState>
  fairness: Record<string, GroupConfusionState>
}

const confusion = confusionAccumulator()
const ranking = scoreHistogramAccumulator()
const cbpe = cbpeAccumulator()
const fairness = (ctx: LabelingContext) => fairnessAccumulator({ minGroupSize: ctx.minGroupSize })

export function emptyPartial(): Partial {
  return { predictions: 0, byVariant: {}, missing: {}, numeric: {}, categorical: {}, labeled: 0, labelDelaySumS: 0, labelCounts: {}, confusion: {}, ranking: {}, cbpe: {}, fairness: {} }
}

const add = (rec: Record<string, number>, k: string, n: number) => {
  rec[k] = (rec[k] ?? 0) + n
}

function mergeRecords<S>(a: Record<string, S>, b: Record<string, S>, merge: (x: S, y: S) => S): Record<string, S> {
  const out: Record<string, S> = { ...a }
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k]!, v) : v
  return out
}

const sumCounts = (a: Record<string, number>, b: Record<string, number>) => mergeRecords(a, b, (x, y) => x + y)

export function mergePartials(a: Partial, b: Partial, ctx: LabelingContext): Partial {
  return {
    predictions: a.predictions + b.predictions,
    byVariant: sumCounts(a.byVariant, b.byVariant),
    missing: sumCounts(a.missing, b.missing),
    numeric: mergeRecords(a.numeric, b.numeric, (x, y) => x.map((c, i) => c + (y[i] ?? 0))),
    categorical: mergeRecords(a.categorical, b.categorical, sumCounts),
    labeled: a.labeled + b.labeled,
    labelDelaySumS: a.labelDelaySumS + b.labelDelaySumS,
    labelCounts: sumCounts(a.labelCounts, b.labelCounts),
    confusion: mergeRecords(a.confusion, b.confusion, confusion.merge),
    ranking: mergeRecords(a.ranking, b.ranking, ranking.merge),
    cbpe: mergeRecords(a.cbpe, b.cbpe, cbpe.merge),
    fairness: mergeRecords(a.fairness, b.fairness, fairness(ctx).merge),
  }
}

/** Builds one partial per partition for a scope, inside ClickHouse. */
export async function buildPartials(
  store: Store,
  scope: Scope,
  edges: Map<string, number[]>,
  ctx: LabelingContext,
  { withLabels }: { withLabels: boolean },
): Promise<Map<number, Partial>> {
  const parts = new Map<number, Partial>()
  const part = (p: number) => parts.get(Number(p)) ?? parts.set(Number(p), emptyPartial()).get(Number(p))!
  const scoreEdges = edges.get('__score__') ?? []
  const [volume, bins, cats, scores, joined] = await Promise.all([
    volumeQuery(store, scope),
    numericBinsQuery(store, scope, edges, scoreEdges),
    categoryQuery(store, scope),
    withLabels ? scoreQuery(store, scope) : Promise.resolve([]),
    withLabels ? joinedQuery(store, scope, ctx.protectedAttributes) : Promise.resolve([]),
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
  for (const r of cats) add((part(r.p).categorical[r.k] ??= {}), r.v, Number(r.c))
  for (const r of scores) {
    for (const variant of ['', r.variant]) {
      const pt = part(r.p)
      let state = pt.cbpe[variant] ?? cbpe.create()
      for (let i = 0; i < Number(r.c); i++) state = cbpe.update(state, { score: r.s })
      pt.cbpe[variant] = state
    }
  }
  for (const r of joined) addJoined(part(r.p), r, ctx)
  return parts
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
      let cm = pt.confusion[variant] ?? confusion.create()
      let rk = pt.ranking[variant] ?? ranking.create()
      for (let i = 0; i < n; i++) {
        cm = confusion.update(cm, { yTrue, yPred })
        if (r.s !== null) rk = ranking.update(rk, { yTrue, score: r.s })
      }
      pt.confusion[variant] = cm
      pt.ranking[variant] = rk
    }
    return
  }
  const acc = fairness(ctx)
  let state = pt.fairness[r.attr] ?? acc.create()
  for (let i = 0; i < n; i++) state = acc.update(state, { group: r.grp, yTrue, yPred, ...(r.s !== null ? { score: r.s } : {}) })
  pt.fairness[r.attr] = state
}
