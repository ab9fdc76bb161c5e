import { describe, expect, it } from 'vitest'
import { createRng } from '../demo/random.js'
import {
  accuracy, confusionAccumulator, f1, precision, recall, regressionAccumulator, regressionMetrics, type RegressionState,
} from '../metrics/performance/index.js'
import { computeWindowMetrics } from './compute.js'
import { emptyPartial, mergeAll, type LabelingContext, type Partial } from './partial-state.js'
import { regressionStateFromSums, regressionSums } from './regression-partials.js'

const rng = createRng(7)
const pairs = (n: number, offset: number, spread: number) =>
  Array.from({ length: n }, () => {
    const yTrue = offset + rng.normal(0, spread)
    return { yTrue, yPred: yTrue + rng.normal(0.5, spread / 3) }
  })
const oneByOne = (ps: readonly { yTrue: number; yPred: number }[]): RegressionState => {
  const acc = regressionAccumulator()
  return ps.reduce((s, p) => acc.update(s, p), acc.create())
}
const expectClose = (a: RegressionState, b: RegressionState, tol = 1e-9) => {
  expect(a.n).toBe(b.n)
  expect(a.excluded).toBe(b.excluded)
  for (const k of ['meanTrue', 'm2True', 'sumAbsoluteError', 'sumSquaredError', 'sumAbsolutePercentageError'] as const) {
    expect(Math.abs(a[k] - b[k]), k).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[k])))
  }
}

describe('regression sums to regressionAccumulator state', () => {
  it('equals feeding the pairs one by one (to 1e-9)', () => {
    for (const [offset, spread] of [[0, 1], [100, 20], [-3, 0.01], [1000, 250]] as const) {
      const ps = pairs(2000, offset, spread)
      expectClose(regressionStateFromSums(regressionSums(ps)), oneByOne(ps))
    }
  })

  it('keeps R² exact for a target with a large offset (1e9 ± 1): m2 is not Σy² − n·ȳ²', () => {
    const ps = pairs(2000, 1e9, 1)
    expectClose(regressionStateFromSums(regressionSums(ps)), oneByOne(ps), 1e-7)
    const r2 = regressionAccumulator().result(regressionStateFromSums(regressionSums(ps))).r2.score
    // Against one-by-one Welford, the less exact of the two at this offset (about 1e-8 off the
    // exact value); exactness is checked in ./regression-partials.test.ts.
    expect(r2).toBeCloseTo(regressionMetrics(ps.map((p) => p.yTrue), ps.map((p) => p.yPred)).r2.score, 7)
  })

  it('partitions merged with regressionAccumulator().merge equal the whole', () => {
    const ps = pairs(3000, 50, 10)
    const acc = regressionAccumulator()
    const merged = [ps.slice(0, 700), ps.slice(700, 2100), ps.slice(2100)].map((p) => regressionStateFromSums(regressionSums(p))).reduce(acc.merge)
    expectClose(merged, oneByOne(ps))
    const [a, b] = [acc.result(merged), regressionMetrics(ps.map((p) => p.yTrue), ps.map((p) => p.yPred))]
    for (const m of ['mae', 'rmse', 'mape', 'r2'] as const) expect(a[m].score).toBeCloseTo(b[m].score, 9)
  })

  it('keeps sklearn conventions: constant y has m2 = 0, zero y uses ε, non-finite pairs are excluded', () => {
    const ps = [{ yTrue: 0.1, yPred: 0.2 }, { yTrue: 0.1, yPred: 0.1 }, { yTrue: 0.1, yPred: 0 }, { yTrue: 0, yPred: 1 }, { yTrue: Number.NaN, yPred: 1 }]
    const constant = regressionStateFromSums(regressionSums(ps.slice(0, 3)))
    expect(constant.m2True).toBe(0)
    expect(regressionAccumulator().result(constant).r2.score).toBe(0)
    expectClose(regressionStateFromSums(regressionSums(ps)), oneByOne(ps))
    expect(regressionStateFromSums(regressionSums(ps)).excluded).toBe(1)
    expect(regressionStateFromSums({ n: '0', labeled: '2', sum_y: 0, m2_y: 0, min_y: 0, max_y: 0, sum_abs: 0, sum_sq: 0, sum_ape: 0 })).toMatchObject({ n: 0, excluded: 2 })
  })
})

const ctx = (task: LabelingContext['task']): LabelingContext => ({ task, positiveClass: '1', protectedAttributes: [], minGroupSize: 30 })
const side = (partial: Partial) => ({ partial, samples: new Map<string, number[]>() })

