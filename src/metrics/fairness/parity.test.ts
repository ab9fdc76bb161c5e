import { describe, expect, it } from 'vitest'
import { emptyCalibration } from '../performance/calibration.js'
import { groupMetrics, type GroupMetrics } from './group-metrics.js'
import { parityMetrics } from './parity.js'

const group = (name: string, tp: number, fp: number, tn: number, fn: number, min = 1): GroupMetrics =>
  groupMetrics({ group: name, tp, fp, tn, fn, calibration: emptyCalibration(10) }, min)

describe('parityMetrics (hand-computed)', () => {
  // a: SR 0.5, TPR 0.8, FPR 0.2; b: SR 0.3, TPR 0.5, FPR 1/6
  const a = group('a', 4, 1, 4, 1)
  const b = group('b', 2, 1, 5, 2)

  it('differences, ratios and the four-fifths facts: 3 of 10 vs 5 of 10 is below 4/5, but within sampling noise', () => {
    const p = parityMetrics([a, b], 1)
    expect(p.demographicParityDifference.score).toBeCloseTo(0.2, 15)
    expect(p.demographicParityRatio.score).toBeCloseTo(0.6, 15)
    expect(p.equalOpportunityDifference.score).toBeCloseTo(0.3, 15)
    expect(p.equalizedOddsDifference.score).toBeCloseTo(0.3, 15)
    expect(p.disparateImpactRatio.belowFourFifths).toBe(true)
    // Katz: exp(ln 0.6 + 1.6449·sqrt(1/3 − 1/10 + 1/5 − 1/10)) = 1.5468
    expect(p.disparateImpactRatioUpper.score).toBeCloseTo(Math.exp(Math.log(0.6) + 1.6448536269514722 * Math.sqrt(1 / 3 - 1 / 10 + 1 / 5 - 1 / 10)), 13)
    expect(p.disparateImpactRatio.fourFifthsRuleViolated).toBe(false)
    expect(p.disparateImpactRatio.params).toMatchObject({ threshold: 0.8, belowFourFifths: true, fourFifthsRuleViolated: false, groupsCompared: 2 })
    expect(p.disparateImpactRatioUpper).toMatchObject({
      method: 'disparate_impact_ratio_upper', n: 20,
      params: { confidence: 0.95, pairs: 1, interval: 'katz_log', correction: 'bonferroni', lowGroup: 'b', highGroup: 'a', status: 'ok', groupsCompared: 2 },
    })
  })

  it('the same rates over 500 predictions a group violate the four-fifths rule beyond sampling noise', () => {
    const p = parityMetrics([group('a', 200, 50, 200, 50), group('b', 100, 50, 300, 50)], 1)
    expect(p.disparateImpactRatio.score).toBeCloseTo(0.6, 15)
    expect(p.disparateImpactRatioUpper.score).toBeLessThan(0.8)
    expect(p.disparateImpactRatio).toMatchObject({ belowFourFifths: true, fourFifthsRuleViolated: true })
  })

  it('confidence sets the bound: 0.99 gives a higher one than 0.8', () => {
    const at = (c: number) => parityMetrics([a, b], 1, 0, c).disparateImpactRatioUpper
    expect(at(0.99).score).toBeGreaterThan(at(0.8).score)
    expect(at(0.99).params['confidence']).toBe(0.99)
  })

  it('ratio exactly 0.8 does not violate the four-fifths rule', () => {
    const p = parityMetrics([group('x', 4, 1, 5, 0), group('y', 3, 1, 6, 0)], 1)
    expect(p.disparateImpactRatio.score).toBe(0.8)
    expect(p.disparateImpactRatio.fourFifthsRuleViolated).toBe(false)
  })

  it('insufficient groups are left out, and with fewer than two groups left there is no figure (not 1.0 / ok)', () => {
    const tiny = group('tiny', 0, 0, 2, 0, 30)
    const p = parityMetrics([group('a', 40, 10, 40, 10, 30), tiny], 30)
    expect(p.status).toBe('insufficient')
    expect(p.demographicParityDifference).toMatchObject({ n: 100, params: { groupsCompared: 1, groupsInsufficient: 1, status: 'insufficient' } })
    expect(p.demographicParityDifference.score).toBeNaN()
    expect(p.disparateImpactRatio.score).toBeNaN()
    expect(p.disparateImpactRatioUpper.score).toBeNaN()
    expect(p.disparateImpactRatioUpper.params).toMatchObject({ lowGroup: null, highGroup: null })
    expect(p.disparateImpactRatio.fourFifthsRuleViolated).toBeNull()
    expect(p.disparateImpactRatio.belowFourFifths).toBeNull()
  })

  it('two sufficient groups and a small one: compared over the two, status partial', () => {
    const p = parityMetrics([group('x', 40, 10, 40, 10, 30), group('y', 20, 10, 60, 10, 30), group('tiny', 0, 0, 2, 0, 30)], 30)
    expect(p.status).toBe('partial')
    expect(p.disparateImpactRatio.score).toBeCloseTo(0.3 / 0.5, 15)
    // One pair (x, y): the small group takes part in neither the ratio nor its bound.
    expect(p.disparateImpactRatioUpper.params).toMatchObject({ pairs: 1, lowGroup: 'y', highGroup: 'x' })
  })

  it('empty input (no groups) and a group with no members give NaN', () => {
    for (const groups of [[], [group('ghost', 0, 0, 0, 0)]]) {
      const p = parityMetrics(groups, 1)
      expect(p.demographicParityDifference.score).toBeNaN()
      expect(p.equalizedOddsDifference.score).toBeNaN()
      expect(p.disparateImpactRatio.fourFifthsRuleViolated).toBeNull()
    }
  })

  it('a single group: no figure (fairlearn says difference 0, ratio 1: nothing was compared)', () => {
    const p = parityMetrics([a], 1)
    expect(p.status).toBe('insufficient')
    expect([p.demographicParityDifference.score, p.demographicParityRatio.score]).toEqual([Number.NaN, Number.NaN])
  })

  it('constant input: nobody selected anywhere → ratio 0/0 = NaN, difference 0', () => {
    const p = parityMetrics([group('u', 0, 0, 3, 2), group('v', 0, 0, 4, 1)], 1)
    expect(p.demographicParityDifference.score).toBe(0)
    expect(p.demographicParityRatio.score).toBeNaN()
    expect(p.disparateImpactRatio.fourFifthsRuleViolated).toBeNull()
    expect(p.disparateImpactRatioUpper.score).toBeNaN()
  })

  describe('a group without positive (negative) labels has no TPR (FPR) and is left out of the metrics that use it', () => {
    // fairlearn counts the missing rate as 0: equal opportunity 0.8 here, a disparity the data does not show.
    const negativesOnly = group('negatives_only', 0, 2, 8, 0) // TPR undefined, FPR 0.2
    const positivesOnly = group('positives_only', 3, 0, 0, 2) // TPR 0.6, FPR undefined

    it('with two groups left, compared over them, status partial', () => {
      const p = parityMetrics([a, b, negativesOnly], 1)
      expect(p.equalOpportunityDifference.score).toBeCloseTo(0.3, 15)
      expect(p.equalOpportunityDifference).toMatchObject({ n: 20, params: { status: 'partial', groupsCompared: 2, groupsInsufficient: 0, groupsRateUndefined: 1 } })
      expect(p.equalizedOddsDifference.score).toBeCloseTo(0.3, 15)
      expect(p.equalizedOddsDifference.params).toMatchObject({ status: 'partial', groupsCompared: 2, groupsRateUndefined: 1 })
      // Selection needs no label: every group takes part.
      expect(p.demographicParityDifference.params).toMatchObject({ status: 'ok', groupsCompared: 3 })
      expect(p).toMatchObject({ selectionStatus: 'ok', labeledStatus: 'partial', status: 'partial' })
    })

    it('equalized odds needs both rates: a group without negatives takes part in equal opportunity only', () => {
      const p = parityMetrics([a, positivesOnly], 1)
      expect(p.equalOpportunityDifference.score).toBeCloseTo(0.2, 15)
      expect(p.equalOpportunityDifference.params).toMatchObject({ status: 'ok', groupsCompared: 2, groupsRateUndefined: 0 })
      expect(p.equalizedOddsDifference.score).toBeNaN()
      expect(p.equalizedOddsDifference.params).toMatchObject({ status: 'insufficient', groupsCompared: 1, groupsRateUndefined: 1 })
      expect(p.labeledStatus).toBe('insufficient')
    })

    it('a window whose labels are all negative has no equal opportunity or equalized odds (not 0, "perfectly fair")', () => {
      const p = parityMetrics([negativesOnly, group('also_negatives_only', 0, 5, 5, 0)], 1)
      for (const r of [p.equalOpportunityDifference, p.equalizedOddsDifference]) {
        expect(r.score).toBeNaN()
        expect(r.params).toMatchObject({ status: 'insufficient', groupsCompared: 0, groupsRateUndefined: 2 })
      }
      expect(p.demographicParityDifference.score).toBeCloseTo(0.3, 15)
    })

    it('a group too small is counted as insufficient, not as without the rate', () => {
      const p = parityMetrics([group('x', 40, 10, 40, 10, 30), group('y', 20, 10, 60, 10, 30), group('tiny', 0, 0, 2, 0, 30)], 30)
      expect(p.equalOpportunityDifference.params).toMatchObject({ groupsInsufficient: 1, groupsRateUndefined: 0 })
    })
  })
})
