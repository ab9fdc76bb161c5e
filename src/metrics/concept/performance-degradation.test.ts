import { describe, expect, it } from 'vitest'
import { proportionDifference, rankGroups } from '../comparison/index.js'
import { performanceProfile, readTargets, type FeatureValue } from '../profile/index.js'
import { binaryCounts, performanceDegradation } from './performance-degradation.js'

function perf(label: FeatureValue[], prediction?: FeatureValue[], score?: FeatureValue[], task?: 'binary' | 'multiclass') {
  const spec = task === 'multiclass' ? { task, positiveClass: null } : { task: 'binary' as const, positiveClass: '1' }
  return performanceProfile(readTargets({ label, ...(prediction ? { prediction } : {}), ...(score ? { score } : {}) }, spec))
}

describe('performanceDegradation: current − reference', () => {
  const reference = perf([1, 1, 0, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0, 0, 1], [0.9, 0.8, 0.1, 0.2, 0.7, 0.3, 0.4, 0.6])
  const current = perf([1, 1, 0, 0, 1, 0], [0, 1, 1, 0, 0, 0], [0.4, 0.8, 0.6, 0.2, 0.3, 0.1])

  it('binary: rates with Newcombe intervals, current first', () => {
    const r = performanceDegradation({ performance: reference }, { performance: current })
    expect(binaryCounts(reference.classification!)).toEqual({ tp: 3, fn: 1, fp: 1, tn: 3 })
    expect(r.accuracy).toMatchObject({ ...proportionDifference({ successes: 3, trials: 6 }, { successes: 6, trials: 8 }), params: { metric: 'accuracy' } })
    expect(r.recall?.estimates).toEqual([1 / 3, 3 / 4])
    expect(r.f1?.method).toBe('f1_delta')
    expect(r.rocAuc?.method).toBe('delong')
  })

  it('uses exact rank groups when given, the score histogram otherwise (equal for on-grid scores)', () => {
    const exact = performanceDegradation(
      { performance: reference, rankGroups: rankGroups([1, 1, 0, 0, 1, 0, 1, 0], [0.9, 0.8, 0.1, 0.2, 0.7, 0.3, 0.4, 0.6]) },
      { performance: current, rankGroups: rankGroups([1, 1, 0, 0, 1, 0], [0.4, 0.8, 0.6, 0.2, 0.3, 0.1]) },
    )
    const grid = performanceDegradation({ performance: reference }, { performance: current })
    expect(exact.rocAuc?.score).toBeCloseTo(grid.rocAuc!.score, 12)
    expect(exact.rocAuc?.estimates[1]).toBe(reference.probabilistic?.rocAuc)
  })

  it('multiclass: accuracy only', () => {
    const r = performanceDegradation(
      { performance: perf(['a', 'b', 'c', 'a'], ['a', 'b', 'c', 'b'], undefined, 'multiclass') },
      { performance: perf(['a', 'b', 'c'], ['a', 'c', 'b'], undefined, 'multiclass') },
    )
    expect(Object.keys(r)).toEqual(['accuracy'])
    expect(r.accuracy?.estimates).toEqual([1 / 3, 3 / 4])
  })

  it('no labels on one side: nothing to compare; scores only: AUC only', () => {
    const noLabels = performanceProfile(readTargets({ prediction: [1, 0] }, { task: 'binary', positiveClass: '1' }))
    expect(performanceDegradation({ performance: reference }, { performance: noLabels })).toEqual({})
    const scoresOnly = (p: ReturnType<typeof perf>) => ({ ...p, classification: undefined })
    const r = performanceDegradation({ performance: scoresOnly(reference) }, { performance: scoresOnly(current) })
    expect(Object.keys(r)).toEqual(['rocAuc'])
  })

  it('an empty window gives NaN differences', () => {
    const r = performanceDegradation({ performance: reference }, { performance: perf([], [], []) })
    expect(r.accuracy?.score).toBeNaN()
    expect(r.rocAuc?.score).toBeNaN()
  })

  it('mixing tasks is a bug: RangeError', () => {
    const multi = perf(['a', 'b', 'c'], ['a', 'b', 'c'], undefined, 'multiclass')
    expect(() => performanceDegradation({ performance: reference }, { performance: multi })).toThrow(RangeError)
  })
})

describe('performanceDegradation: the accuracy difference counts exact matches', () => {
  // Reference: labels 0/1 alternating, 36 of 40 predicted right. Current: "1"/"1" ×10, "0"/"0" ×10,
  // "2"/"0" ×12, "0"/"1" ×4, "1"/"0" ×4 (label/prediction). scikit-learn 1.9.1 accuracy_score:
  // 0.9 and 0.5 (reading "2" as "0" gave 0.8). statsmodels 0.15.0:
  // confint_proportions_2indep(20, 40, 36, 40, method='newcomb', compare='diff') = (-0.5598625461249059, -0.20266707330428063).
  const reference = perf(
    Array.from({ length: 40 }, (_, i) => String(i % 2)),
    Array.from({ length: 40 }, (_, i) => String(i < 4 ? 1 - (i % 2) : i % 2)),
  )
  const fill = (runs: [string, number][]) => runs.flatMap(([v, n]) => Array<string>(n).fill(v))
  const current = perf(
    fill([['1', 10], ['0', 10], ['2', 12], ['0', 4], ['1', 4]]),
    fill([['1', 10], ['0', 10], ['0', 12], ['1', 4], ['0', 4]]),
  )

  it('a "0" predicted for a label "2" is no success: difference 0.5 − 0.9 with its Newcombe interval, as statsmodels', () => {
    expect(binaryCounts(current.classification!)).toEqual({ tp: 10, fp: 4, tn: 22, fn: 4, foldedMatches: 12 })
    const r = performanceDegradation({ performance: reference }, { performance: current })
    expect(r.accuracy).toMatchObject({ estimates: [0.5, 0.9], sizes: [40, 40], params: { metric: 'accuracy' } })
    expect(r.accuracy!.score).toBeCloseTo(-0.4, 12)
    expect(r.accuracy!.ciLow).toBeCloseTo(-0.5598625461249059, 9)
    expect(r.accuracy!.ciHigh).toBeCloseTo(-0.20266707330428063, 9)
    // The other rates stay one-vs-rest: the 12 pairs are true negatives (FPR 4 / 26).
    expect(r.falsePositiveRate?.estimates[0]).toBeCloseTo(4 / 26, 15)
  })

  it('a profile stored before foldedMatches existed reads as 0 folded', () => {
    const { foldedMatches: _, ...stored } = current.classification!
    const r = performanceDegradation({ performance: reference }, { performance: { ...current, classification: stored } })
    expect(r.accuracy?.estimates).toEqual([0.8, 0.9])
  })
})
