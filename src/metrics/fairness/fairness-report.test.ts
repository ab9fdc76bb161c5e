import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/fairness.json' with { type: 'json' }
import { expectClose, expectMergeLaws } from '../../../test/support/unit/metric-checks.js'
import { fairnessAccumulator, fairnessReport, type FairnessReport } from './fairness-report.js'
import type { GroupObservation } from './group-confusion.js'

const RATES = ['selectionRate', 'truePositiveRate', 'falsePositiveRate', 'positivePredictiveValue', 'accuracy'] as const
const PARITY = [
  'demographicParityDifference',
  'demographicParityRatio',
  'equalizedOddsDifference',
  'equalOpportunityDifference',
  'disparateImpactRatio',
] as const

type Expected = (typeof fixture.cases)[number]['expected']

describe('fairness report vs fairlearn (MetricFrame by group, parity functions)', () => {
  for (const c of fixture.cases) {
    const input = c.input as { groups: (string | number)[]; yTrue: number[]; yPred: number[]; scores: number[] }
    const expected = c.expected as Expected & { groups: Record<string, Record<string, number>> }
    const report = fairnessReport(input, { minGroupSize: fixture.minGroupSize, nBins: fixture.nBins })

    it(`${c.name}: per-group metrics`, () => {
      expect(report.groups.map((g) => String(g.group))).toEqual(Object.keys(expected.groups).sort())
      for (const g of report.groups) {
        const e = expected.groups[String(g.group)]!
        expect(g.count).toBe(e['count'])
        for (const k of RATES) expectClose(g[k], e[k]!, 1e-9, `${g.group}.${k}`)
        expectClose(g.expectedCalibrationError, e['ece']!, 1e-9, `${g.group}.ece`)
        expect(g.status).toBe(g.count >= fixture.minGroupSize ? 'ok' : 'insufficient')
      }
      expect(report.groups.filter((g) => g.status === 'ok').map((g) => g.group)).toEqual(expected.sufficientGroups)
    })

    it(`${c.name}: parity metrics over sufficient groups`, () => {
      if (expected.sufficientGroups.length < 2) {
        // fairlearn over one group says difference 0, ratio 1: driftwatch gives no figure.
        expect(report.parity.status).toBe('insufficient')
        for (const k of PARITY) expect(report.parity[k].score, k).toBeNaN()
        expect(report.parity.disparateImpactRatio.fourFifthsRuleViolated).toBeNull()
        return
      }
      for (const k of PARITY) expectClose(report.parity[k].score, expected.parity[k], 1e-9, k)
      expect(report.parity.disparateImpactRatio.fourFifthsRuleViolated).toBe(expected.parity.fourFifthsRuleViolated)
      expect(report.parity.equalizedOddsDifference.params).toMatchObject({ agg: 'worst_case', minGroupSize: 30 })
    })
  }
})

describe('fairnessAccumulator', () => {
  const c = fixture.cases[0]!
  const xs: GroupObservation[] = c.input.groups.map((group, i) => ({
    group,
    yTrue: c.input.yTrue[i]!,
    yPred: c.input.yPred[i]!,
    score: c.input.scores[i]!,
  }))
  const same = (a: FairnessReport, b: FairnessReport): void => {
    expect(a.groups.map((g) => [g.group, g.tp, g.fp, g.tn, g.fn])).toEqual(b.groups.map((g) => [g.group, g.tp, g.fp, g.tn, g.fn]))
    a.groups.forEach((g, i) => expectClose(g.expectedCalibrationError, b.groups[i]!.expectedCalibrationError, 1e-12))
    for (const k of PARITY) expectClose(a.parity[k].score, b.parity[k].score, 1e-15)
  }

  it('merge laws', () => {
    expectMergeLaws(fairnessAccumulator(), xs, same)
    // Partitions that each hold only some groups.
    const sorted = [...xs].sort((a, b) => String(a.group).localeCompare(String(b.group)))
    expectMergeLaws(fairnessAccumulator(), sorted, same)
  })

  it('empty input: no groups, parity NaN', () => {
    const r = fairnessReport({ groups: [], yTrue: [], yPred: [] })
    expect(r.groups).toEqual([])
    for (const k of PARITY) expect(r.parity[k].score).toBeNaN()
    expect(r.parity.disparateImpactRatio.fourFifthsRuleViolated).toBeNull()
  })

  it('a listed group with no members is reported as insufficient with NaN rates', () => {
    const r = fairnessReport({ groups: ['a', 'a'], yTrue: [1, 0], yPred: [1, 0] }, { minGroupSize: 1, groups: ['ghost', 'a'] })
    expect(r.groups.map((g) => [g.group, g.status, g.count])).toEqual([
      ['a', 'ok', 2],
      ['ghost', 'insufficient', 0],
    ])
    expect(r.groups[1]!.selectionRate).toBeNaN()
    expect(r.parity.demographicParityDifference).toMatchObject({ score: Number.NaN, params: { groupsCompared: 1, groupsInsufficient: 1, status: 'insufficient' } })
  })

  it('NaN/±Infinity groups and non-binary labels or predictions are excluded and counted', () => {
    const r = fairnessReport(
      { groups: ['a', Number.NaN, Infinity, 'a', 'a'], yTrue: [1, 1, 1, 2, 1], yPred: [1, 1, 1, 1, Number.NaN] },
      { minGroupSize: 1 },
    )
    expect(r.excluded).toBe(4)
    expect(r.groups).toHaveLength(1)
    expect(r.parity.demographicParityRatio).toMatchObject({ score: Number.NaN, n: 1, excluded: 4 })
  })

  it('scores are optional: without them the per-group ECE is NaN', () => {
    const r = fairnessReport({ groups: [1, 1], yTrue: [1, 0], yPred: [1, 1] }, { minGroupSize: 1 })
    expect(r.groups[0]!.expectedCalibrationError).toBeNaN()
  })

  it('rejects a bad minGroupSize or nBins and mismatched arrays', () => {
    expect(() => fairnessAccumulator({ minGroupSize: 0 })).toThrow(RangeError)
    expect(() => fairnessAccumulator({ nBins: -1 })).toThrow(RangeError)
    expect(() => fairnessReport({ groups: ['a'], yTrue: [1, 0], yPred: [1] })).toThrow(RangeError)
  })
})
