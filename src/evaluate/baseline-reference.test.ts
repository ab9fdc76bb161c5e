import { describe, expect, it } from 'vitest'
import { buildProfile, type Row } from '../metrics/profile/index.js'
import { referenceFromProfile } from './baseline-reference.js'
import { computeWindowMetrics } from './compute.js'
import { boundsFromProfile } from './quality-bounds.js'
import { qualityRows } from '../../test/support/unit/quality-rows.js'

const rows: Row[] = qualityRows(1500, 5).map((r, i) => {
  const score = Math.round(((i * 37) % 1000) / 1000 * 1000) / 1000
  return { ...r, score, prediction: score >= 0.5 ? 'yes' : 'no', label: i % 3 === 0 ? 'no' : 'yes' }
})
const kinds = { income: 'numerical', ratio: 'numerical', city: 'categorical', flag: 'categorical' } as const
const profile = buildProfile(rows, { kinds, targets: { label: 'label', prediction: 'prediction', score: 'score' }, task: 'binary', positiveClass: 'yes', sampleSize: 500 })
const ctx = { positiveClass: 'yes', protectedAttributes: [], minGroupSize: 30 }

describe('a stored profile as the reference', () => {
  const ref = referenceFromProfile(JSON.parse(JSON.stringify(profile)))

  it('carries the profile bins, samples, categories, targets and quality bounds', () => {
    const income = profile.features['income']
    if (income?.kind !== 'numerical') throw new Error('income is numerical')
    expect(ref.edges.get('income')).toEqual(income.binEdges)
    expect(ref.partial.numeric['income']).toEqual(income.binCounts)
    expect(ref.samples.get('income')).toEqual(income.sample)
    expect(ref.samples.get('income')).toHaveLength(500)
    expect(ref.partial.missing['ratio']).toBe(profile.features['ratio']!.missing)
    expect(ref.partial.categorical['city']).toEqual((profile.features['city'] as { categories: object }).categories)
    expect(ref.edges.get('__score__')).toEqual(profile.targets.score!.binEdges)
    expect(ref.partial.categorical['__class__']).toEqual(profile.targets.prediction!.categories)
    expect(ref.partial).toMatchObject({ predictions: 1500, labeled: 1500, labelCounts: { no: 500, yes: 1000 } })
    expect(ref.partial.confusion['']).toEqual({ labels: [0, 1], counts: profile.targets.performance.classification!.matrix, excluded: 0 })
    expect(ref.partial.ranking['']).toEqual(profile.targets.performance.probabilistic!.scoreHistogram)
    expect(ref.quality).toEqual(boundsFromProfile(profile))
  })

  it('compared with itself: every column, no drift, zero degradation', () => {
    const m = computeWindowMetrics(ref, { partial: ref.partial, samples: ref.samples }, ctx)
    const features = m.drift.filter((r) => r.target === 'feature')
    expect(features.map((r) => r.column)).toEqual(['income', 'ratio', 'city', 'flag'])
    expect(features.every((r) => r.drift_detected === 0)).toBe(true)
    expect(m.drift.map((r) => r.target)).toEqual(['feature', 'feature', 'feature', 'feature', 'prediction', 'label', 'calibration'])
    expect(m.performance.filter((r) => r.kind === 'degradation').every((r) => r.value === 0)).toBe(true)
    expect(m.quality.filter((r) => r.metric === 'out_of_range_rate').map((r) => r.feature)).toEqual(['income', 'ratio'])
  })

  it('a profile without targets: features only', () => {
    const bare = referenceFromProfile(buildProfile([{ x: 1 }, { x: 2 }, { c: 'a' }], { kinds: { x: 'numerical', c: 'categorical' } }))
    expect(bare.partial).toMatchObject({ predictions: 3, labeled: 0, confusion: {}, ranking: {}, categorical: { c: { a: 1 } } })
    expect(bare.samples.get('x')).toEqual([])
  })
})
