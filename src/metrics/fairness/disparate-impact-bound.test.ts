import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/disparate_impact.json' with { type: 'json' }
import { disparateImpactBound, upperQuantile, type SelectionCounts } from './disparate-impact-bound.js'
import { createRng } from '../../demo/random.js'

const groups = (selected: readonly number[], predictions: readonly number[]): SelectionCounts[] =>
  selected.map((x, i) => ({ selected: x, predictions: predictions[i]! }))

/** A seeded generator (mulberry32), so the simulations below are the same on every run. */
const random = (seed: number): (() => number) => createRng(seed).next

describe('disparateImpactBound (statsmodels 0.15.0 Table2x2.riskratio_confint, Bonferroni over pairs)', () => {
  it(`matches ${fixture.cases.length} reference cases to 1e-12 relative (zero cells, 2 to 60 groups)`, () => {
    for (const c of fixture.cases) {
      const r = disparateImpactBound(groups(c.input.selected, c.input.predictions), c.input.confidence)
      if (c.expected.upper === null) {
        expect(r.upper, c.name).toBeNaN()
        continue
      }
      expect(Math.abs(r.upper - c.expected.upper) / c.expected.upper, c.name).toBeLessThan(1e-12)
      expect([r.low, r.high], c.name).toEqual(c.expected.pair)
    }
  })

  it(`z = Φ⁻¹(1 − p) matches scipy.stats.norm.isf to 1e-14 relative for p from 1e-12 to 0.5`, () => {
    for (const { p, isf } of fixture.quantiles) expect(Math.abs(upperQuantile(p) - isf) / Math.max(1, Math.abs(isf)), String(p)).toBeLessThan(1e-14)
  })

  it('hand-computed: 100/500 vs 250/500 at 95 % (one pair, z = 1.6449)', () => {
    const r = disparateImpactBound(groups([100, 250], [500, 500]), 0.95)
    const se = Math.sqrt(1 / 100 - 1 / 500 + 1 / 250 - 1 / 500)
    expect(r.z).toBeCloseTo(1.6448536269514722, 13)
    expect(r.upper).toBeCloseTo(Math.exp(Math.log(0.4) + r.z * se), 14)
    expect(r).toMatchObject({ low: 0, high: 1, pairs: 1 })
  })

  it('Bonferroni: m = k(k − 1)/2 pairs and z = Φ⁻¹(1 − α/m)', () => {
    const r = disparateImpactBound(groups([10, 12, 14, 16, 18], [50, 50, 50, 50, 50]), 0.95)
    expect(r.pairs).toBe(10)
    expect(r.z).toBeCloseTo(2.5758293035489004, 12) // Φ⁻¹(1 − 0.005)
  })

  it('a zero cell shifts every cell of that pair by 0.5: finite bound for a group nobody of which is selected', () => {
    const r = disparateImpactBound(groups([0, 20], [40, 40]), 0.95)
    const se = Math.sqrt(1 / 0.5 - 1 / 41 + 1 / 20.5 - 1 / 41)
    expect(r.upper).toBeCloseTo(Math.exp(Math.log(0.5 / 20.5) + r.z * se), 14)
  })

  it('fewer than two groups, empty input or nobody selected anywhere: NaN, as the ratio', () => {
    for (const g of [[], groups([10], [40]), groups([0, 0], [40, 40])]) {
      const r = disparateImpactBound(g, 0.95)
      expect(r.upper).toBeNaN()
      expect([r.low, r.high]).toEqual([-1, -1])
    }
  })

  it('a group with no predictions takes part in no pair', () => {
    expect(disparateImpactBound(groups([0, 0], [0, 0]), 0.95).upper).toBeNaN()
    expect(disparateImpactBound(groups([0, 10, 20], [0, 40, 40]), 0.95)).toMatchObject({ low: 1, high: 2 })
  })

  it('confidence outside (0, 1), NaN or ±Infinity is a RangeError', () => {
    for (const c of [0, 1, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => disparateImpactBound(groups([1, 2], [10, 10]), c)).toThrow(RangeError)
  })

  it('constant input (equal rates everywhere): the bound is above 1', () => {
    expect(disparateImpactBound(groups([20, 40, 60], [50, 100, 150]), 0.95).upper).toBeGreaterThan(1)
  })

  describe('with no bias (true rate 0.35 in every group), the bound is below 4/5 at most about α of the time', () => {
    it.each([[2, 40], [5, 100], [53, 40], [10, 1000]])('%i groups × %i predictions', (k, n) => {
      const next = random(k * 1000 + n)
      let ratioBelow = 0
      let boundBelow = 0
      const runs = 400
      for (let run = 0; run < runs; run++) {
        const g = Array.from({ length: k }, () => {
          let x = 0
          for (let i = 0; i < n; i++) if (next() < 0.35) x++
          return { selected: x, predictions: n }
        })
        const rates = g.map((c) => c.selected / c.predictions)
        if (Math.min(...rates) / Math.max(...rates) < 0.8) ratioBelow++
        if (disparateImpactBound(g, 0.95).upper < 0.8) boundBelow++
      }
      // The family-wise error rate is at most α = 0.05; 0.1 leaves room for 400 runs' spread.
      expect(boundBelow / runs).toBeLessThanOrEqual(0.1)
      if (k * n <= 5 * 100 || k === 53) expect(ratioBelow / runs).toBeGreaterThan(0.3)
    })
  })
})
