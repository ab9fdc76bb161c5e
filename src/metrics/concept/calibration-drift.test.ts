import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/comparison.json' with { type: 'json' }
import { calibrationAccumulator, type CalibrationState } from '../performance/index.js'
import { expectClose } from '../../../test/support/unit/metric-checks.js'
import { calibrationDrift } from './calibration-drift.js'

function state(yTrue: readonly number[], scores: readonly number[], nBins = 10): CalibrationState {
  const acc = calibrationAccumulator({ nBins })
  const s = acc.create()
  yTrue.forEach((y, i) => acc.update(s, { probability: scores[i]!, outcome: y }))
  return s
}

describe('calibrationDrift vs scipy chi2_contingency per bin, summed', () => {
  for (const c of fixture.calibration) {
    it(c.name, () => {
      const { reference, current } = c.input
      const r = calibrationDrift(state(reference.yTrue, reference.scores), state(current.yTrue, current.scores))
      expectClose(r.score, c.expected.statistic, 1e-9, 'statistic')
      expectClose(r.pValue as number, c.expected.pValue, 1e-6, 'pValue')
      expect(r.params['dof']).toBe(c.expected.dof)
      r.bins.forEach((b, i) => {
        expectClose(b.statistic, c.expected.perBin[i] ?? null, 1e-9, `bin ${i}`)
        expectClose(b.difference, c.expected.difference[i] ?? null, 1e-12, `difference ${i}`)
      })
      expectClose(r.eceReference, c.expected.eceReference, 1e-9, 'ece reference')
      expectClose(r.eceCurrent, c.expected.eceCurrent, 1e-9, 'ece current')
      expectClose(r.eceDifference, c.expected.eceCurrent - c.expected.eceReference, 1e-9, 'ece difference')
    })
  }
})

describe('calibrationDrift edge cases', () => {
  it('an empty window: no bin compared, NaN statistic', () => {
    const r = calibrationDrift(state([1, 0, 1], [0.9, 0.2, 0.7]), state([], []))
    expect(r.score).toBeNaN()
    expect(r.pValue).toBeNaN()
    expect(r.params['dof']).toBe(0)
    expect(r.bins.every((b) => Number.isNaN(b.currentRate))).toBe(true)
  })

  it('bins where both sides are all positive carry no information and are skipped', () => {
    const r = calibrationDrift(state([1, 1, 0, 1], [0.95, 0.95, 0.15, 0.15]), state([1, 1, 1], [0.91, 0.99, 0.12]))
    // bin 9: all positive on both sides → skipped; bin 1: ref 1/2, cur 1/1 → compared.
    expect(r.params['dof']).toBe(1)
    expect(r.bins[9]?.statistic).toBeNaN()
    expect(r.bins[1]?.difference).toBe(0.5)
  })

  it('invalid probabilities are excluded by the calibration state, not tested', () => {
    const r = calibrationDrift(state([1, 0], [Number.NaN, 1.5]), state([1], [Number.POSITIVE_INFINITY]))
    expect(r.score).toBeNaN()
  })

  it('states with different bin counts are a bug: RangeError', () => {
    expect(() => calibrationDrift(state([1], [0.5], 10), state([1], [0.5], 5))).toThrow(RangeError)
  })
})