describe('performance rows by task', () => {
  it('multiclass: accuracy and macro/weighted precision, recall, F1 per variant', () => {
    const classes = ['cat', 'dog', 'fish']
    const labels = Array.from({ length: 300 }, (_, i) => ({ yTrue: classes[i % 3]!, yPred: classes[(i * 7) % 5 % 3]!, variant: i % 2 ? 'a' : 'b' }))
    const cm = confusionAccumulator()
    const parts = new Map<number, Partial>()
    labels.forEach((l, i) => {
      const pt = parts.get(i % 3) ?? parts.set(i % 3, emptyPartial()).get(i % 3)!
      pt.predictions += 1
      pt.byVariant[l.variant] = (pt.byVariant[l.variant] ?? 0) + 1
      for (const v of ['', l.variant]) cm.update((pt.confusion[v] ??= cm.create()), l)
    })
    const merged = mergeAll(parts, ctx('multiclass'))
    const m = computeWindowMetrics(side(emptyPartial()), side(merged), ctx('multiclass'))
    const whole = cm.result(labels.reduce((s, l) => cm.update(s, l), cm.create()))
    const value = (metric: string, variant = 'all') => m.performance.find((r) => r.metric === metric && r.variant === variant)!.value
    expect(value('accuracy')).toBe(accuracy(whole).score)
    expect(value('f1_macro')).toBeCloseTo(f1(whole, { average: 'macro' }).score, 12)
    expect(value('precision_weighted')).toBeCloseTo(precision(whole, { average: 'weighted' }).score, 12)
    expect(value('recall_macro')).toBeCloseTo(recall(whole, { average: 'macro' }).score, 12)
    expect(new Set(m.performance.map((r) => r.variant))).toEqual(new Set(['all', 'a', 'b']))
    expect(m.performance.every((r) => r.kind === 'realized')).toBe(true)
    expect(m.performance.filter((r) => r.variant === 'all').map((r) => r.metric).sort()).toEqual(
      ['accuracy', 'f1_macro', 'f1_weighted', 'precision_macro', 'precision_weighted', 'recall_macro', 'recall_weighted'],
    )
    expect(m.fairness).toEqual([])
  })

  it('multiclass: a label 1 predicted 1.0 is correct, classes compared as numbers where written as numbers', () => {
    // Labels as a label store writes integers, predictions as a float class column does; the
    // reference is the same pairs with every class written one way (scikit-learn's int == float).
    const written = [['1', '1.0'], ['2', '2.0'], ['3', '2.0'], ['1', '01'], ['cat', 'cat'], ['True', '1'], ['0', '-0']] as const
    const cm = confusionAccumulator()
    const cur = emptyPartial()
    cur.predictions = written.length
    cur.confusion[''] = written.reduce((s, [yTrue, yPred]) => cm.update(s, { yTrue, yPred }), cm.create())
    const m = computeWindowMetrics(side(emptyPartial()), side(cur), ctx('multiclass'))
    const asNumbers = (t: string) => (t === 'cat' || t === 'True' ? t : String(Number(t) + 0))
    const same = cm.result(written.reduce((s, [yTrue, yPred]) => cm.update(s, { yTrue: asNumbers(yTrue), yPred: asNumbers(yPred) }), cm.create()))
    const value = (metric: string) => m.performance.find((r) => r.metric === metric && r.variant === 'all')!.value
    expect(value('accuracy')).toBe(5 / 7)
    expect(value('accuracy')).toBe(accuracy(same).score)
    expect(value('f1_macro')).toBeCloseTo(f1(same, { average: 'macro' }).score, 12)
    // The stored state keeps the texts as sent.
    expect(cur.confusion['']!.labels).toContain('1.0')
  })

  it('regression: mae, rmse, mape, r2 and no label drift', () => {
    const ps = pairs(500, 20, 4)
    const cur = emptyPartial()
    cur.predictions = 500
    cur.labeled = 500
    cur.regression = { '': regressionStateFromSums(regressionSums(ps)) }
    const ref = { ...emptyPartial(), labeled: 10, predictions: 10 }
    const m = computeWindowMetrics(side(ref), side(cur), ctx('regression'))
    const expected = regressionMetrics(ps.map((p) => p.yTrue), ps.map((p) => p.yPred))
    expect(m.performance.map((r) => r.metric)).toEqual(['mae', 'rmse', 'mape', 'r2'])
    for (const r of m.performance) expect(r.value).toBeCloseTo(expected[r.metric as 'mae'].score, 9)
    expect(m.performance[0]).toMatchObject({ variant: 'all', kind: 'realized', n: 500, label_coverage: 1 })
    expect(m.drift.filter((r) => r.target === 'label')).toEqual([])
  })
})
