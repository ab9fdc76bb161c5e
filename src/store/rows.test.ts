import { describe, expect, it } from 'vitest'
import { createPseudonymizer } from './pseudonymize.js'
import { clickhouseDateTime64, GROUND_TRUTH_COLUMNS, groundTruthLine, PREDICTION_COLUMNS, predictionLine, type Privacy } from './rows.js'
import type { PredictionEvent } from '../ingest/schemas.js'

const event: PredictionEvent = {
  prediction_id: 'p1', model_id: 'loan', model_version: 'v1', event_time: Date.UTC(2026, 10, 1, 12, 0, 0, 5),
  features: { income: 52000, zip_code: '75011', employment: 'salaried', flag: true, debt: null },
  prediction: { class_label: 'approve', score: 0.8, probabilities: null, value: null },
  segments: { group: 'B' }, deployment: { environment: 'production', variant: 'champion' }, subject_id: 'person-9',
}

const columns = (line: string) => Object.fromEntries(line.replace(/\n$/, '').split('\t').map((v, i) => [PREDICTION_COLUMNS[i], v]))

describe('predictionLine', () => {
  const pseudonymize = createPseudonymizer('k'.repeat(32))
  const privacy: Privacy = { pseudonymize, piiFeatures: (m) => new Set(m === 'loan' ? ['zip_code'] : []) }

  it('writes one line of every column, splits features by type and pseudonymizes subject_id and the pii features only', () => {
    const line = predictionLine(event, { topic: 't', partition: 2, offset: '7' }, privacy)
    expect(line.endsWith('\n')).toBe(true)
    expect(line.split('\t')).toHaveLength(PREDICTION_COLUMNS.length)
    expect(columns(line)).toEqual({
      prediction_id: 'p1', model_id: 'loan', model_version: 'v1', event_time: String(Date.UTC(2026, 10, 1, 12, 0, 0) / 1000) + '.005',
      features_num_hex: "{'income':'000000000064e940'}", features_cat: `{'zip_code':'${pseudonymize('75011')}','employment':'salaried','flag':'true'}`, features_missing: "['debt']",
      class_label: 'approve', score: '0.8', probabilities: '{}', value: '\\N', segments: "{'group':'B'}", environment: 'production', variant: 'champion',
      subject_id: pseudonymize('person-9'), source_topic: 't', source_partition: '2', source_offset: '7',
    })
  })

  it('leaves features of other models alone', () => {
    const line = predictionLine({ ...event, model_id: 'other' }, { topic: 't', partition: 0, offset: '1' }, privacy)
    expect(columns(line)['features_cat']).toContain("'zip_code':'75011'")
  })

  it('keeps every value on its line: tabs, newlines, quotes and backslashes are escaped', () => {
    const nasty = "a\tb\nc'd\\e\r\0"
    const line = predictionLine({ ...event, prediction_id: nasty, features: { [nasty]: nasty }, segments: { [nasty]: nasty } }, { topic: 't', partition: 0, offset: '1' }, { pseudonymize: (s) => s, piiFeatures: () => new Set() })
    expect(line.indexOf('\n')).toBe(line.length - 1)
    expect(line.split('\t')).toHaveLength(PREDICTION_COLUMNS.length)
    expect(columns(line)['prediction_id']).toBe("a\\tb\\nc\\'d\\\\e\\r\\0")
  })
})

describe('row mapping of keys that are Object.prototype names', () => {
  const privacy: Privacy = { pseudonymize: (s) => s, piiFeatures: () => new Set() }
  it('writes __proto__ and constructor verbatim in every map column', () => {
    const features = JSON.parse('{"__proto__": 1.5, "constructor": "c", "toString": null}') as PredictionEvent['features']
    const segments = JSON.parse('{"__proto__": "g"}') as Record<string, string>
    const probabilities = JSON.parse('{"__proto__": 0.25}') as Record<string, number>
    const line = predictionLine({ ...event, features, segments, prediction: { ...event.prediction, probabilities } }, { topic: 't', partition: 0, offset: '1' }, privacy)
    expect(columns(line)).toMatchObject({
      features_num_hex: "{'__proto__':'000000000000f83f'}", features_cat: "{'constructor':'c'}", features_missing: "['toString']", segments: "{'__proto__':'g'}", probabilities: "{'__proto__':0.25}",
    })
  })
})

describe('groundTruthLine', () => {
  it('writes one line of every column', () => {
    const line = groundTruthLine({ prediction_id: 'p1', label: { class_label: null, value: 2.5 }, label_time: Date.UTC(2026, 0, 1), source: 'crm' }, { topic: 'gt', partition: 1, offset: '9' })
    expect(line).toBe(`p1\t\\N\t2.5\t${Date.UTC(2026, 0, 1) / 1000}.000\tcrm\tgt\t1\t9\n`)
    expect(line.split('\t')).toHaveLength(GROUND_TRUTH_COLUMNS.length)
  })
})

describe('clickhouseDateTime64', () => {
  it('converts a time in range', () => expect(clickhouseDateTime64(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02 03:04:05.006'))

  // A RangeError here crashed the consumer on the same record after every restart.
  it.each([9e15, -9e15, Number.NaN, Date.UTC(2300, 0, 1)])('%s is a DW_TIMESTAMP_OUT_OF_RANGE DriftwatchError, not a RangeError', (ms) => {
    expect(() => clickhouseDateTime64(ms)).toThrow(expect.objectContaining({ code: 'DW_TIMESTAMP_OUT_OF_RANGE' }))
  })
})
