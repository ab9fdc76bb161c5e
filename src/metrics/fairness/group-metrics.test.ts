import { describe, expect, it } from 'vitest'
import { emptyCalibration } from '../performance/calibration.js'
import { addGroupObservation, emptyGroupConfusion, emptyGroupCounts, mergeGroupConfusion } from './group-confusion.js'
import { groupMetrics } from './group-metrics.js'

const counts = (tp: number, fp: number, tn: number, fn: number) => ({ group: 'g', tp, fp, tn, fn, calibration: emptyCalibration(10) })

describe('groupMetrics', () => {
  it('hand-computed rates', () => {
    expect(groupMetrics(counts(3, 1, 4, 2), 1)).toMatchObject({
      status: 'ok',
      count: 10,
      selectionRate: 0.4,
      truePositiveRate: 0.6,
      falsePositiveRate: 0.2,
      positivePredictiveValue: 0.75,
      accuracy: 0.7,
    })
  })

  it('a group with no members: count 0, every rate NaN, insufficient', () => {
    const m = groupMetrics(emptyGroupCounts('nobody', 10))
    expect(m.status).toBe('insufficient')
    for (const v of [m.selectionRate, m.truePositiveRate, m.falsePositiveRate, m.positivePredictiveValue, m.accuracy]) {
      expect(v).toBeNaN()
    }
  })

  it('a single value', () => {
    const m = groupMetrics(counts(1, 0, 0, 0), 1)
    expect(m).toMatchObject({ selectionRate: 1, truePositiveRate: 1, positivePredictiveValue: 1, accuracy: 1 })
    expect(m.falsePositiveRate).toBeNaN() // no negative label
  })

  it('all-one-class labels: no positives → TPR NaN and no negatives → FPR NaN (fairlearn says 0)', () => {
    const negativesOnly = groupMetrics(counts(0, 2, 3, 0), 1)
    expect(negativesOnly.truePositiveRate).toBeNaN()
    expect(negativesOnly.falsePositiveRate).toBe(0.4)
    const positivesOnly = groupMetrics(counts(2, 0, 0, 3), 1)
    expect(positivesOnly.falsePositiveRate).toBeNaN()
    expect(positivesOnly.truePositiveRate).toBe(0.4)
  })

  it('constant predictions: nobody selected → PPV NaN, as precision without predicted positives (sklearn precision_score says 0)', () => {
    const m = groupMetrics(counts(0, 0, 5, 5), 1)
    expect(m.selectionRate).toBe(0)
    expect(m.positivePredictiveValue).toBeNaN()
    // Defined again with one predicted positive, even a wrong one.
    expect(groupMetrics(counts(0, 1, 4, 5), 1).positivePredictiveValue).toBe(0)
  })

  it('below minGroupSize is insufficient; minGroupSize must be a positive integer', () => {
    expect(groupMetrics(counts(10, 10, 5, 4)).status).toBe('insufficient')
    expect(groupMetrics(counts(10, 10, 5, 5)).status).toBe('ok')
    expect(() => groupMetrics(counts(1, 0, 0, 0), 0)).toThrow(RangeError)
    expect(() => groupMetrics(counts(1, 0, 0, 0), 2.5)).toThrow(RangeError)
  })
})

describe('group confusion accumulator', () => {
  it('routes each observation to its confusion cell and calibration bins', () => {
    const s = emptyGroupConfusion(10)
    for (const [yTrue, yPred] of [[1, 1], [0, 1], [0, 0], [1, 0]] as const) addGroupObservation(s, { group: 7, yTrue, yPred })
    addGroupObservation(s, { group: 7, yTrue: 1, yPred: 1, score: 0.95 })
    addGroupObservation(s, { group: 7, yTrue: 1, yPred: 1, score: Number.NaN })
    expect(s.groups[0]).toMatchObject({ group: 7, tp: 3, fp: 1, tn: 1, fn: 1 })
    const m = groupMetrics(s.groups[0]!, 1)
    expect(m.calibrationExcluded).toBe(1)
    expect(m.expectedCalibrationError).toBeCloseTo(0.05, 12)
  })

  it('merge keeps 1 and "1" apart and refuses different nBins', () => {
    const a = addGroupObservation(emptyGroupConfusion(10), { group: 1, yTrue: 1, yPred: 1 })
    const b = addGroupObservation(emptyGroupConfusion(10), { group: '1', yTrue: 0, yPred: 0 })
    expect(mergeGroupConfusion(a, b).groups.map((g) => g.group)).toEqual([1, '1'])
    expect(() => mergeGroupConfusion(a, emptyGroupConfusion(5))).toThrow(RangeError)
  })
})
