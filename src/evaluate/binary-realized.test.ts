import { describe, expect, it } from 'vitest'
import { cbpeAccumulator, confusionAccumulator, f1, precision, recall, scoreHistogramAccumulator } from '../metrics/performance/index.js'
import { binaryRealized } from './binary-realized.js'

/** 200 labeled predictions: labels, predicted classes and scores by index (scores on the 1/1000 grid). */
function windowOf(label: (i: number) => 0 | 1, predicted: (i: number) => 0 | 1, score: (i: number) => number) {
  const cm = confusionAccumulator()
  const h = scoreHistogramAccumulator()
  const cbpe = cbpeAccumulator()
  const [c, r, e] = [cm.create(), h.create(), cbpe.create()]
  for (let i = 0; i < 200; i++) {
    cm.update(c, { yTrue: label(i), yPred: predicted(i) })
    h.update(r, { yTrue: label(i), score: score(i) })
    cbpe.update(e, { score: score(i), yPred: predicted(i) })
  }
  return { realized: binaryRealized(cm.result(c), r), estimated: cbpe.result(e), cm: cm.result(c) }
}
const low = (i: number) => Math.round((((i * 37) % 100) / 100) * 0.49 * 1000) / 1000
const scores = (m: Record<string, { score: number }>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.score]))

describe('binary realized metrics: undefined by their definition is NaN, not 0', () => {
  it('all labels and predictions negative: precision, recall, F1, ROC AUC and PR AUC NaN; accuracy 1', () => {
    const w = windowOf(() => 0, () => 0, low)
    expect(scores(w.realized)).toEqual({ accuracy: 1, precision: Number.NaN, recall: Number.NaN, f1: Number.NaN, roc_auc: Number.NaN, pr_auc: Number.NaN })
  })

  it('no predicted positive among mixed labels: precision NaN as the CBPE estimate of the same window; recall and F1 0 (defined)', () => {
    const w = windowOf((i) => (i % 3 === 0 ? 1 : 0), () => 0, low)
    expect(w.realized['precision']!.score).toBeNaN()
    expect(w.estimated.precision.score).toBeNaN()
    expect(w.realized['recall']!.score).toBe(0)
    expect(w.realized['f1']!.score).toBe(0)
    expect(w.realized['accuracy']!.score).toBeCloseTo(133 / 200, 15)
  })

  it('a window where every ratio is defined: the library defaults (sklearn) exactly', () => {
    const label = (i: number) => (i % 3 === 0 ? 1 : 0)
    const w = windowOf(label, (i) => (i % 4 === 0 ? 1 : 0), (i) => (label(i) ? 0.6 : 0.3) + (i % 5) / 100)
    expect(scores(w.realized)).toMatchObject({ precision: precision(w.cm).score, recall: recall(w.cm).score, f1: f1(w.cm).score })
    expect(w.realized['pr_auc']!.score).toBe(1)
  })

  it('without a labeled score: no ROC AUC or PR AUC row', () => {
    const cm = confusionAccumulator()
    const c = cm.create()
    cm.update(c, { yTrue: 1, yPred: 1 })
    expect(Object.keys(binaryRealized(cm.result(c), undefined))).toEqual(['accuracy', 'precision', 'recall', 'f1'])
  })
})

describe('binary realized accuracy: exact match of predicted class and label', () => {
  it('the true negatives whose classes differ ("0" for a "2", foldedMatches) are no correct predictions; precision, recall and F1 stay one-vs-rest', () => {
    // 3 TP, 6 TN of which 2 are a label "2" predicted "0", 1 FP. sklearn.metrics.accuracy_score on
    // the class texts: 7 / 10 (scikit-learn 1.9.1); precision 3/4, recall 1, F1 6/7 one-vs-rest.
    const cm = confusionAccumulator()
    const c = cm.create()
    cm.update(c, { yTrue: 1, yPred: 1 }, 3)
    cm.update(c, { yTrue: 0, yPred: 0 }, 6)
    cm.update(c, { yTrue: 0, yPred: 1 }, 1)
    c.foldedMatches = 2
    const m = binaryRealized(cm.result(c), undefined)
    expect(m['accuracy']).toMatchObject({ score: 0.7, n: 10 })
    expect(scores(m)).toMatchObject({ precision: 0.75, recall: 1, f1: 6 / 7 })
  })
})
