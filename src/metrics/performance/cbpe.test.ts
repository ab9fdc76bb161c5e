import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/performance.json' with { type: 'json' }
import { cbpe, cbpeAccumulator, roundHalfEven, type CbpeObservation } from './cbpe.js'
import { classificationMetrics } from './classification.js'
import { rocAuc } from './ranking.js'
import { expectClose, expectMergeLaws, fold, seededRandom } from '../../../test/support/unit/metric-checks.js'

const METRICS = ['accuracy', 'precision', 'recall', 'f1', 'rocAuc'] as const

describe('CBPE vs the numpy copy of NannyML estimate_*', () => {
  for (const c of fixture.cbpe) {
    it(c.name, () => {
      const r = cbpe(c.input.scores, { yPred: c.input.yPred })
      for (const m of METRICS) expectClose(r[m].score, c.expected.estimated[m], 1e-9, m)
      for (const k of ['tp', 'fp', 'fn', 'tn'] as const) {
        expectClose(r.expectedConfusion[k], c.expected.estimated.expectedConfusion[k], 1e-9, k)
      }
      // ŷ from the threshold gives the same predictions the script used.
      expectClose(cbpe(c.input.scores, { threshold: c.threshold }).f1.score, c.expected.estimated.f1, 1e-9)
    })

    it(`${c.name}: estimate is within 4 standard errors of the realized value (labels ~ Bernoulli(score))`, () => {
      const r = cbpe(c.input.scores, { yPred: c.input.yPred })
      const { tp, fp, fn, tn } = r.expectedConfusion
      // Worst-case binomial standard error sqrt(0.25 / m) for the count m each metric divides by.
      const se = (m: number): number => Math.sqrt(0.25 / m)
      const tolerance = {
        accuracy: 4 * se(r.accuracy.n),
        precision: 4 * se(tp + fp),
        recall: 4 * se(tp + fn),
        f1: 4 * se(Math.min(tp + fp, tp + fn)),
        rocAuc: 4 * se(Math.min(tp + fn, fp + tn)),
      }
      for (const m of METRICS) expectClose(r[m].score, c.expected.realized[m], tolerance[m], m)
    })

    it(`${c.name}: binned accumulator agrees with the array estimate`, () => {
      const acc = cbpeAccumulator({ threshold: c.threshold })
      const xs: CbpeObservation[] = c.input.scores.map((score, i) => ({ score, yPred: c.input.yPred[i]! }))
      const r = acc.result(fold(acc, xs))
      const exact = cbpe(c.input.scores, { yPred: c.input.yPred })
      for (const m of ['accuracy', 'precision', 'recall', 'f1'] as const) expectClose(r[m].score, exact[m].score, 1e-12, m)
      // Scores on the 1/1000 grid: only NannyML's rounding of in-bin points differs.
      const onGrid = c.input.scores.every((s) => Math.abs(Math.round(s * 1000) - s * 1000) < 1e-6)
      expectClose(r.rocAuc.score, exact.rocAuc.score, onGrid ? 1e-7 : 1e-3, 'roc_auc')
    })
  }
})

describe('CBPE on perfectly calibrated synthetic data (seeded)', () => {
  it('estimates land near the realized metrics for n = 20000', () => {
    const rand = seededRandom(42)
    const scores = Array.from({ length: 20_000 }, () => rand() ** 1.5)
    const yTrue = scores.map((p) => (rand() < p ? 1 : 0))
    const yPred = scores.map((p) => (p >= 0.5 ? 1 : 0))
    const est = cbpe(scores)
    const real = classificationMetrics(yTrue, yPred)
    expectClose(est.accuracy.score, real.accuracy.score, 0.015, 'accuracy')
    expectClose(est.precision.score, real.precision.score, 0.015, 'precision')
    expectClose(est.recall.score, real.recall.score, 0.015, 'recall')
    expectClose(est.f1.score, real.f1.score, 0.015, 'f1')
    expectClose(est.rocAuc.score, rocAuc(yTrue, scores).score, 0.015, 'roc_auc')
  })
})

describe('cbpeAccumulator and edge cases', () => {
  const c = fixture.cbpe[0]!
  const xs: CbpeObservation[] = c.input.scores.map((score) => ({ score }))

  it('merge laws', () => {
    expectMergeLaws(cbpeAccumulator(), xs, (a, b) => {
      for (const m of METRICS) expectClose(a[m].score, b[m].score, 1e-9, m)
    })
  })

  it('empty input gives NaN', () => {
    const acc = cbpeAccumulator()
    for (const r of [cbpe([]), acc.result(acc.create())]) for (const m of METRICS) expect(r[m].score).toBeNaN()
  })

  it('a single value', () => {
    const r = cbpe([0.8])
    expectClose(r.accuracy.score, 0.8, 1e-15)
    expectClose(r.precision.score, 0.8, 1e-15)
    expect(r.recall.score).toBe(1)
    expectClose(r.rocAuc.score, 0.5, 1e-12)
  })

  it('constant input: all scores 1 → no expected negatives, ROC AUC NaN; all 0 → precision 0/0 NaN', () => {
    expect(cbpe([1, 1, 1]).rocAuc.score).toBeNaN()
    expect(cbpe([1, 1, 1]).accuracy.score).toBe(1)
    expect(cbpe([0, 0]).precision.score).toBeNaN()
    expect(cbpe([0, 0]).recall.score).toBeNaN()
  })

  it('NaN, ±Infinity, out-of-range scores and a non-binary prediction are excluded and counted', () => {
    const r = cbpe([0.9, Number.NaN, Infinity, -0.2, 0.7], { yPred: [1, 1, 1, 1, 3] })
    expect(r.accuracy).toMatchObject({ n: 1, excluded: 4 })
    const acc = cbpeAccumulator()
    const s = fold(acc, [{ score: Number.NaN }, { score: 0.5, yPred: 2 }, { score: 0.5 }])
    expect(acc.result(s).f1).toMatchObject({ n: 1, excluded: 2 })
  })

  it('all predictions one class, and an unseen class (yPred 2) is excluded', () => {
    const r = cbpe([0.2, 0.4, 0.3])
    expect(r.precision.score).toBeNaN()
    expectClose(r.accuracy.score, 0.7, 1e-15)
    expect(cbpe([0.2], { yPred: [2] }).accuracy.excluded).toBe(1)
  })

  it('roundHalfEven matches numpy.round', () => {
    expect([2.5, 3.5, -2.5, 0.125].map((x) => roundHalfEven(x, 0))).toEqual([2, 4, -2, 0])
    expect(roundHalfEven(0.000025, 5)).toBe(0.00002)
    expect(roundHalfEven(1.234567, 5)).toBe(1.23457)
  })

  it('rejects mismatched lengths and merging different resolutions', () => {
    expect(() => cbpe([0.5], { yPred: [1, 0] })).toThrow(RangeError)
    expect(() => cbpeAccumulator().merge(cbpeAccumulator().create(), cbpeAccumulator({ nBins: 10 }).create())).toThrow(RangeError)
  })
})
