import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/performance.json' with { type: 'json' }
import { accuracy, classificationMetrics, classificationReport, f1, precision, recall, type Average } from './classification.js'
import { confusionMatrix } from './confusion-matrix.js'
import { expectClose } from '../../../test/support/unit/metric-checks.js'

describe('classification metrics vs sklearn precision_recall_fscore_support (zero_division="warn")', () => {
  for (const c of fixture.classification) {
    const averages: Average[] = ['macro', 'micro', 'weighted', ...('binary' in c.expected ? (['binary'] as const) : [])]
    for (const average of averages) {
      it(`${c.name} / ${average}`, () => {
        const labels = c.input.labels ?? undefined
        const report = classificationMetrics(c.input.yTrue, c.input.yPred, { average, labels })
        const expected = (c.expected as unknown as Record<Average, { precision: number; recall: number; f1: number }>)[average]
        expectClose(report.precision.score, expected.precision, 1e-9, 'precision')
        expectClose(report.recall.score, expected.recall, 1e-9, 'recall')
        expectClose(report.f1.score, expected.f1, 1e-9, 'f1')
        expectClose(report.accuracy.score, c.expected.accuracy, 1e-9, 'accuracy')
        expect(report.precision.params).toMatchObject({ average, zeroDivision: 0 })
      })
    }
  }
})

describe('classification edge cases', () => {
  it('empty input: every metric is NaN', () => {
    const r = classificationMetrics([], [], { average: 'macro' })
    for (const m of [r.accuracy, r.precision, r.recall, r.f1]) expect(m.score).toBeNaN()
    expect(classificationMetrics([], []).precision.score).toBeNaN()
  })

  it('a single value', () => {
    const r = classificationMetrics([1], [1])
    expect([r.accuracy.score, r.precision.score, r.recall.score, r.f1.score]).toEqual([1, 1, 1, 1])
  })

  it('constant input: all negative labels and predictions → zero_division gives 0 for binary', () => {
    const r = classificationMetrics([0, 0, 0], [0, 0, 0])
    expect([r.accuracy.score, r.precision.score, r.recall.score, r.f1.score]).toEqual([1, 0, 0, 0])
    expect(classificationMetrics([0, 0, 0], [0, 0, 0], { zeroDivision: 1 }).precision.score).toBe(1)
  })

  it("zero_division 'nan' (sklearn np.nan): undefined binary ratios are NaN; macro and weighted leave NaN classes out", () => {
    const r = classificationMetrics([0, 0, 0], [0, 0, 0], { zeroDivision: 'nan' })
    expect([r.accuracy.score, r.precision.score, r.recall.score, r.f1.score]).toEqual([1, Number.NaN, Number.NaN, Number.NaN])
    expect(classificationMetrics([0, 1, 1], [0, 0, 0], { zeroDivision: 'nan' }).f1.score).toBe(0)
    // scikit-learn 1.9.1, zero_division=np.nan: macro P, R, F1 = 1/3, 1/3, 0.26666666666666666; weighted 0.4444444444444444, 0.5, 0.4.
    const cm = confusionMatrix(['a', 'b', 'c', 'a'], ['a', 'a', 'b', 'a'])
    const of = (average: 'macro' | 'weighted') => [precision, recall, f1].map((m) => m(cm, { average, zeroDivision: 'nan' }).score)
    expect(of('macro').map((v) => v.toFixed(15))).toEqual([1 / 3, 1 / 3, 0.26666666666666666].map((v) => v.toFixed(15)))
    expect(of('weighted').map((v) => v.toFixed(15))).toEqual([0.4444444444444444, 0.5, 0.4].map((v) => v.toFixed(15)))
  })

  it('NaN and ±Infinity labels are excluded and counted', () => {
    const r = classificationMetrics([1, Number.NaN, 0, Infinity], [1, 1, 0, -Infinity])
    expect(r.accuracy.score).toBe(1)
    expect(r.accuracy.n).toBe(2)
    expect(r.f1.excluded).toBe(2)
  })

  it('all-one-class labels: recall of the absent class is 0 by zero_division', () => {
    const cm = confusionMatrix([1, 1, 1, 1], [1, 0, 1, 1])
    expect(recall(cm, { average: 'macro' }).score).toBeCloseTo((0 + 0.75) / 2, 15)
    expect(precision(cm).score).toBe(1)
  })

  it('an unseen predicted class joins the macro average (as sklearn unique_labels)', () => {
    const cm = confusionMatrix(['a', 'b', 'a'], ['a', 'b', 'c'])
    expect(precision(cm, { average: 'macro' }).score).toBeCloseTo((1 + 1 + 0) / 3, 15)
  })

  it("'binary' with more than two labels is one-vs-rest for posLabel (sklearn would raise)", () => {
    const cm = confusionMatrix(['cat', 'dog', 'cow', 'cat'], ['cat', 'cat', 'cow', 'dog'])
    expect(precision(cm, { posLabel: 'cat' }).score).toBe(0.5)
    expect(recall(cm, { posLabel: 'cat' }).score).toBe(0.5)
    expect(f1(cm, { posLabel: 'absent' }).score).toBe(0)
  })

  it('a listed class with no members (labels=) counts as 0 in the macro mean', () => {
    const cm = confusionMatrix([0, 1], [0, 1])
    expect(recall(cm, { average: 'macro', labels: [0, 1, 7] }).score).toBeCloseTo(2 / 3, 15)
    expect(recall(cm, { average: 'macro', labels: [] }).score).toBeNaN()
  })

  it('weighted average with no true members among the labels falls back to the plain mean', () => {
    const cm = confusionMatrix([0, 0], [1, 1])
    expect(precision(cm, { average: 'weighted', labels: [1] }).score).toBe(0)
  })

  it('report bundles the confusion matrix and records parameters', () => {
    const cm = confusionMatrix([1, 0], [1, 1])
    const report = classificationReport(cm, { average: 'micro' })
    expect(report.confusionMatrix).toBe(cm)
    expect(accuracy(cm)).toMatchObject({ method: 'accuracy', score: 0.5, n: 2, excluded: 0 })
    expect(report.f1.params).toEqual({ average: 'micro', posLabel: null, labels: null, zeroDivision: 0 })
  })
})

