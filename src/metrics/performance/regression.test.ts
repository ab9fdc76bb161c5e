import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/performance.json' with { type: 'json' }
import { regressionAccumulator, regressionMetrics, type RegressionPair, type RegressionState } from './regression.js'
import { expectClose, expectMergeLaws } from '../../../test/support/unit/metric-checks.js'

describe('regression metrics vs sklearn (MAE, RMSE, MAPE, R²)', () => {
  for (const c of fixture.regression) {
    it(c.name, () => {
      const r = regressionMetrics(c.input.yTrue, c.input.yPred)
      expectClose(r.mae.score, c.expected.mae, 1e-9, 'mae')
      expectClose(r.rmse.score, c.expected.rmse, 1e-9, 'rmse')
      expectClose(r.mape.score, c.expected.mape, 1e-9, 'mape')
      expectClose(r.r2.score, c.expected.r2, 1e-9, 'r2')
    })
  }
})

describe('regressionAccumulator', () => {
  const acc = regressionAccumulator()
  const pairs = (t: readonly number[], p: readonly number[]): RegressionPair[] => t.map((yTrue, i) => ({ yTrue, yPred: p[i]! }))

  for (const name of ['normal', 'large_offset']) {
    it(`merge laws (${name})`, () => {
      const c = fixture.regression.find((x) => x.name === name)!
      expectMergeLaws(acc, pairs(c.input.yTrue, c.input.yPred), (a, b) => {
        for (const k of ['mae', 'rmse', 'mape', 'r2'] as const) expectClose(a[k].score, b[k].score, 1e-12, k)
      })
    })
  }

  it('Chan merge of hand-computed parts: y = [1, 2] ∪ [3, 4] has SS_tot = 5', () => {
    const a = acc.create()
    acc.update(acc.update(a, { yTrue: 1, yPred: 1 }), { yTrue: 2, yPred: 2 })
    const b = acc.create()
    acc.update(acc.update(b, { yTrue: 3, yPred: 3 }), { yTrue: 4, yPred: 5 })
    const merged = acc.merge(a, b)
    expect(merged).toMatchObject({ n: 4, meanTrue: 2.5, m2True: 5, sumSquaredError: 1 })
    expect(acc.result(merged).r2.score).toBe(1 - 1 / 5)
  })

  it('constant y merged across partitions: parts whose means differ by an ulp give R² 0, not −1e32', () => {
    // States as the stream builds them from SQL sums (src/evaluate/regression-partials.ts):
    // A's mean Σy/n = 0.30000000000000004/3 = 0.10000000000000002, B's 0.2/2 = 0.1. Chan's
    // δ²·na·nb/n alone made SS_tot ≈ 2.3e-34 and R² ≈ −1.08e32; one pass and sklearn's
    // force_finite rule give 0.
    const fromSums = (ys: number[], ps: number[]): RegressionState => ({
      n: ys.length, meanTrue: ys.reduce((x, y) => x + y, 0) / ys.length, m2True: 0, minTrue: Math.min(...ys), maxTrue: Math.max(...ys),
      sumAbsoluteError: ys.reduce((x, y, i) => x + Math.abs(y - ps[i]!), 0), sumSquaredError: ys.reduce((x, y, i) => x + (y - ps[i]!) ** 2, 0),
      sumAbsolutePercentageError: ys.reduce((x, y, i) => x + Math.abs(y - ps[i]!) / Math.abs(y), 0), excluded: 0,
    })
    const a = fromSums([0.1, 0.1, 0.1], [0.2, 0, 0.1])
    const b = fromSums([0.1, 0.1], [0.15, 0.05])
    expect(a.meanTrue).not.toBe(b.meanTrue)
    expect(regressionMetrics([0.1, 0.1, 0.1, 0.1, 0.1], [0.2, 0, 0.1, 0.15, 0.05]).r2.score).toBe(0)
    for (const merged of [acc.merge(a, b), acc.merge(b, a), acc.merge(acc.merge(acc.create(), a), b)]) {
      expect(merged.m2True).toBe(0)
      expect(acc.result(merged).r2.score).toBe(0)
    }
    // Perfect predictions of a constant stay 1.
    expect(acc.result(acc.merge(fromSums([0.1, 0.1, 0.1], [0.1, 0.1, 0.1]), fromSums([0.1, 0.1], [0.1, 0.1]))).r2.score).toBe(1)
    // A state stored before the range existed: unknown range, merged as before.
    const { minTrue: _min, maxTrue: _max, ...old } = a
    expect(acc.merge(old, b)).not.toHaveProperty('minTrue')
  })

  it('merging through JSON (stored partials) keeps the range of y', () => {
    const a = acc.update(acc.update(acc.create(), { yTrue: 1, yPred: 1 }), { yTrue: 3, yPred: 2 })
    const b = acc.update(acc.create(), { yTrue: -2, yPred: 0 })
    const empty = JSON.parse(JSON.stringify(acc.create())) as ReturnType<typeof acc.create>
    const merged = acc.merge(acc.merge(empty, JSON.parse(JSON.stringify(a)) as typeof a), b)
    expect(merged).toMatchObject({ n: 3, minTrue: -2, maxTrue: 3 })
  })

  it('empty input gives NaN', () => {
    const r = acc.result(acc.create())
    for (const m of [r.mae, r.rmse, r.mape, r.r2]) expect(m.score).toBeNaN()
  })

  it('a single value: errors defined, R² NaN (sklearn: fewer than two samples)', () => {
    const r = regressionMetrics([2], [2.5])
    expect([r.mae.score, r.rmse.score, r.mape.score]).toEqual([0.5, 0.5, 0.25])
    expect(r.r2.score).toBeNaN()
  })

  it('constant y_true: R² 1 if perfect, else 0 — even for 0.1, where sklearn gives ≈ −1.7e31', () => {
    expect(regressionMetrics([0.1, 0.1, 0.1], [0.1, 0.1, 0.1]).r2.score).toBe(1)
    expect(regressionMetrics([0.1, 0.1, 0.1], [0.1, 0.1, 0.2]).r2.score).toBe(0)
  })

  it('a zero y_true divides by eps in MAPE', () => {
    expect(regressionMetrics([0], [1]).mape.score).toBe(1 / Number.EPSILON)
  })

  it('NaN and ±Infinity pairs are excluded and counted', () => {
    const r = regressionMetrics([1, Number.NaN, 3, Infinity], [1, 2, -Infinity, 4])
    expect(r.mae).toMatchObject({ score: 0, n: 1, excluded: 3 })
  })

  it('not applicable: groups and classes (regression has neither); arrays must match', () => {
    expect(() => regressionMetrics([1, 2], [1])).toThrow(RangeError)
  })
})
