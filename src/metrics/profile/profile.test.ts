import { describe, expect, it } from 'vitest'
import { classificationMetrics, probabilisticMetrics, rocAuc } from '../performance/index.js'
import { buildProfile, featureNames, PROFILE_VERSION, type Row } from './profile.js'
import { binaryOutcomes, readTargets, resolveTask } from './targets.js'

const rows: Row[] = [
  { income: 10, city: 'A', label: 1, prediction: 1, score: 0.9 },
  { income: 12, city: 'B', label: 0, prediction: 0, score: 0.2 },
  { income: 15, city: 'A', label: 1, prediction: 0, score: 0.4 },
  { income: 11, city: 'C', label: 0, prediction: 1, score: 0.7 },
  { income: 30, city: 'A', label: 1, prediction: 1, score: 0.8 },
  { income: 9, city: null, label: 0, prediction: 0, score: 0.1 },
  { income: 14, city: 'B', label: 1, prediction: 1, score: 0.6 },
]
const targets = { label: 'label', prediction: 'prediction', score: 'score' }

describe('buildProfile', () => {
  const profile = buildProfile(rows, { targets })

  it('profiles every non-target column, in name order, with inferred kinds', () => {
    expect(profile.profileVersion).toBe(PROFILE_VERSION)
    expect(profile.rows).toBe(7)
    expect(Object.keys(profile.features)).toEqual(['city', 'income'])
    expect(profile.features['income']?.kind).toBe('numerical')
    expect(profile.features['city']).toMatchObject({ kind: 'categorical', missing: 1, categories: { A: 3, B: 2, C: 1 } })
  })

  it('keeps a sample of numerical features and the score only when sampleSize is given', () => {
    expect(profile.features['income']).not.toHaveProperty('sample')
    const sampled = buildProfile(rows, { targets, sampleSize: 3 })
    expect(sampled.features['income']).toMatchObject({ sample: [10, 12, 15] })
    expect(sampled.features['city']).not.toHaveProperty('sample')
    expect(sampled.targets.score?.sample).toEqual([0.2, 0.6, 0.8])
  })

  it('is plain JSON and deterministic', () => {
    const text = JSON.stringify(profile)
    expect(JSON.parse(text)).toEqual(profile)
    expect(JSON.stringify(buildProfile(rows, { targets }))).toBe(text)
    // Feature summaries do not depend on row order (sums run over sorted values).
    expect(buildProfile([...rows].reverse(), { targets }).features).toEqual(profile.features)
  })

  it('given kinds win over inference; listed features only', () => {
    const p = buildProfile(rows, { targets, features: ['income'], kinds: { income: 'categorical' } })
    expect(Object.keys(p.features)).toEqual(['income'])
    expect(p.features['income']?.kind).toBe('categorical')
  })

  it('target distributions and baseline performance match ../performance', () => {
    const y = rows.map((r) => r['label'] as number)
    const yPred = rows.map((r) => r['prediction'] as number)
    const s = rows.map((r) => r['score'] as number)
    const t = profile.targets
    expect([t.task, t.positiveClass]).toEqual(['binary', '1'])
    expect(t.label?.categories).toEqual({ '0': 3, '1': 4 })
    expect(t.score?.kind).toBe('numerical')
    const c = t.performance.classification!
    const expected = classificationMetrics(y, yPred)
    expect([c.accuracy, c.precision, c.recall, c.f1]).toEqual([expected.accuracy.score, expected.precision.score, expected.recall.score, expected.f1.score])
    expect(c.matrix).toEqual([[2, 1], [1, 3]])
    const p = t.performance.probabilistic!
    expect(p.rocAuc).toBe(rocAuc(y, s).score)
    expect(p.logLoss).toBe(probabilisticMetrics(y, s).logLoss.score)
    expect(p.calibration.counts.reduce((a, b) => a + b, 0)).toBe(7)
  })

  it('no rows: an empty, valid profile', () => {
    const p = buildProfile([], { targets })
    expect(p).toMatchObject({ rows: 0, features: {}, targets: { task: 'binary', positiveClass: '1', performance: {} } })
    expect(JSON.parse(JSON.stringify(p))).toEqual(p)
  })

  it('featureNames leaves out the target columns', () => {
    expect(featureNames(rows, targets)).toEqual(['city', 'income'])
  })
})

describe('targets', () => {
  it('positive class: "1", then "true", then the greatest class; given wins', () => {
    expect(resolveTask({ label: [0, 1] }).positiveClass).toBe('1')
    expect(resolveTask({ label: [true, false] }).positiveClass).toBe('true')
    expect(resolveTask({ label: ['approved', 'denied'] }).positiveClass).toBe('denied')
    expect(resolveTask({ label: ['approved', 'denied'] }, { positiveClass: 'approved' }).positiveClass).toBe('approved')
    expect(resolveTask({}).positiveClass).toBe('1')
  })

  it('more than two classes is multiclass, unless the task is given', () => {
    expect(resolveTask({ label: ['a', 'b'], prediction: ['c'] })).toEqual({ task: 'multiclass', positiveClass: null })
    // Two sets of columns (a reference and a current file) read as one.
    expect(resolveTask([{ label: ['a'] }, { label: ['b'], prediction: ['c'] }])).toEqual({ task: 'multiclass', positiveClass: null })
    expect(resolveTask([{ label: ['yes'] }, { prediction: [true] }])).toEqual(resolveTask({ label: ['yes', true] }))
    expect(resolveTask({ label: ['a', 'b', 'c'] }, { task: 'binary', positiveClass: 'a' }).task).toBe('binary')
  })

  it('without a prediction column, predictions come from score >= 0.5', () => {
    const t = readTargets({ label: [1, 0, 1, null], score: [0.5, 0.7, 0.2, 0.9] }, { task: 'binary', positiveClass: '1' })
    expect(t.predictionSource).toBe('score>=0.5')
    expect(binaryOutcomes(t)).toEqual({ yTrue: [1, 0, 1, null], yPred: [1, 1, 0, 1] })
  })

  it('a non-numeric score is missing; multiclass ignores scores', () => {
    const t = readTargets({ score: ['high', Number.NaN, 0.3] }, { task: 'binary', positiveClass: '1' })
    expect(t.scores).toEqual([null, null, 0.3])
    expect(readTargets({ score: [0.3] }, { task: 'multiclass', positiveClass: null }).scores).toBeUndefined()
  })

  it('multiclass performance: macro averages over class texts', () => {
    const p = buildProfile(
      [
        { x: 1, label: 'a', prediction: 'a' },
        { x: 2, label: 'b', prediction: 'c' },
        { x: 3, label: 'c', prediction: 'c' },
      ],
      { targets },
    )
    expect(p.targets.task).toBe('multiclass')
    expect(p.targets.performance.classification).toMatchObject({ average: 'macro', labels: ['a', 'b', 'c'], accuracy: 2 / 3 })
  })
})
