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
interface DefinedRates {
  readonly equalOpportunityDifference: number | null
  readonly equalizedOddsDifference: number | null
  readonly withoutPositives: readonly string[]
  readonly withoutNegatives: readonly string[]
}

describe('fairness report vs fairlearn (MetricFrame by group, parity functions)', () => {
  for (const c of fixture.cases) {
    const input = c.input as { groups: (string | number)[]; yTrue: number[]; yPred: number[]; scores: number[] }
    const expected = c.expected as Expected & { groups: Record<string, Record<string, number>>; parityDefinedRates: DefinedRates }
    const defined = expected.parityDefinedRates
    const report = fairnessReport(input, { minGroupSize: fixture.minGroupSize, nBins: fixture.nBins })

    it(`${c.name}: per-group metrics`, () => {
      expect(report.groups.map((g) => String(g.group))).toEqual(Object.keys(expected.groups).sort())
      for (const g of report.groups) {
        const e = expected.groups[String(g.group)]!
        expect(g.count).toBe(e['count'])
        // The documented departures (group-metrics.ts): a 0/0 rate is undefined, NaN, where the
        // reference says 0. No positive (negative) label → fairlearn's TPR (FPR) is 0, as
        // sklearn's confusion_matrix turns 0/0 into 0. No predicted positive → sklearn's
        // precision_score(zero_division=0) PPV is 0; ours is NaN, as the stream's and the batch
        // report's precision at 0/0.
        const undefinedRates = new Set<string>([
          ...(g.tp + g.fn === 0 ? ['truePositiveRate'] : []),
          ...(g.fp + g.tn === 0 ? ['falsePositiveRate'] : []),
          ...(g.tp + g.fp === 0 ? ['positivePredictiveValue'] : []),
        ])
        for (const k of RATES) {
          if (undefinedRates.has(k)) {
            expect(e[k], `fairlearn ${g.group}.${k}`).toBe(0)
            expect(g[k], `${g.group}.${k}`).toBeNaN()
          } else expectClose(g[k], e[k]!, 1e-9, `${g.group}.${k}`)
        }
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
        expect(report.parity.disparateImpactRatioUpper.score).toBeNaN()
        return
      }
      // Equal opportunity and equalized odds where a sufficient group lacks a rate: the next test.
      const departs = defined.withoutPositives.length + defined.withoutNegatives.length > 0
      for (const k of PARITY) {
        if (departs && (k === 'equalOpportunityDifference' || k === 'equalizedOddsDifference')) continue
        expectClose(report.parity[k].score, expected.parity[k], 1e-9, k)
      }
      // fairlearn's four-fifths reading is the observed ratio's (< 0.8).
      expect(report.parity.disparateImpactRatio.belowFourFifths).toBe(expected.parity.fourFifthsRuleViolated)
      expect(report.parity.equalizedOddsDifference.params).toMatchObject({ agg: 'worst_case', minGroupSize: 30 })
    })

    it(`${c.name}: equal opportunity and equalized odds over the groups whose rates are defined`, () => {
      // fairlearn on the sufficient groups with a positive label (equal opportunity), and with a
      // positive and a negative label (equalized odds); NaN (null) when fewer than two remain.
      for (const k of ['equalOpportunityDifference', 'equalizedOddsDifference'] as const) {
        const e = defined[k]
        if (e === null) {
          expect(report.parity[k].score, k).toBeNaN()
          expect(report.parity[k].params['status'], k).toBe('insufficient')
        } else expectClose(report.parity[k].score, e, 1e-9, k)
      }
      if (expected.sufficientGroups.length < 2) return
      const withoutTpr = defined.withoutPositives.length
      const withoutFpr = defined.withoutNegatives.filter((g) => !defined.withoutPositives.includes(g)).length
      expect(report.parity.equalOpportunityDifference.params['groupsRateUndefined']).toBe(withoutTpr)
      expect(report.parity.equalizedOddsDifference.params['groupsRateUndefined']).toBe(withoutTpr + withoutFpr)
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

  describe('selection rate counts every prediction; label metrics only the labeled pairs', () => {
    // Group A: 1000 predictions, 500 selected; B: 1000, 300 selected; labels arrive only for the
    // selected (approved) rows. Labeled-only selection rates were 1.0 and 1.0 (disparate impact 1.0).
    const groups: string[] = []
    const yTrue: (number | null)[] = []
    const yPred: number[] = []
    for (const [g, selected] of [['A', 500], ['B', 300]] as const) {
      for (let i = 0; i < 1000; i++) {
        groups.push(g)
        yPred.push(i < selected ? 1 : 0)
        yTrue.push(i < selected ? (i % 5 === 0 ? 0 : 1) : null)
      }
    }

    it('fairlearn over all rows: SR 0.5 and 0.3, disparate impact 0.6; TPR/PPV from the labeled pairs', () => {
      const r = fairnessReport({ groups, yTrue, yPred }, { minGroupSize: 30 })
      expect(r.groups.map((g) => [g.group, g.predictions, g.selected, g.count, g.selectionRate])).toEqual([['A', 1000, 500, 500, 0.5], ['B', 1000, 300, 300, 0.3]])
      expectClose(r.parity.disparateImpactRatio.score, 0.6, 1e-15)
      expectClose(r.parity.demographicParityDifference.score, 0.2, 1e-15)
      expect(r.parity.disparateImpactRatio).toMatchObject({ n: 2000, fourFifthsRuleViolated: true })
      expect(r.groups.map((g) => [g.truePositiveRate, g.positivePredictiveValue])).toEqual([[1, 0.8], [1, 0.8]])
      expect(r.parity.equalOpportunityDifference).toMatchObject({ score: 0, n: 800 })
      expect(r.excluded).toBe(0)
    })

    it('selection and label metrics compare the groups large enough for each', () => {
      // B has 1000 predictions but only 20 labeled pairs: compared for parity of selection, not of TPR.
      const few = yTrue.map((y, i) => (groups[i] === 'B' && i >= 1020 ? null : y))
      const r = fairnessReport({ groups, yTrue: few, yPred }, { minGroupSize: 30 })
      expect(r.groups.map((g) => [g.group, g.status, g.selectionStatus])).toEqual([['A', 'ok', 'ok'], ['B', 'insufficient', 'ok']])
      expectClose(r.parity.disparateImpactRatio.score, 0.6, 1e-15)
      expect(r.parity).toMatchObject({ selectionStatus: 'ok', labeledStatus: 'insufficient', status: 'insufficient' })
      expect(r.parity.equalizedOddsDifference.score).toBeNaN()
    })

    it('merges exactly, and a group state stored before the selection counts reads as labeled-only', () => {
      const acc = fairnessAccumulator({ minGroupSize: 30 })
      const xs: GroupObservation[] = groups.map((group, i) => ({ group, yTrue: yTrue[i], yPred: yPred[i]! }))
      expectMergeLaws(acc, xs, (a, b) => expect(a).toEqual(b))
      const labeledOnly = acc.create()
      acc.update(labeledOnly, { group: 'A', yTrue: 1, yPred: 1 }, 40)
      acc.update(labeledOnly, { group: 'A', yTrue: 0, yPred: 0 }, 60)
      const old = JSON.parse(JSON.stringify(labeledOnly, (k, v) => (k === 'predictions' || k === 'selected' ? undefined : v))) as typeof labeledOnly
      const unlabeled = acc.update(acc.create(), { group: 'A', yPred: 1 }, 100)
      expect(acc.result(acc.merge(old, unlabeled)).groups[0]).toMatchObject({ predictions: 200, selected: 140, count: 100, selectionRate: 0.7 })
    })
  })

  it('rejects a bad minGroupSize or nBins and mismatched arrays', () => {
    expect(() => fairnessAccumulator({ minGroupSize: 0 })).toThrow(RangeError)
    expect(() => fairnessAccumulator({ nBins: -1 })).toThrow(RangeError)
    expect(() => fairnessReport({ groups: ['a'], yTrue: [1, 0], yPred: [1] })).toThrow(RangeError)
  })
})

describe("a group's accuracy is the exact match of predicted class and label", () => {
  // Label/prediction per group: a — "1"/"1" ×5, "0"/"0" ×7, "2"/"0" ×6, "0"/"1" ×2; b — "1"/"1" ×5,
  // "0"/"0" ×5, "2"/"0" ×4, "0"/"1" ×2, "1"/"0" ×4; positive class "1", so "2"/"0" is a true
  // negative whose classes differ (folded). fairlearn 0.15.0 / scikit-learn 1.9.1:
  // MetricFrame(metrics=accuracy_score, y_true=labels, y_pred=predictions, sensitive_features=groups).by_group
  // = {a: 0.6, b: 0.5}; reading "2" as "0" gave 0.9 and 0.7.
  const runs: [string, string, string, number][] = [
    ['a', '1', '1', 5], ['a', '0', '0', 7], ['a', '2', '0', 6], ['a', '0', '1', 2],
    ['b', '1', '1', 5], ['b', '0', '0', 5], ['b', '2', '0', 4], ['b', '0', '1', 2], ['b', '1', '0', 4],
  ]
  const rows = runs.flatMap(([group, label, predicted, n]) => Array.from({ length: n }, () => ({ group, label, predicted })))
  const data = {
    groups: rows.map((r) => r.group),
    yTrue: rows.map((r) => (r.label === '1' ? 1 : 0)),
    yPred: rows.map((r) => (r.predicted === '1' ? 1 : 0)),
    folded: rows.map((r) => r.label !== '1' && r.predicted !== '1' && r.label !== r.predicted),
  }

  it('folded true negatives are no correct prediction: 0.6 and 0.5, as fairlearn; FPR still reads them as negatives', () => {
    const r = fairnessReport(data, { minGroupSize: 1 })
    expect(r.groups.map((g) => [g.group, g.count, g.tn, g.accuracy])).toEqual([['a', 20, 13, 0.6], ['b', 20, 9, 0.5]])
    expect(r.groups.map((g) => g.falsePositiveRate)).toEqual([2 / 15, 2 / 11])
    const { folded: _, ...oneVsRest } = data
    expect(fairnessReport(oneVsRest, { minGroupSize: 1 }).groups.map((g) => g.accuracy)).toEqual([0.9, 0.7])
  })

  it('the count merges exactly, and a group state stored before it reads as 0', () => {
    const acc = fairnessAccumulator({ minGroupSize: 1 })
    const xs: GroupObservation[] = data.groups.map((group, i) => ({ group, yTrue: data.yTrue[i]!, yPred: data.yPred[i]!, ...(data.folded[i] ? { folded: true } : {}) }))
    expectMergeLaws(acc, xs, (a, b) => expect(a).toEqual(b))
    const state = xs.reduce((s, x) => acc.update(s, x), acc.create())
    expect(state.groups.map((g) => g.foldedMatches)).toEqual([6, 4])
    const old = JSON.parse(JSON.stringify(state, (k, v) => (k === 'foldedMatches' ? undefined : v))) as typeof state
    expect(acc.result(acc.merge(old, state)).groups.map((g) => g.accuracy)).toEqual([0.75, 0.6])
    // `folded` on a pair that is no true negative is ignored.
    const s = acc.update(acc.create(), { group: 'c', yTrue: 1, yPred: 0, folded: true })
    expect(s.groups[0]).not.toHaveProperty('foldedMatches')
  })

  it('rejects a folded array of another length', () => {
    expect(() => fairnessReport({ ...data, folded: [true] })).toThrow(RangeError)
  })
})
