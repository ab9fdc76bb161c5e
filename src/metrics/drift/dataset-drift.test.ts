import { describe, expect, it } from 'vitest'
import type { StatResult } from '../types.js'
import { datasetDriftShare, type FeatureDriftInput } from './dataset-drift.js'

const test = (pValue: number): StatResult => ({ method: 'ks', score: 0.2, pValue, params: {} })
const dist = (score: number): StatResult => ({ method: 'wasserstein', score, params: {} })
const defaultThreshold = (result: StatResult) => (result.pValue === undefined ? 0.1 : 0.05)
const feature = (name: string, result: StatResult, threshold = defaultThreshold(result)) =>
  ({ feature: name, result, threshold }) satisfies FeatureDriftInput

describe('datasetDriftShare', () => {
  it('adjusts p-values with Benjamini–Hochberg across the test features', () => {
    // Raw: 0.01, 0.02, 0.04 all < 0.05. BH with m = 4: 0.04, 0.04, 0.0533…, 0.5 → two drifted.
    const inputs = [0.01, 0.02, 0.04, 0.5].map((p, i) => feature(`f${i}`, test(p)))
    const bh = datasetDriftShare(inputs)
    expect(bh.features.map((f) => f.driftDetected)).toEqual([true, true, false, false])
    expect(bh.features[2]?.adjustedPValue).toBeCloseTo(0.04 * (4 / 3), 15)
    expect(bh.result).toMatchObject({ method: 'dataset_drift_share', score: 0.5 })
    expect(bh.result.params).toMatchObject({ correction: 'benjamini-hochberg', testFeatures: 4, driftedFeatures: 2 })

    const none = datasetDriftShare(inputs, { correction: 'none' })
    expect(none.result.score).toBe(0.75)
    expect(none.features[2]?.adjustedPValue).toBe(0.04)
  })

  it('judges distances by score >= threshold, without correction', () => {
    const r = datasetDriftShare([feature('a', dist(0.1)), feature('b', dist(0.09)), feature('c', test(0.001))])
    expect(r.features.map((f) => f.driftDetected)).toEqual([true, false, true])
    expect(r.features[0]?.adjustedPValue).toBeUndefined()
    expect(r.result.score).toBeCloseTo(2 / 3, 15)
    expect(r.result.params).toMatchObject({ testFeatures: 1, features: 3, evaluatedFeatures: 3 })
  })

  it('leaves NaN results (empty windows) out of the share and counts them', () => {
    const r = datasetDriftShare([
      feature('a', test(Number.NaN)),
      feature('b', dist(Number.NaN)),
      feature('c', dist(0.5)),
      feature('d', test(0.9)),
    ])
    expect(r.features.map((f) => f.driftDetected)).toEqual([null, null, true, false])
    expect(r.result.score).toBe(0.5)
    expect(r.result.params).toMatchObject({ undefinedFeatures: 2, evaluatedFeatures: 2, testFeatures: 1 })
  })

  it('gives NaN with no feature, or none that can be evaluated', () => {
    expect(datasetDriftShare([]).result.score).toBeNaN()
    expect(datasetDriftShare([feature('a', dist(Number.NaN))]).result.score).toBeNaN()
  })

  it('handles a single feature and a constant set of p-values', () => {
    expect(datasetDriftShare([feature('a', test(0.049))]).result.score).toBe(1)
    const same = datasetDriftShare([feature('a', test(0.03)), feature('b', test(0.03)), feature('c', test(0.03))])
    expect(same.result.score).toBe(1)
  })

  it('uses each feature its own threshold', () => {
    const r = datasetDriftShare([feature('a', test(0.02), 0.01), feature('b', dist(0.3), 0.5)])
    expect(r.result.score).toBe(0)
  })

  it('rejects p-values outside [0, 1] such as ±Infinity', () => {
    expect(() => datasetDriftShare([feature('a', test(Infinity)), feature('b', test(0.1))])).toThrow(RangeError)
    expect(() => datasetDriftShare([feature('a', test(-Infinity))], { correction: 'none' })).toThrow(RangeError)
    expect(() => datasetDriftShare([feature('a', dist(0.2), Number.NaN)])).toThrow(RangeError)
  })
})
