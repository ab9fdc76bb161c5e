import { describe, expect, it } from 'vitest'
import { compareModels } from '../metrics/comparison/index.js'
import { confusionAccumulator, scoreHistogramAccumulator } from '../metrics/performance/index.js'
import { compareVersions, comparisonRows, pickChampion, type VersionWindow } from './comparison.js'
import { emptyPartial } from './partial-state.js'

/** A version window with `n` labeled predictions, `correct` of them right, scores on the grid. */
function version(modelVersion: string, n: number, correct: number, variants: Record<string, number> = {}): VersionWindow {
  const p = emptyPartial()
  const cm = confusionAccumulator()
  const h = scoreHistogramAccumulator()
  p.confusion[''] = cm.create()
  p.ranking[''] = h.create()
  for (let i = 0; i < n; i++) {
    const yTrue = i % 2
    const yPred = i < correct ? yTrue : 1 - yTrue
    cm.update(p.confusion['']!, { yTrue, yPred })
    h.update(p.ranking['']!, { yTrue, score: yPred === 1 ? 0.8 : 0.2 })
  }
  p.predictions = p.labeled = n
  p.byVariant = variants
  return { modelVersion, partial: p }
}

describe('model comparison in the stream', () => {
  it("champion: most 'champion' predictions, else most predictions, ties by version id", () => {
    const a = version('v1', 100, 70, { champion: 100 })
    const b = version('v2', 300, 200, { challenger: 300 })
    expect(pickChampion([b, a])).toMatchObject({ champion: { modelVersion: 'v1' }, challengers: [{ modelVersion: 'v2' }] })
    const c = version('v3', 300, 200)
    const d = version('v4', 100, 80)
    expect(pickChampion([d, c])?.champion.modelVersion).toBe('v3')
    expect(pickChampion([version('b', 10, 5), version('a', 10, 5)])?.champion.modelVersion).toBe('a')
  })

  it('nothing to compare with one version, or without labels on the champion', () => {
    expect(pickChampion([version('v1', 10, 5)])).toBeNull()
    const unlabeled = { modelVersion: 'v1', partial: { ...emptyPartial(), predictions: 50, byVariant: { champion: 50 } } }
    expect(pickChampion([unlabeled, version('v2', 10, 5)])).toBeNull()
    const challengerUnlabeled = { modelVersion: 'v2', partial: { ...emptyPartial(), predictions: 5 } }
    expect(compareVersions([version('v1', 10, 5), challengerUnlabeled])).toEqual([])
  })

  it('challenger − champion with src/metrics/comparison intervals', () => {
    const champion = version('v1', 2000, 1400, { champion: 2000 })
    const challenger = version('v2', 1000, 800, { challenger: 1000 })
    const rows = comparisonRows(champion, challenger)
    const expected = compareModels({ confusion: { tp: 700, fp: 300, tn: 700, fn: 300 } }, { confusion: { tp: 400, fp: 100, tn: 400, fn: 100 } })
    const accuracy = rows.find((r) => r.metric === 'accuracy')!
    expect(accuracy).toEqual({
      metric: 'accuracy', method: 'newcombe', champion_version: 'v1', challenger_version: 'v2', champion_value: 0.7, challenger_value: 0.8,
      difference: expected.accuracy.score, ci_low: expected.accuracy.ciLow, ci_high: expected.accuracy.ciHigh, p_value: expected.accuracy.pValue,
      n_champion: 2000, n_challenger: 1000,
    })
    expect(accuracy.ci_low).toBeGreaterThan(0)
    expect(rows.map((r) => r.metric)).toEqual(['accuracy', 'precision', 'recall', 'false_positive_rate', 'selection_rate', 'f1', 'roc_auc'])
    expect(compareVersions([challenger, champion])).toEqual(rows)
  })
})

describe('model comparison in the stream: accuracy counts exact matches', () => {
  // Champion v1: 36 of 40 right, classes 0/1 only. Challenger v2: "1"/"1" ×10, "0"/"0" ×10,
  // "2"/"0" ×12, "0"/"1" ×4, "1"/"0" ×4 (label/prediction), the 12 "2"/"0" pairs its foldedMatches.
  // scikit-learn 1.9.1 accuracy_score: 0.9 and 0.5. statsmodels 0.15.0:
  // confint_proportions_2indep(20, 40, 36, 40, method='newcomb', compare='diff') = (-0.5598625461249059, -0.20266707330428063).
  const windowOf = (modelVersion: string, counts: number[][], foldedMatches?: number): VersionWindow => {
    const p = emptyPartial()
    p.confusion[''] = { labels: [0, 1], counts, excluded: 0, ...(foldedMatches === undefined ? {} : { foldedMatches }) }
    p.predictions = p.labeled = 40
    return { modelVersion, partial: p }
  }

  it('a "0" predicted for a label "2" is no correct prediction of the challenger: 0.5 against 0.9', () => {
    const rows = comparisonRows(windowOf('v1', [[18, 2], [2, 18]]), windowOf('v2', [[22, 4], [4, 10]], 12))
    const accuracy = rows.find((r) => r.metric === 'accuracy')!
    expect(accuracy).toMatchObject({ champion_value: 0.9, challenger_value: 0.5, n_champion: 40, n_challenger: 40 })
    expect(accuracy.difference).toBeCloseTo(-0.4, 12)
    expect(accuracy.ci_low).toBeCloseTo(-0.5598625461249059, 9)
    expect(accuracy.ci_high).toBeCloseTo(-0.20266707330428063, 9)
    expect(rows.find((r) => r.metric === 'precision')!.challenger_value).toBeCloseTo(10 / 14, 12)
  })
})
