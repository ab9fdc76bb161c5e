/**
 * Which features a window has (./compute.ts): the configured ones, the reference's and the
 * window's, each with a missing_rate row and a drift row, whether it stopped arriving, is null
 * everywhere or has values on one side only; and a window compared with no reference.
 */
import { describe, expect, it } from 'vitest'
import { computeWindowMetrics, notCompared, type Side } from './compute.js'
import { NO_REFERENCE } from './dataset-status.js'
import { mergeAll, type LabelingContext } from './partial-state.js'
import { partialsFromRows, type PartialRows } from './partials.js'

const ctx: LabelingContext = { positiveClass: '1', protectedAttributes: [], minGroupSize: 30 }
const N = 200
const EDGES = new Map([['x', [50, 100, 150]], ['num', [50, 100, 150]]])
const xs = Array.from({ length: N }, (_, i) => i)

/**
 * A 200-event scope as the queries return it: `missing` are volumeQuery's counts of events
 * without a value of each feature the scope mentions; `binned` features hold 0..199, binned
 * over EDGES and sampled; `num` are numerical features sampled without reference edges; `cat`
 * categorical counts.
 */
function side(o: { missing?: Record<string, number>; binned?: string[]; num?: Record<string, number[]>; cat?: Record<string, Record<string, number>> }): Side {
  const rows: PartialRows = {
    volume: [{ p: 0, variant: 'v', k: null, c: String(N) }, ...Object.entries(o.missing ?? {}).map(([k, c]) => ({ p: 0, variant: '', k, c: String(c) }))],
    bins: (o.binned ?? []).flatMap((k) => [0, 1, 2, 3].map((bin) => ({ p: 0, k, bin, c: '50' }))),
    cats: Object.entries(o.cat ?? {}).flatMap(([k, counts]) => Object.entries(counts).map(([v, c]) => ({ p: 0, k, v, c: String(c) }))),
    scores: [], joined: [], regressions: [], ranges: [], outliers: [],
  }
  const samples = new Map<string, readonly number[]>(Object.entries(o.num ?? {}))
  for (const k of o.binned ?? []) samples.set(k, xs)
  return { partial: mergeAll(partialsFromRows(rows, EDGES, ctx), ctx), samples }
}

const missingRates = (m: ReturnType<typeof computeWindowMetrics>) =>
  Object.fromEntries(m.quality.filter((r) => r.metric === 'missing_rate').map((r) => [r.feature, r.value]))
const featureRow = (m: ReturnType<typeof computeWindowMetrics>, column: string) => m.drift.find((r) => r.target === 'feature' && r.column === column)

describe('the features of a window', () => {
  const reference = side({ missing: { x: 0, num: 0, cat: 0, flag: 0 }, binned: ['x', 'num'], cat: { cat: { a: 100, b: 100 }, flag: { true: 100, false: 100 } } })

  it('configured features that stop arriving: missing_rate 1 and an insufficient drift row each, counted in n_features', () => {
    const m = computeWindowMetrics(reference, side({ missing: { x: 0 }, binned: ['x'] }), ctx, ['num', 'cat', 'flag', 'x', 'declared'])
    expect(missingRates(m)).toEqual({ cat: 1, declared: 1, flag: 1, num: 1, x: 0 })
    for (const f of ['num', 'cat', 'flag', 'declared']) expect(featureRow(m, f), f).toMatchObject({ n_current: 0, status: 'insufficient', drift_detected: null })
    expect(featureRow(m, 'num')).toMatchObject({ column_kind: 'numerical', n_reference: N })
    expect(featureRow(m, 'x')).toMatchObject({ n_reference: N, n_current: N, status: 'ok' })
    expect(m.dataset).toMatchObject({ n_features: 5, n_insufficient: 4, n_drifted: 0, status: 'ok', drift_share: 0 })
  })

  it('features sent as null in every event, configured or not: missing_rate 1 and an insufficient drift row', () => {
    const m = computeWindowMetrics(side({ missing: { x: 0 }, binned: ['x'] }), side({ missing: { x: 0, num: N, cat: N, flag: N }, binned: ['x'] }), ctx)
    expect(missingRates(m)).toEqual({ cat: 1, flag: 1, num: 1, x: 0 })
    for (const f of ['num', 'cat', 'flag']) expect(featureRow(m, f), f).toMatchObject({ n_reference: 0, n_current: 0, status: 'insufficient' })
    expect(m.dataset).toMatchObject({ n_features: 4, n_insufficient: 3, status: 'ok' })
  })

  it('a numerical feature with values in the window only (none in the reference, so no deciles): a drift row of all its values, insufficient', () => {
    const late = xs.slice(0, 150).map((i) => i * 1.5)
    const flags = xs.map((i) => i % 2)
    const m = computeWindowMetrics(side({ missing: { x: 0, late: N, flag01: N }, binned: ['x'] }), side({ missing: { x: 0, late: 50, flag01: 0 }, binned: ['x'], num: { late, flag01: flags } }), ctx)
    expect(featureRow(m, 'late')).toMatchObject({ column_kind: 'numerical', n_reference: 0, n_current: 150, status: 'insufficient', drift_detected: null })
    // Few distinct values: compared as categories (./drift-rows.ts), over the window's values.
    expect(featureRow(m, 'flag01')).toMatchObject({ column_kind: 'categorical', n_reference: 0, n_current: N, status: 'insufficient' })
    expect(missingRates(m)).toEqual({ flag01: 0, late: 0.25, x: 0 })
    expect(m.dataset).toMatchObject({ n_features: 3, n_insufficient: 2 })
  })

  it('a window compared with no reference: no drift rows, dataset status no_reference over no feature, missing_rate for every feature', () => {
    const empty = side({})
    empty.partial.predictions = 0
    const m = notCompared(computeWindowMetrics(empty, side({ missing: { x: 0, cat: 40 }, binned: ['x'], cat: { cat: { a: 160 } } }), ctx, ['gone']))
    expect(m.drift).toEqual([])
    expect(m.dataset).toEqual({ drift_share: Number.NaN, n_features: 0, n_drifted: 0, n_insufficient: 0, drifted_features: [], status: NO_REFERENCE })
    expect(missingRates(m)).toEqual({ cat: 0.2, gone: 1, x: 0 })
    expect(m.quality.filter((r) => r.metric !== 'missing_rate')).toEqual([])
    expect(m.summary.predictions).toBe(N)
  })
})

