import { describe, expect, it } from 'vitest'
import { createPseudonymizer } from './pseudonymize.js'
import { predictionRow, type Privacy } from './rows.js'
import type { PredictionEvent } from '../ingest/schemas.js'

const event: PredictionEvent = {
  prediction_id: 'p1', model_id: 'loan', model_version: 'v1', event_time: Date.UTC(2026, 10, 1, 12, 0, 0, 5),
  features: { income: 52000, zip_code: '75011', employment: 'salaried', flag: true, debt: null },
  prediction: { class_label: 'approve', score: 0.8, probabilities: null, value: null },
  segments: { group: 'B' }, deployment: { environment: 'production', variant: 'champion' }, subject_id: 'person-9',
}

describe('predictionRow', () => {
  const pseudonymize = createPseudonymizer('k'.repeat(32))
  const privacy: Privacy = { pseudonymize, piiFeatures: (m) => new Set(m === 'loan' ? ['zip_code'] : []) }

  it('splits features by type and pseudonymizes subject_id and the pii features only', () => {
    const row = predictionRow(event, { topic: 't', partition: 2, offset: '7' }, privacy)
    expect(row.features_num).toEqual({ income: 52000 })
    expect(row.features_cat).toEqual({ zip_code: pseudonymize('75011'), employment: 'salaried', flag: 'true' })
    expect(row.features_missing).toEqual(['debt'])
    expect(row.subject_id).toBe(pseudonymize('person-9'))
    expect(row.segments).toEqual({ group: 'B' })
    expect(row.event_time).toBe('2026-11-01 12:00:00.005')
  })

  it('leaves features of other models alone', () => {
    const row = predictionRow({ ...event, model_id: 'other' }, { topic: 't', partition: 0, offset: '1' }, privacy)
    expect(row.features_cat['zip_code']).toBe('75011')
  })
})
