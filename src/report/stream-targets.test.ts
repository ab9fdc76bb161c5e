import { describe, expect, it } from 'vitest'
import { binaryOutcomes, type FeatureValue, readTargets, resolveTask, streamTargets, type TargetColumns } from '../metrics/profile/index.js'
import { predictedPositive } from '../evaluate/partials.js'
import { validatePrediction } from '../ingest/validate.js'
import type { PredictionEvent } from '../ingest/schemas.js'
import { refusedScore, targetsLeftOut } from './left-out.js'
import { streamTargetsNotes } from './stream-targets.js'

const now = Date.UTC(2026, 10, 22)
const event = (score: number): PredictionEvent => ({
  prediction_id: 'p1', model_id: 'm', model_version: 'v1', event_time: now - 1000, features: {},
  prediction: { class_label: '1', score, probabilities: null, value: null },
  segments: {}, deployment: { environment: 'production', variant: 'champion' }, subject_id: null,
})

const read = (columns: TargetColumns) => readTargets(columns, resolveTask([columns]))

describe('refusedScore: the scores the stream refuses', () => {
  it('exactly those validatePrediction dead-letters, with its reason', () => {
    const code = { score_not_finite: 'DW_NON_FINITE_NUMBER', score_out_of_range: 'DW_VALIDATION_FAILED' } as const
    for (const score of [0, 1, 0.5, 1e-300, -0, -1e-9, 1 + 2 ** -52, 1.7, -0.3, 1e300, Infinity, -Infinity]) {
      const reason = refusedScore(score)
      expect(validatePrediction(event(score), now)?.code ?? null).toBe(reason === undefined ? null : code[reason as keyof typeof code])
    }
  })

  it('text is no score (no double in Avro; the wrong type in JSON); missing is allowed, NaN too (a file\'s missing marker)', () => {
    expect([refusedScore('high'), refusedScore(true), refusedScore(null), refusedScore(undefined), refusedScore(Number.NaN)]).toEqual(['score_not_a_number', 'score_not_a_number', undefined, undefined, undefined])
  })
})

describe('streamTargets: the rows and predicted classes the stream has', () => {
  const columns = {
    label: ['1', '0', '1', '0', '1', null, '0'],
    prediction: ['1', null, null, null, '0', null, '1'],
    score: [0.9, 0.7, 0.2, null, 1.7, 0.6, 'high'] as FeatureValue[],
  }

  it('binary: a row without a class is predicted from its score, as predictedPositive; a refused score leaves its row without prediction or score', () => {
    const s = streamTargets(read(columns), columns.score)
    const { yPred } = binaryOutcomes(s.targets)
    const stream = columns.prediction.map((c, i) => {
      const raw = columns.score[i]
      return refusedScore(raw) !== undefined ? null : predictedPositive(c, typeof raw === 'number' ? raw : null, '1')
    })
    expect(yPred).toEqual(stream)
    expect(yPred).toEqual([1, 1, 0, null, null, 1, null])
    expect(s.targets.scores).toEqual([0.9, 0.7, 0.2, null, null, 0.6, null])
    expect(s).toMatchObject({ derived: 3, refused: { score_not_a_number: 1, score_not_finite: 0, score_out_of_range: 1 } })
    // Labels stay: each row left out is counted by its first reason.
    expect(targetsLeftOut(s.targets, columns.score).rows).toEqual({ no_label: 1, score_not_a_number: 1, score_not_finite: 0, score_out_of_range: 1, no_prediction: 1 })
    expect(streamTargetsNotes('reference', 7, s)).toEqual([
      'reference: 2 of 7 rows have a score the stream refuses (1 score not a number, 1 score outside [0, 1]; it dead-letters such an event): left out of performance, fairness, prediction, label and score drift; feature drift and data quality still count them',
      'reference: 3 of 7 rows have no predicted class: each is predicted from its score (positive when >= 0.5), as the stream predicts an event without a class_label',
    ])
  })

  it('multiclass: no class is no prediction (as the stream\'s confusion); a refused score still leaves the row out', () => {
    const multi = { label: ['a', 'b', 'c', 'a'], prediction: ['a', null, 'c', 'b'], score: [0.9, 0.8, 1.5, 0.1] as FeatureValue[] }
    const s = streamTargets(read(multi), multi.score)
    expect(s.targets.task).toBe('multiclass')
    expect(s.targets.predictions).toEqual(['a', null, null, 'b'])
    expect(s.derived).toBe(0)
  })

  it('without a score column, or with nothing to change: the targets as read', () => {
    const t = read({ label: ['1', '0'], prediction: ['1', null] })
    expect(streamTargets(t).targets).toBe(t)
    const clean = read({ label: ['1', '0'], prediction: ['1', '0'], score: [0.9, 0.1] })
    expect(streamTargets(clean, [0.9, 0.1]).targets).toBe(clean)
    expect(streamTargetsNotes('current', 2, streamTargets(clean, [0.9, 0.1]))).toEqual([])
  })
})
