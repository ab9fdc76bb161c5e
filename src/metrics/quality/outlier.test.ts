import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/quality.json' with { type: 'json' }
import { expectClose, expectMergeLaws, fold } from '../../../test/support/unit/metric-checks.js'
import { buildProfile, type Row } from '../profile/index.js'
import { outlierAccumulator, type OutlierSummary } from './outlier-accumulator.js'
import { outlierScorer, rareCategories } from './outlier-score.js'

const { input, expected } = fixture.outliers
const profile = buildProfile(input.reference as Row[], { kinds: { age: 'numerical' } })

describe('outlier score vs the numpy/pandas reference', () => {
  it('rare categories: the rarest holding at most 1% of the reference', () => {
    const city = profile.features['city']
    expect(city?.kind).toBe('categorical')
    expect([...rareCategories(city?.kind === 'categorical' ? city.categories : {})].sort()).toEqual(expected.rare)
  })

  it('per-event scores', () => {
    const score = outlierScorer(profile)
    const scores = (input.current as Row[]).map((r) => score(r).score)
    scores.forEach((s, i) => expectClose(s, expected.scores[i]!, 1e-12, `event ${i}`))
  })

  it('window mean score and outlier rate at the threshold', () => {
    const acc = outlierAccumulator(profile, { threshold: expected.threshold })
    const r = acc.result(fold(acc, input.current as Row[]))
    expectClose(r.meanScore, expected.meanScore, 1e-12, 'mean score')
    expectClose(r.outlierRate, expected.outlierRate, 1e-12, 'outlier rate')
    expect(r.scored).toBe(input.current.length)
  })

  it('merge laws', () => {
    const same = (a: OutlierSummary, b: OutlierSummary) => {
      expect({ ...a, meanScore: 0 }).toEqual({ ...b, meanScore: 0 })
      expectClose(a.meanScore, b.meanScore, 1e-12, 'mean score')
    }
    expectMergeLaws(outlierAccumulator(profile), input.current as Row[], same)
  })
})

describe('outlier score edge cases', () => {
  const small = buildProfile(
    Array.from({ length: 200 }, (_, i) => ({ x: i, c: i < 199 ? 'common' : 'rare' })),
  )
  const score = outlierScorer(small)

  it('a value inside the band scores 0; beyond q0.995 or an unseen category scores 1', () => {
    expect(score({ x: 100, c: 'common' }).score).toBe(0)
    expect(score({ x: 1000, c: 'common' })).toMatchObject({ score: 0.5, features: ['x'] })
    expect(score({ x: 10, c: 'never seen' })).toMatchObject({ score: 0.5, features: ['c'] })
    expect(score({ x: 10, c: 'rare' }).score).toBe(0.5)
  })

  it('ties at the quantiles are not extreme (strict comparison)', () => {
    const tied = outlierScorer(buildProfile(Array.from({ length: 100 }, (_, i) => ({ x: i < 50 ? 0 : i }))))
    expect(tied({ x: 0 }).score).toBe(0)
  })

  it('±Infinity is extreme; NaN, missing and type violations are not evaluated', () => {
    expect(score({ x: Number.NEGATIVE_INFINITY, c: 'common' }).score).toBe(0.5)
    expect(score({ x: Number.NaN, c: 'common' })).toMatchObject({ evaluated: 1, score: 0 })
    expect(score({ x: 'text', c: null })).toMatchObject({ evaluated: 0, score: Number.NaN })
    expect(score({}).score).toBeNaN()
  })

  it('an empty reference evaluates nothing; an empty window gives NaN summaries', () => {
    expect(outlierScorer(buildProfile([{ x: null }]))({ x: 5 }).score).toBeNaN()
    const acc = outlierAccumulator(small)
    const r = acc.result(fold(acc, [{}, { x: null }]))
    expect(r).toMatchObject({ events: 2, scored: 0, unscored: 2, outliers: 0 })
    expect([r.outlierRate, r.meanScore, r.maxScore]).toEqual([Number.NaN, Number.NaN, Number.NaN])
    expect(() => outlierAccumulator(small, { threshold: 0 })).toThrow(RangeError)
  })

  it('a constant reference: anything else is extreme', () => {
    const constant = outlierScorer(buildProfile(Array.from({ length: 10 }, () => ({ x: 2.5 })), { kinds: { x: 'numerical' } }))
    expect([constant({ x: 2.5 }).score, constant({ x: 2.6 }).score]).toEqual([0, 1])
  })
})
