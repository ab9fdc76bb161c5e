import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/performance.json' with { type: 'json' }
import {
  calibrationAccumulator,
  calibrationBin,
  expectedCalibrationError,
  topLabelCalibrationError,
  type CalibrationObservation,
} from './calibration.js'
import { expectClose, expectMergeLaws } from '../../../test/support/unit/metric-checks.js'

describe('ECE vs the numpy reference, bins vs sklearn calibration_curve', () => {
  for (const c of fixture.probabilistic) {
    it(c.name, () => {
      const r = expectedCalibrationError(c.input.yTrue, c.input.proba, { nBins: c.nBins })
      expectClose(r.score, c.expected.ece, 1e-9, 'ece')
      expect(r.bins.map((b) => b.count)).toEqual(c.expected.binCounts)
      const nonEmpty = r.bins.filter((b) => b.count > 0)
      nonEmpty.forEach((b, i) => {
        expectClose(b.meanOutcome, c.expected.calibrationCurve.probTrue[i]!, 1e-12, `prob_true[${i}]`)
        expectClose(b.meanProbability, c.expected.calibrationCurve.probPred[i]!, 1e-12, `prob_pred[${i}]`)
      })
      expect(r.params).toEqual({ nBins: c.nBins, binning: 'uniform', weighting: 'bin_count' })
    })
  }

  it('top-label multiclass ECE', () => {
    const c = fixture.multiclassLogLoss[0]!
    expectClose(topLabelCalibrationError(c.input.yTrue, c.input.proba, c.input.classes).score, c.expected.topLabelEce)
  })
})

describe('calibrationBin: (e_b, e_{b+1}] with e_k = k·(1/nBins), 0 in the first bin', () => {
  // Expected bins from numpy.searchsorted(np.linspace(0, 1, 11)[1:-1], p); 0.3000000000000001 is
  // the float after the edge 3·0.1 = 0.30000000000000004.
  it('puts edge values in the lower bin, as numpy.searchsorted(side="left")', () => {
    expect([0, 0.1, 0.1000001, 0.2, 0.3, 3 * 0.1, 0.3000000000000001, 1].map((p) => calibrationBin(p, 10))).toEqual([
      0, 0, 1, 1, 2, 2, 3, 9,
    ])
  })
})

describe('calibrationAccumulator', () => {
  const c = fixture.probabilistic[0]!
  const xs: CalibrationObservation[] = c.input.yTrue.map((outcome, i) => ({ outcome, probability: c.input.proba[i]! }))
  const acc = calibrationAccumulator()

  it('merge laws', () => {
    expectMergeLaws(acc, xs, (a, b) => {
      expectClose(a.score, b.score, 1e-12)
      expect(a.bins.map((x) => x.count)).toEqual(b.bins.map((x) => x.count))
    })
  })

  it('empty input NaN; single value; constant input', () => {
    expect(acc.result(acc.create()).score).toBeNaN()
    expectClose(expectedCalibrationError([1], [0.8]).score, 0.2, 1e-15)
    expectClose(expectedCalibrationError([1, 1, 1], [0.9, 0.9, 0.9]).score, 0.1, 1e-15)
  })

  it('NaN, ±Infinity, out-of-range probability and non-binary outcome are excluded and counted', () => {
    const r = expectedCalibrationError([1, 0, 1, 0, 2], [1, Number.NaN, Infinity, -0.1, 0.5])
    expect(r).toMatchObject({ score: 0, n: 1, excluded: 4 })
  })

  it('all-one-class labels and an unseen class in top-label ECE', () => {
    expectClose(expectedCalibrationError([0, 0], [0.05, 0.15]).score, 0.1, 1e-15)
    const r = topLabelCalibrationError(['a', 'zebra'], [[0.6, 0.4], [0.5, 0.5]], ['a', 'b'])
    expect(r).toMatchObject({ method: 'top_label_calibration_error', n: 1, excluded: 1 })
    expectClose(r.score, 0.4, 1e-15)
  })

  it('a bin with no members reports NaN means and contributes nothing', () => {
    const r = expectedCalibrationError([1], [0.95], { nBins: 2 })
    expect(r.bins[0]).toEqual({ count: 0, meanProbability: Number.NaN, meanOutcome: Number.NaN })
  })

  it('rejects bad bin counts and merging different resolutions', () => {
    expect(() => calibrationAccumulator({ nBins: 0 })).toThrow(RangeError)
    expect(() => acc.merge(acc.create(), calibrationAccumulator({ nBins: 5 }).create())).toThrow(RangeError)
  })
})