describe('accuracy: the exact match of the classes, the matrix less its foldedMatches', () => {
  // Labels "1" ×3, "0" ×4, "2" ×2, "0"; predictions "1" ×3, "0" ×4, "0" ×2, "1", read one-vs-rest
  // on "1": the 2 pairs "2"/"0" are true negatives (foldedMatches). scikit-learn 1.9.1:
  // accuracy_score(["1"]*3 + ["0"]*4 + ["2"]*2 + ["0"], ["1"]*3 + ["0"]*4 + ["0"]*2 + ["1"]) = 0.7;
  // precision_score / recall_score(..., labels=["1"], average=None) = 0.75 / 1.
  const oneVsRest = confusionMatrix([1, 1, 1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 0, 0, 0, 0, 0, 1])

  it('a "0" predicted for a label "2" is no correct prediction: 0.7, as sklearn; precision and recall read the matrix', () => {
    const cm = { ...oneVsRest, foldedMatches: 2 }
    expect(accuracy(cm)).toMatchObject({ method: 'accuracy', score: 0.7, n: 10, excluded: 0 })
    expect(classificationReport(cm).accuracy.score).toBe(0.7)
    expect([precision(cm).score, recall(cm).score]).toEqual([0.75, 1])
  })

  it('absent (a matrix of classes as they are, or stored before the field) reads as 0', () => {
    expect(accuracy(oneVsRest).score).toBe(0.9)
    expect(accuracy({ ...oneVsRest, foldedMatches: 0 }).score).toBe(0.9)
  })
})
