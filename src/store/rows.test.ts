import { describe, expect, it } from 'vitest'
import { createPseudonymizer } from './pseudonymize.js'
import { clickhouseDateTime64, GROUND_TRUTH_ROW, groundTruthRow, PREDICTION_ROW, predictionRow, type Privacy } from './rows.js'
import { RowBuffer } from './row-buffer.js'
import type { PredictionEvent } from '../ingest/schemas.js'
import { readRows, typesOf } from '../../test/support/unit/row-binary.js'

const event: PredictionEvent = {
  prediction_id: 'p1', model_id: 'loan', model_version: 'v1', event_time: Date.UTC(2026, 10, 1, 12, 0, 0, 5),
  features: { income: 52000, zip_code: '75011', employment: 'salaried', flag: true, debt: null },
  prediction: { class_label: 'approve', score: 0.8, probabilities: null, value: null },
  segments: { group: 'B' }, deployment: { environment: 'production', variant: 'champion' }, subject_id: 'person-9',
}

/** The one row predictionRow writes, read back by the RowBinary reader of the tests. */
function predictionColumns(e: PredictionEvent, source: { topic: string; partition: number; offset: string }, privacy: Privacy) {
  const out = new RowBuffer(16)
  predictionRow(out, e, source, privacy)
  const rows = readRows(out.buf.subarray(0, out.pos), typesOf(PREDICTION_ROW))
  expect(rows).toHaveLength(1)
  return rows[0]!
}

const map = (o: Record<string, unknown>) => Object.assign(Object.create(null) as Record<string, unknown>, o)

describe('predictionRow', () => {
  const pseudonymize = createPseudonymizer('k'.repeat(32))
  const privacy: Privacy = { pseudonymize, piiFeatures: (m) => new Set(m === 'loan' ? ['zip_code'] : []) }

  it('declares each column of its layout once, with a type', () => expect(typesOf(PREDICTION_ROW).map(([name]) => name)).toEqual([...PREDICTION_ROW.columns]))

  it('writes one row of every column, splits features by type and pseudonymizes subject_id and the pii features only', () => {
    expect(predictionColumns(event, { topic: 't', partition: 2, offset: '7' }, privacy)).toEqual({
      prediction_id: 'p1', model_id: 'loan', model_version: 'v1', event_time: String(Date.UTC(2026, 10, 1, 12, 0, 0, 5)),
      features_num: map({ income: 52000 }), features_cat: map({ zip_code: pseudonymize('75011'), employment: 'salaried', flag: 'true' }), features_missing: ['debt'],
      class_label: 'approve', score: 0.8, probabilities: map({}), value: null, segments: map({ group: 'B' }), environment: 'production', variant: 'champion',
      subject_id: pseudonymize('person-9'), source_topic: 't', source_partition: 2, source_offset: '7',
    })
  })

  it('leaves features of other models alone', () => {
    expect(predictionColumns({ ...event, model_id: 'other' }, { topic: 't', partition: 0, offset: '1' }, privacy)['features_cat']).toMatchObject({ zip_code: '75011' })
  })

  it('keeps every value whole, whatever its characters: lengths, not delimiters', () => {
    const nasty = "a\tb\nc'd\\e\r\0é 名前 🚀"
    const row = predictionColumns({ ...event, prediction_id: nasty, features: { [nasty]: nasty }, segments: { [nasty]: nasty } }, { topic: 't', partition: 0, offset: '1' }, { pseudonymize: (s) => s, piiFeatures: () => new Set() })
    expect(row).toMatchObject({ prediction_id: nasty, features_cat: map({ [nasty]: nasty }), segments: map({ [nasty]: nasty }) })
  })

  it('stores every double as it is, -0, subnormals and the extremes included, and offsets up to 2^63', () => {
    const edges = [-0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 0.1, 2 ** 53 + 2]
    const features = Object.fromEntries(edges.map((x, i) => [`f${i}`, x]))
    const row = predictionColumns({ ...event, features, prediction: { ...event.prediction, score: -0 } }, { topic: 't', partition: 0, offset: '9223372036854775807' }, privacy)
    expect(Object.values(row['features_num'] as object)).toEqual(edges)
    expect(Object.is(row['score'], -0)).toBe(true)
    expect(row['source_offset']).toBe('9223372036854775807')
  })

  it('writes a time before 1970 (DateTime64 reaches back to 1900) and drops a fraction of a millisecond as Date does', () => {
    for (const ms of [Date.UTC(1950, 0, 1), Date.UTC(1950, 0, 1) + 0.9, Date.UTC(1950, 0, 1) - 0.9, 1.7]) {
      expect(predictionColumns({ ...event, event_time: ms }, { topic: 't', partition: 0, offset: '1' }, privacy)['event_time']).toBe(String(new Date(ms).getTime()))
    }
  })

  it('writes nothing when the time is out of range', () => {
    const out = new RowBuffer(16)
    expect(() => predictionRow(out, { ...event, event_time: 9e15 }, { topic: 't', partition: 0, offset: '1' }, privacy)).toThrow(expect.objectContaining({ code: 'DW_TIMESTAMP_OUT_OF_RANGE' }))
    expect(out.pos).toBe(0)
  })
})

