import { describe, expect, it } from 'vitest'
import { createPseudonymizer } from './pseudonymize.js'
import { clickhouseDateTime64, predictionRow, type Privacy } from './rows.js'
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

describe('row mapping of keys that are Object.prototype names', () => {
  const privacy: Privacy = { pseudonymize: (s) => s, piiFeatures: () => new Set() }
  it('stores __proto__ and constructor verbatim in every map column, as JSON the insert sends', () => {
    const features = JSON.parse('{"__proto__": 1.5, "constructor": "c", "toString": null}') as PredictionEvent['features']
    const segments = JSON.parse('{"__proto__": "g"}') as Record<string, string>
    const probabilities = JSON.parse('{"__proto__": 0.25}') as Record<string, number>
    const row = predictionRow({ ...event, features, segments, prediction: { ...event.prediction, probabilities } }, { topic: 't', partition: 0, offset: '1' }, privacy)
    const json = JSON.parse(JSON.stringify(row)) as Record<string, unknown>
    expect(JSON.stringify(json['features_num'])).toBe('{"__proto__":1.5}')
    expect(JSON.stringify(json['features_cat'])).toBe('{"constructor":"c"}')
    expect(json['features_missing']).toEqual(['toString'])
    expect(JSON.stringify(json['segments'])).toBe('{"__proto__":"g"}')
    expect(JSON.stringify(json['probabilities'])).toBe('{"__proto__":0.25}')
  })
})

describe('clickhouseDateTime64', () => {
  it('converts a time in range', () => expect(clickhouseDateTime64(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02 03:04:05.006'))

  // A RangeError here crashed the consumer on the same record after every restart.
  it.each([9e15, -9e15, Number.NaN, Date.UTC(2300, 0, 1)])('%s is a DW_TIMESTAMP_OUT_OF_RANGE DriftwatchError, not a RangeError', (ms) => {
    expect(() => clickhouseDateTime64(ms)).toThrow(expect.objectContaining({ code: 'DW_TIMESTAMP_OUT_OF_RANGE' }))
  })
})
