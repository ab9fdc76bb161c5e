import { describe, expect, it } from 'vitest'
import { foldedMatch, performanceProfile } from './performance-profile.js'
import { streamTargets } from './stream-targets.js'
import { readTargets } from './targets.js'

const binary = { task: 'binary', positiveClass: '1' } as const

describe('performance profile: binary accuracy is the exact match of predicted class and label', () => {
  // 40 rows: "1"/"1" ×10, "0"/"0" ×10, "2"/"0" ×12, "0"/"1" ×4, "1"/"0" ×4 (label/prediction).
  // scikit-learn 1.9.1: accuracy_score(labels, predictions) = 0.5 (reading "2" as "0" gave 0.8);
  // precision_score / recall_score(labels, predictions, labels=['1'], average=None) = 10/14 each.
  const labels = [...Array<string>(10).fill('1'), ...Array<string>(10).fill('0'), ...Array<string>(12).fill('2'), ...Array<string>(4).fill('0'), ...Array<string>(4).fill('1')]
  const predictions = [...Array<string>(10).fill('1'), ...Array<string>(10).fill('0'), ...Array<string>(12).fill('0'), ...Array<string>(4).fill('1'), ...Array<string>(4).fill('0')]

  it('a "0" predicted for a label "2" is a true negative in the matrix, counted in foldedMatches, and no correct prediction', () => {
    const c = performanceProfile(readTargets({ label: labels, prediction: predictions }, binary)).classification!
    expect(c).toMatchObject({ n: 40, labels: [0, 1], matrix: [[22, 4], [4, 10]], foldedMatches: 12, accuracy: 0.5 })
    expect(c.precision).toBeCloseTo(10 / 14, 12)
    expect(c.recall).toBeCloseTo(10 / 14, 12)
  })

  it('with no third class there is nothing folded: the field is absent and accuracy is (TP + TN) / n', () => {
    const c = performanceProfile(readTargets({ label: ['1', '0', '0', '1'], prediction: ['1', '0', '1', '0'] }, binary)).classification!
    expect(c).not.toHaveProperty('foldedMatches')
    expect(c.accuracy).toBe(0.5)
  })

  it('a class predicted from the score (no prediction column) names no class when negative: the one-vs-rest reading', () => {
    const scores = predictions.map((p) => (p === '1' ? 0.7 : 0.3))
    const c = performanceProfile(readTargets({ label: labels, score: scores }, binary)).classification!
    expect(c).not.toHaveProperty('foldedMatches')
    expect(c.accuracy).toBe(0.8)
  })

  it('foldedMatch: per row, only labeled true negatives whose texts differ; never for a multiclass task', () => {
    const t = readTargets({ label: ['2', '0', '2', '1', null, '2'], prediction: ['0', '0', '1', '1', '0', null] }, binary)
    const folded = foldedMatch(t)
    expect([0, 1, 2, 3, 4, 5].map(folded)).toEqual([true, false, false, false, false, false])
    const multi = readTargets({ label: ['2', '0'], prediction: ['0', '0'] }, { task: 'multiclass', positiveClass: null })
    expect([0, 1].map(foldedMatch(multi))).toEqual([false, false])
    expect(performanceProfile(multi).classification).toMatchObject({ accuracy: 0.5 })
    expect(performanceProfile(multi).classification).not.toHaveProperty('foldedMatches')
  })
})

describe('performance profile: a row of a prediction column without a class, predicted from its score', () => {
  it('names no class when negative (as the stream reads an event sent without a class_label): no fold against "2" or "0"', () => {
    // Labels "2", "0", "1"; the prediction cell empty on the first two (scores 0.1, 0.2), "1" on the third.
    const read = readTargets({ label: ['2', '0', '1'], prediction: [null, null, '1'], score: [0.1, 0.2, 0.9] }, binary)
    const { targets, derived } = streamTargets(read, [0.1, 0.2, 0.9])
    expect(derived).toBe(2)
    expect([0, 1, 2].map(foldedMatch(targets))).toEqual([false, false, false])
    expect(performanceProfile(targets).classification).toMatchObject({ n: 3, accuracy: 1 })
  })
})