describe('a feature whose values turn from numbers into strings', () => {
  it('is one categorical row, its numbers one category: it drifts, every string new, rather than two rows of one name that both lack a side', () => {
    const reference = side({ missing: { income: 0 }, binned: ['income'] })
    const current = side({ missing: { income: 0 }, cat: { income: { '52k': 120, '61k': 80 } } })
    const m = computeWindowMetrics(reference, current, ctx)
    const rows = m.drift.filter((r) => r.target === 'feature' && r.column === 'income')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ column_kind: 'categorical', n_reference: N, n_current: N, status: 'ok', drift_detected: 1 })
    expect(rows[0]!.unseen_categories.sort()).toEqual(['52k', '61k'])
    expect(m.dataset).toMatchObject({ n_features: 1, n_drifted: 1 })
    expect(m.quality.find((r) => r.feature === 'income' && r.metric === 'new_category_rate')).toMatchObject({ value: 1 })
  })

  it('numbers and strings in the same window count each, so the same mix in both windows does not drift', () => {
    const mix = () => side({ missing: { code: 0 }, num: { code: xs.slice(0, 150) }, cat: { code: { 'n/a': 50 } } })
    const m = computeWindowMetrics(mix(), mix(), ctx)
    const rows = m.drift.filter((r) => r.target === 'feature' && r.column === 'code')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ column_kind: 'categorical', n_reference: N, n_current: N, drift_detected: 0 })
  })

  it('strings that turn into numbers: the numbers are the new values of new_category_rate', () => {
    const reference = side({ missing: { code: 0 }, cat: { code: { a: 100, b: 100 } } })
    const current = side({ missing: { code: 0 }, num: { code: xs.slice(0, 150) }, cat: { code: { a: 50 } } })
    const m = computeWindowMetrics(reference, current, ctx)
    expect(m.drift.find((r) => r.target === 'feature' && r.column === 'code')!.unseen_categories).toEqual(['(number)'])
    expect(m.quality.find((r) => r.feature === 'code' && r.metric === 'new_category_rate')).toMatchObject({ value: 150 / N, n: N })
  })

  it('a category sent as the text "(number)" keeps its count: the numbers count under another name', () => {
    const reference = side({ missing: { code: 0 }, cat: { code: { '(number)': 100, b: 100 } } })
    const current = side({ missing: { code: 0 }, num: { code: xs.slice(0, 150) }, cat: { code: { '(number)': 50 } } })
    const m = computeWindowMetrics(reference, current, ctx)
    const row = m.drift.find((r) => r.target === 'feature' && r.column === 'code')!
    // Without the rename the 150 numbers would replace the 50 "(number)" texts: no new category.
    expect(row.unseen_categories).toEqual(['(number) 2'])
    expect(row).toMatchObject({ n_reference: 200, n_current: 200 })
    expect(m.quality.find((r) => r.feature === 'code' && r.metric === 'new_category_rate')).toMatchObject({ value: 150 / N, n: N })
  })
})
