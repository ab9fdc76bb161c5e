import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/nannyml_cbpe.json' with { type: 'json' }
import { cbpeAccumulator, type CbpeState } from './cbpe.js'
import { calibratedCbpe, fitCbpeCalibration } from './cbpe-calibrated.js'
import { isotonicFit, isotonicPredict } from './isotonic.js'
import type { ScoreHistogramState } from './score-histogram.js'

const NBINS = 1000

function referenceHistogram(c: (typeof fixture.cases)[number]): ScoreHistogramState {
  const { counts, positives } = c.input.reference as { counts: number[]; positives: number[] }
  return { nBins: NBINS, positives: [...positives], negatives: counts.map((n, k) => n - positives[k]!), excluded: 0 }
}

function analysisState(c: (typeof fixture.cases)[number]): CbpeState {
  const acc = cbpeAccumulator()
  let state = acc.create()
  c.input.analysis.counts.forEach((n, k) => {
    for (let i = 0; i < n; i++) state = acc.update(state, { score: k / NBINS })
  })
  return state
}

describe('CBPE calibrated on the reference matches NannyML on a miscalibrated model', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(c.expected.needsCalibration).toBe(true)
    const calibration = fitCbpeCalibration(referenceHistogram(c))
    expect(calibration).not.toBeNull()
    const e = calibratedCbpe(analysisState(c), calibration)
    const got = { accuracy: e.accuracy.score, precision: e.precision.score, recall: e.recall.score, f1: e.f1.score, roc_auc: e.rocAuc.score }
    for (const [metric, value] of Object.entries(got)) {
      expect(Math.abs(value - c.expected.cbpe[metric as keyof typeof got]), metric).toBeLessThan(1e-9)
    }
    expect(e.accuracy.params).toMatchObject({ calibrated: true })
    // Without calibration the overconfident scores mislead: further from NannyML by far.
    const raw = cbpeAccumulator().result(analysisState(c))
    expect(Math.abs(raw.accuracy.score - c.expected.cbpe.accuracy)).toBeGreaterThan(0.02)
  })
})

describe('isotonicFit / isotonicPredict match sklearn IsotonicRegression(out_of_bounds="clip")', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: predictions on the score grid', (_name, c) => {
    const model = fitCbpeCalibration(referenceHistogram(c))!
    c.expected.isotonicOnGrid.forEach((expected, k) => {
      expect(Math.abs(isotonicPredict(model, k / NBINS) - expected), `x = ${k / NBINS}`).toBeLessThan(1e-12)
    })
  })

  it('pools adjacent violators with weights, merges equal x, clips outside the range', () => {
    const m = isotonicFit([
      { x: 1, y: 1, weight: 1 },
      { x: 2, y: 3, weight: 1 },
      { x: 3, y: 2, weight: 3 },
      { x: 2, y: 0, weight: 1 },
      { x: 4, y: Number.NaN, weight: 1 },
      { x: 5, y: 1, weight: 0 },
    ])
    // x = 2: (3 + 0)/2 = 1.5, weight 2; x = 3: 2 → already increasing.
    expect(m).toEqual({ x: [1, 2, 3], y: [1, 1.5, 2] })
    const v = isotonicFit([{ x: 0, y: 1, weight: 1 }, { x: 1, y: 0, weight: 3 }])
    expect(v.y).toEqual([0.25, 0.25])
    expect(isotonicPredict(m, 0)).toBe(1)
    expect(isotonicPredict(m, 10)).toBe(2)
    expect(isotonicPredict(m, 2.5)).toBeCloseTo(1.75, 15)
    expect(isotonicPredict(isotonicFit([]), 0.5)).toBeNaN()
  })

  it('no calibration for a one-class reference; uncalibrated CBPE then', () => {
    const ref: ScoreHistogramState = { nBins: NBINS, positives: new Array(NBINS + 1).fill(0), negatives: new Array(NBINS + 1).fill(1), excluded: 0 }
    expect(fitCbpeCalibration(ref)).toBeNull()
    const acc = cbpeAccumulator()
    const state = acc.update(acc.create(), { score: 0.7 })
    expect(calibratedCbpe(state, null).accuracy).toMatchObject({ score: 0.7, params: { calibrated: false } })
  })
})
