/**
 * Which column prediction drift compares (./compute.ts predictionDriftColumn): the one the
 * predictions of both sides carry. Named after what broke: a multiclass window whose predicted
 * classes flipped from 80/20 to 20/80, three of whose 300 predictions also carried a score, got a
 * prediction row `score … insufficient, n_reference 0, n_current 3` and no class drift; so did
 * the next window, compared with it.
 */
import { describe, expect, it } from 'vitest'
import { computeWindowMetrics, predictionDriftColumn } from './compute.js'
import { emptyPartial, type LabelingContext, type Partial } from './partial-state.js'

const multiclass: LabelingContext = { task: 'multiclass', positiveClass: '1', protectedAttributes: [], minGroupSize: 30 }
const regression: LabelingContext = { ...multiclass, task: 'regression' }

/** A side of `predictions` events with the given class counts, score and value bin counts. */
function side(predictions: number, columns: { classes?: Record<string, number>; score?: number[]; value?: number[] }): Partial {
  const p = emptyPartial()
  p.predictions = predictions
  p.byVariant = { v: predictions }
  if (columns.classes) p.categorical['__class__'] = { ...columns.classes }
  if (columns.score) p.numeric['__score__'] = [...columns.score]
  if (columns.value) p.numeric['__value__'] = [...columns.value]
  return p
}

/** The prediction rows of `current` against `reference`; `samples`: each side's samples of the value (KS). */
const predictionRows = (reference: Partial, current: Partial, ctx = multiclass, samples: [number[], number[]] = [[], []]) =>
  computeWindowMetrics(
    { partial: reference, samples: new Map([['__value__', samples[0]]]) },
    { partial: current, samples: new Map([['__value__', samples[1]]]) },
    ctx,
  ).drift.filter((r) => r.target === 'prediction')
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i)

// Classes a/b 80/20 in the reference, 20/80 in the window.
const before = side(300, { classes: { a: 240, b: 60 } })
// The window: every prediction has a class, 3 of them also a score (one bin: the reference has no score edges).
const strayScores = side(300, { classes: { a: 60, b: 240 }, score: [3] })

describe('prediction drift compares the column both windows carry', () => {
  it('classes flipping 80/20 -> 20/80 with 3 stray scores in the window: class drift detected, not an insufficient score row', () => {
    expect(predictionDriftColumn(before, strayScores)).toBe('class')
    const rows = predictionRows(before, strayScores)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ column: 'class', column_kind: 'categorical', status: 'ok', drift_detected: 1, n_reference: 300, n_current: 300 })
  })

  it('the next window, compared with the one holding the stray scores, is compared on the class too', () => {
    const next = side(300, { classes: { a: 240, b: 60 } })
    expect(predictionDriftColumn(strayScores, next)).toBe('class')
    expect(predictionRows(strayScores, next)[0]).toMatchObject({ column: 'class', status: 'ok', drift_detected: 1, n_reference: 300, n_current: 300 })
  })

  it('a regression window with stray scores is compared on its value', () => {
    const ref = side(300, { value: new Array<number>(10).fill(30) })
    const cur = side(300, { value: [0, 0, 0, 0, 0, 0, 0, 0, 0, 300], score: [3] })
    expect(predictionDriftColumn(ref, cur)).toBe('value')
    expect(predictionDriftColumn(cur, ref)).toBe('value')
    const rows = predictionRows(ref, cur, regression, [range(0, 300), range(270, 300)])
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ column: 'value', column_kind: 'numerical', method: 'ks', status: 'ok', drift_detected: 1, n_reference: 300, n_current: 300 })
  })

  it('every prediction scored on both sides (with a class too): score drift', () => {
    const ref = side(300, { classes: { a: 240, b: 60 }, score: [100, 100, 100] })
    const cur = side(300, { classes: { a: 60, b: 240 }, score: [0, 0, 300] })
    expect(predictionDriftColumn(ref, cur)).toBe('score')
    expect(predictionRows(ref, cur)[0]).toMatchObject({ column: 'score', n_reference: 300, n_current: 300 })
  })

  it('scores on more predictions than classes on each side: score drift; score-only sides too', () => {
    expect(predictionDriftColumn(side(300, { classes: { a: 100 }, score: [300] }), side(300, { classes: { a: 20 }, score: [290] }))).toBe('score')
    expect(predictionDriftColumn(side(300, { score: [300] }), side(300, { score: [300] }))).toBe('score')
  })

  it('a score left null on some predictions keeps score drift; on fewer than half as many as the class, class drift', () => {
    expect(predictionDriftColumn(side(300, { classes: { a: 300 }, score: [300] }), side(300, { classes: { a: 300 }, score: [200] }))).toBe('score')
    expect(predictionDriftColumn(side(300, { classes: { a: 300 }, score: [300] }), side(300, { classes: { a: 300 }, score: [150] }))).toBe('score')
    expect(predictionDriftColumn(side(300, { classes: { a: 300 }, score: [300] }), side(300, { classes: { a: 300 }, score: [149] }))).toBe('class')
  })

  it('no score on either side: class drift; a value alone: value drift', () => {
    expect(predictionDriftColumn(before, side(300, { classes: { a: 60, b: 240 } }))).toBe('class')
    expect(predictionDriftColumn(side(300, { value: [300] }), side(300, { value: [300] }))).toBe('value')
    expect(predictionRows(side(300, { value: [150, 150] }), side(300, { value: [150, 150] }), regression)[0]).toMatchObject({ column: 'value' })
  })

  it('fewer than half as many scores as classes on one side only: the class, which both sides carry', () => {
    const scored = side(300, { classes: { a: 150, b: 150 }, score: [300] })
    const partly = side(300, { classes: { a: 150, b: 150 }, score: [100] })
    expect(predictionDriftColumn(scored, partly)).toBe('class')
    expect(predictionDriftColumn(partly, scored)).toBe('class')
  })

  it('no prediction column on either side: no prediction row', () => {
    expect(predictionDriftColumn(side(10, {}), side(10, {}))).toBeNull()
    expect(predictionRows(side(10, {}), side(10, {}))).toEqual([])
  })
})
