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