describe('row mapping of keys that are Object.prototype names', () => {
  const privacy: Privacy = { pseudonymize: (s) => s, piiFeatures: () => new Set() }
  it('writes __proto__ and constructor verbatim in every map column', () => {
    const features = JSON.parse('{"__proto__": 1.5, "constructor": "c", "toString": null}') as PredictionEvent['features']
    const segments = JSON.parse('{"__proto__": "g"}') as Record<string, string>
    const probabilities = JSON.parse('{"__proto__": 0.25}') as Record<string, number>
    const row = predictionColumns({ ...event, features, segments, prediction: { ...event.prediction, probabilities } }, { topic: 't', partition: 0, offset: '1' }, privacy)
    expect(row).toMatchObject({
      features_num: map({ ['__proto__']: 1.5 }), features_cat: map({ constructor: 'c' }), features_missing: ['toString'], segments: map({ ['__proto__']: 'g' }), probabilities: map({ ['__proto__']: 0.25 }),
    })
    expect(Object.keys(row['features_num'] as object)).toEqual(['__proto__'])
  })
})

describe('groundTruthRow', () => {
  it('writes one row of every column', () => {
    const out = new RowBuffer(16)
    groundTruthRow(out, { prediction_id: 'p1', label: { class_label: null, value: 2.5 }, label_time: Date.UTC(2026, 0, 1), source: 'crm' }, { topic: 'gt', partition: 1, offset: '9' })
    expect(typesOf(GROUND_TRUTH_ROW).map(([name]) => name)).toEqual([...GROUND_TRUTH_ROW.columns])
    expect(readRows(out.buf.subarray(0, out.pos), typesOf(GROUND_TRUTH_ROW))).toEqual([
      { prediction_id: 'p1', label_class: null, label_value: 2.5, label_time: String(Date.UTC(2026, 0, 1)), source: 'crm', source_topic: 'gt', source_partition: 1, source_offset: '9' },
    ])
  })
})

describe('clickhouseDateTime64', () => {
  it('converts a time in range', () => expect(clickhouseDateTime64(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02 03:04:05.006'))

  // A RangeError here crashed the consumer on the same record after every restart.
  it.each([9e15, -9e15, Number.NaN, Date.UTC(2300, 0, 1)])('%s is a DW_TIMESTAMP_OUT_OF_RANGE DriftwatchError, not a RangeError', (ms) => {
    expect(() => clickhouseDateTime64(ms)).toThrow(expect.objectContaining({ code: 'DW_TIMESTAMP_OUT_OF_RANGE' }))
  })
})
