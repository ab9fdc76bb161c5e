import { describe, expect, it } from 'vitest'
import { compareModels, rateOf } from './compare-models.js'
import { rankGroups } from './delong.js'
import { proportionDifference } from './proportion-difference.js'

describe('compareModels: challenger − champion', () => {
  const champion = { confusion: { tp: 40, fp: 10, tn: 120, fn: 15 } }
  const challenger = { confusion: { tp: 45, fp: 8, tn: 118, fn: 12 } }

  it('each rate is the Newcombe difference of its proportion, challenger first', () => {
    const r = compareModels(champion, challenger)
    expect(r.accuracy.score).toBeCloseTo(163 / 183 - 160 / 185, 15)
    expect(r.precision.estimates).toEqual([45 / 53, 40 / 50])
    expect(r.recall).toMatchObject({ ...proportionDifference({ successes: 45, trials: 57 }, { successes: 40, trials: 55 }), params: { metric: 'recall' } })
    expect(r.falsePositiveRate.sizes).toEqual([126, 130])
    expect(r.selectionRate.estimates[0]).toBeCloseTo(53 / 183, 15)
    expect(r.f1.method).toBe('f1_delta')
    expect(r.rocAuc).toBeUndefined()
  })

  it('adds the DeLong AUC difference when both sides have scores', () => {
    const r = compareModels(
      { ...champion, rankGroups: rankGroups([1, 0, 1, 0], [0.9, 0.2, 0.4, 0.6]) },
      { ...challenger, rankGroups: rankGroups([1, 0, 1, 0], [0.9, 0.2, 0.7, 0.6]) },
    )
    expect(r.rocAuc?.estimates).toEqual([1, 0.75])
    expect(r.rocAuc?.score).toBe(0.25)
  })

  it('rateOf an empty confusion is 0 of 0 trials', () => {
    expect(rateOf('accuracy', { tp: 0, fp: 0, tn: 0, fn: 0 })).toEqual({ successes: 0, trials: 0 })
  })

  it('an empty champion gives NaN differences, not a crash', () => {
    const r = compareModels({ confusion: { tp: 0, fp: 0, tn: 0, fn: 0 } }, challenger)
    expect(r.accuracy.score).toBeNaN()
    expect(r.f1.score).toBeNaN()
  })
})

describe('compareModels: accuracy is the exact match of predicted class and label', () => {
  // Champion: 36 of 40 right, classes 0/1 only. Challenger: "1"/"1" ×10, "0"/"0" ×10, "2"/"0" ×12,
  // "0"/"1" ×4, "1"/"0" ×4 (label/prediction): one-vs-rest TN 22, of which 12 fold "2" into "0".
  // scikit-learn 1.9.1 accuracy_score: 0.9 and 0.5. statsmodels 0.15.0:
  // confint_proportions_2indep(20, 40, 36, 40, method='newcomb', compare='diff') = (-0.5598625461249059, -0.20266707330428063).
  const champion = { confusion: { tp: 18, fp: 2, tn: 18, fn: 2 } }
  const challenger = { confusion: { tp: 10, fp: 4, tn: 22, fn: 4, foldedMatches: 12 } }

  it('the folded true negatives are no success of accuracy; F1 and the other rates read TN as counted', () => {
    expect(rateOf('accuracy', challenger.confusion)).toEqual({ successes: 20, trials: 40 })
    expect(rateOf('falsePositiveRate', challenger.confusion)).toEqual({ successes: 4, trials: 26 })
    const r = compareModels(champion, challenger)
    expect(r.accuracy).toMatchObject({ estimates: [0.5, 0.9], sizes: [40, 40], params: { metric: 'accuracy' } })
    expect(r.accuracy.ciLow).toBeCloseTo(-0.5598625461249059, 9)
    expect(r.accuracy.ciHigh).toBeCloseTo(-0.20266707330428063, 9)
    const { foldedMatches: _, ...oneVsRest } = challenger.confusion
    expect(compareModels(champion, { confusion: oneVsRest }).f1).toEqual(r.f1)
  })
})
