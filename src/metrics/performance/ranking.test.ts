import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/performance.json' with { type: 'json' }
import { averagePrecision, averagePrecisionOvr, rankingFromGroups, rankingMetrics, rocAuc, rocAucOvr, tieGroups } from './ranking.js'
import { expectClose } from '../../../test/support/unit/metric-checks.js'

describe('binary ROC AUC and AP vs sklearn roc_auc_score / average_precision_score', () => {
  for (const c of fixture.ranking) {
    it(c.name, () => {
      expectClose(rocAuc(c.input.yTrue, c.input.scores).score, c.expected.rocAuc, 1e-9, 'roc_auc')
      expectClose(averagePrecision(c.input.yTrue, c.input.scores).score, c.expected.averagePrecision, 1e-9, 'ap')
    })
  }
})

describe('multiclass one-vs-rest macro vs sklearn', () => {
  for (const c of fixture.multiclassRanking) {
    it(c.name, () => {
      const auc = rocAucOvr(c.input.yTrue, c.input.scores, c.input.classes)
      expectClose(auc.score, c.expected.rocAucOvrMacro, 1e-9, 'roc_auc ovr')
      auc.perClass.forEach((v, k) => expectClose(v, c.expected.perClassRocAuc[k] ?? null, 1e-9, `class ${k}`))
      const ap = averagePrecisionOvr(c.input.yTrue, c.input.scores, c.input.classes)
      expectClose(ap.score, c.expected.averagePrecisionMacro, 1e-9, 'ap macro')
      expect(auc.params).toEqual({ multiClass: 'ovr', average: 'macro' })
    })
  }
})

describe('ranking edge cases', () => {
  it('empty input gives NaN', () => {
    expect(rocAuc([], []).score).toBeNaN()
    expect(averagePrecision([], []).score).toBeNaN()
    expect(rocAucOvr([], [], ['a', 'b']).score).toBeNaN()
  })

  it('a single value: ROC AUC undefined, AP 1 for a positive and 0 for a negative', () => {
    expect(rocAuc([1], [0.2]).score).toBeNaN()
    expect(averagePrecision([1], [0.2]).score).toBe(1)
    expect(averagePrecision([0], [0.2]).score).toBe(0)
  })

  it('constant scores: one tie group, AUC 0.5 and AP = prevalence', () => {
    expect(rocAuc([1, 0, 0, 1], [0.3, 0.3, 0.3, 0.3]).score).toBe(0.5)
    expect(averagePrecision([1, 0, 0, 0], [7, 7, 7, 7]).score).toBe(0.25)
  })

  it('NaN, ±Infinity scores and non-binary labels are excluded and counted', () => {
    const r = rocAuc([1, 0, 1, 0, 2, 1], [0.9, 0.1, Number.NaN, Infinity, 0.5, -Infinity])
    expect(r).toMatchObject({ score: 1, n: 2, excluded: 4 })
    expect(averagePrecision([1, 0, Number.NaN], [0.9, 0.1, 0.5]).excluded).toBe(1)
  })

  it('all-one-class labels: ROC AUC NaN, AP 1 (positives) or 0 (negatives)', () => {
    expect(rocAuc([0, 0], [0.1, 0.2]).score).toBeNaN()
    expect(averagePrecision([1, 1], [0.1, 0.2]).score).toBe(1)
    expect(averagePrecision([0, 0], [0.1, 0.2]).score).toBe(0)
  })

  it('a class with no members (never a true label): its AUC is NaN, its AP 0', () => {
    const scores = [
      [0.7, 0.3, 0],
      [0.2, 0.8, 0],
    ]
    const auc = rocAucOvr(['a', 'b'], scores, ['a', 'b', 'c'])
    expect(auc.perClass).toEqual([1, 1, Number.NaN])
    expect(auc.score).toBeNaN()
    expect(averagePrecisionOvr(['a', 'b'], scores, ['a', 'b', 'c']).perClass).toEqual([1, 1, 0])
  })

  it('an unseen true class or a non-finite score excludes the row', () => {
    const r = rocAucOvr(
      ['a', 'b', 'zebra', 'a'],
      [
        [0.9, 0.1],
        [0.2, 0.8],
        [0.5, 0.5],
        [Number.NaN, 0.5],
      ],
      ['a', 'b'],
    )
    expect(r).toMatchObject({ score: 1, n: 2, excluded: 2 })
  })

  it('rejects mismatched lengths', () => {
    expect(() => rocAuc([1, 0], [0.5])).toThrow(RangeError)
    expect(() => rocAucOvr(['a'], [[0.5, 0.5, 0]], ['a', 'b'])).toThrow(RangeError)
  })

  it('rankingFromGroups skips empty groups', () => {
    const groups = [
      { positives: 1, negatives: 0 },
      { positives: 0, negatives: 0 },
      { positives: 0, negatives: 1 },
    ]
    expect(rankingFromGroups(groups)).toEqual({ rocAuc: 1, averagePrecision: 1 })
  })
})

describe('tieGroups (typed sorts merged from the top)', () => {
  // The groups by definition: distinct scores descending, positives and negatives at each.
  const byDefinition = (pos: number[], neg: number[]) =>
    [...new Set([...pos, ...neg])]
      .sort((a, b) => b - a)
      .map((s) => ({ positives: pos.filter((x) => x === s).length, negatives: neg.filter((x) => x === s).length }))

  it('equals the distinct-score grouping on heavy ties, one-sided tops and bottoms, and -0 with +0', () => {
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const pos = Array.from({ length: 300 }, () => Math.round(next() * 20) / 20)
    const neg = Array.from({ length: 400 }, () => Math.round(next() * 20) / 20 - 0.05)
    pos.push(2, 2, -0)
    neg.push(0, -3, -3)
    const groups = tieGroups(Float64Array.from(pos), Float64Array.from(neg))
    expect(groups).toEqual(byDefinition(pos, neg))
    expect(groups[0]).toEqual({ positives: 2, negatives: 0 })
    expect(groups.at(-1)).toEqual({ positives: 0, negatives: 2 })
  })

  it('empty sides', () => {
    expect(tieGroups(new Float64Array(0), new Float64Array(0))).toEqual([])
    expect(tieGroups(Float64Array.from([0.5, 0.5]), new Float64Array(0))).toEqual([{ positives: 2, negatives: 0 }])
  })

  it('rankingMetrics gives rocAuc and averagePrecision of one ranking', () => {
    const y = [1, 0, 1, 1, 0, 0, 1]
    const s = [0.9, 0.9, 0.4, 0.4, 0.4, 0.1, 0.7]
    const r = rankingMetrics(y, s)
    expect(r.rocAuc).toEqual(rocAuc(y, s))
    expect(r.averagePrecision).toEqual(averagePrecision(y, s))
  })
})
