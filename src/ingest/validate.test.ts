import { describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS, validateGroundTruth, validatePrediction } from './validate.js'
import type { GroundTruthEvent, PredictionEvent } from './schemas.js'

const now = Date.UTC(2026, 10, 22)
const prediction = (over: Partial<PredictionEvent> = {}, p: Partial<PredictionEvent['prediction']> = {}): PredictionEvent => ({
  prediction_id: 'p1', model_id: 'm', model_version: 'v1', event_time: now - 1000, features: { x: 1 },
  prediction: { class_label: null, score: 0.5, probabilities: null, value: null, ...p },
  segments: {}, deployment: { environment: 'production', variant: 'champion' }, subject_id: null, ...over,
})
const label = (over: Partial<GroundTruthEvent> = {}): GroundTruthEvent => ({ prediction_id: 'p1', label: { class_label: 'a', value: null }, label_time: now - 1000, source: 's', ...over })
const codeAndPath = (e: { code: string; context: Record<string, unknown> } | null) => e && [e.code, e.context['path']]

describe('times that cannot be real times', () => {
  // 9e15 is a valid Avro long past the JavaScript Date range: the old message called
  // new Date(9e15).toISOString(), which threw RangeError and crashed the consumer.
  it.each([9e15, -9e15, Number.MAX_SAFE_INTEGER, 8.64e15 + 1])('event_time %s is DW_TIMESTAMP_OUT_OF_RANGE, and the message does not throw', (t) => {
    expect(codeAndPath(validatePrediction(prediction({ event_time: t }), now))).toEqual(['DW_TIMESTAMP_OUT_OF_RANGE', 'event_time'])
  })

  it.each([9e15, -9e15, 2.5e15])('label_time %s is DW_TIMESTAMP_OUT_OF_RANGE', (t) => {
    expect(codeAndPath(validateGroundTruth(label({ label_time: t }), now))).toEqual(['DW_TIMESTAMP_OUT_OF_RANGE', 'label_time'])
  })

  it('caps a generous ingest.maxFutureMs at the latest storable time (ClickHouse DateTime64(3) ends in 2299)', () => {
    const limits = { ...DEFAULT_LIMITS, maxFutureMs: 1e18 }
    expect(validatePrediction(prediction({ event_time: Date.UTC(2200, 0, 1) }), now, limits)).toBeNull()
    expect(validatePrediction(prediction({ event_time: Date.UTC(2300, 0, 1) }), now, limits)?.code).toBe('DW_TIMESTAMP_OUT_OF_RANGE')
  })

  it('refuses a fractional or non-finite time', () => {
    expect(validatePrediction(prediction({ event_time: now - 0.5 }), now)?.code).toBe('DW_TIMESTAMP_OUT_OF_RANGE')
    expect(validateGroundTruth(label({ label_time: Number.NaN }), now)?.code).toBe('DW_TIMESTAMP_OUT_OF_RANGE')
  })
})

describe('probabilities are in [0, 1] (docs/events.md)', () => {
  it.each([
    [{ score: 1.5 }, 'prediction.score'],
    [{ score: -0.01 }, 'prediction.score'],
    [{ score: null, probabilities: { a: 0.5, b: 1.2 } }, 'prediction.probabilities.b'],
  ])('%j is DW_VALIDATION_FAILED at %s', (p, path) => {
    expect(codeAndPath(validatePrediction(prediction({}, p), now))).toEqual(['DW_VALIDATION_FAILED', path])
  })

  it('accepts the bounds', () => {
    expect(validatePrediction(prediction({}, { score: 0 }), now)).toBeNull()
    expect(validatePrediction(prediction({}, { score: 1, probabilities: { a: 1, b: 0 } }), now)).toBeNull()
  })
})

describe('model ids and versions carry no control characters', () => {
  it.each([
    [{ model_id: 'a\u0000b' }, 'model_id', 'U+0000 at position 1'],
    [{ model_version: 'v\u0000' }, 'model_version', 'U+0000 at position 1'],
    [{ model_version: 'v1\n' }, 'model_version', 'U+000A at position 2'],
    [{ model_id: '\u007fm' }, 'model_id', 'U+007F at position 0'],
  ])('%j is DW_VALIDATION_FAILED at %s', (p, path, where) => {
    const error = validatePrediction(prediction(p), now)
    expect(codeAndPath(error)).toEqual(['DW_VALIDATION_FAILED', path])
    expect(error!.message).toContain(where)
  })

  it('accepts other characters, spaces and non-ASCII among them', () => {
    expect(validatePrediction(prediction({ model_id: 'credit risk ünö 😀', model_version: '2026-11 (β)' }), now)).toBeNull()
  })
})

describe('how wide a prediction may be (ingest.maxFeatures, ingest.maxFeatureNameLength)', () => {
  const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i % 3 === 0 ? null : i]))

  it('accepts maxFeatures features, nulls included, and refuses one more with the count and the limit', () => {
    expect(validatePrediction(prediction({ features: wide(DEFAULT_LIMITS.maxFeatures) }), now)).toBeNull()
    const e = validatePrediction(prediction({ features: wide(30_000) }), now)
    expect(codeAndPath(e)).toEqual(['DW_TOO_MANY_FEATURES', 'features'])
    expect(e?.message).toBe('features: holds 30000 features, the limit is 1000 per prediction (ingest.maxFeatures)')
  })

  it('reports the width before a bad value among the features', () => {
    const features = { ...wide(5), bad: Number.NaN }
    expect(validatePrediction(prediction({ features }), now, { ...DEFAULT_LIMITS, maxFeatures: 5 })?.code).toBe('DW_TOO_MANY_FEATURES')
    expect(validatePrediction(prediction({ features }), now)?.code).toBe('DW_NON_FINITE_NUMBER')
  })

  it('refuses a feature name over maxFeatureNameLength, naming its start', () => {
    const name = 'n'.repeat(DEFAULT_LIMITS.maxFeatureNameLength + 1)
    expect(validatePrediction(prediction({ features: { [name.slice(1)]: 1 } }), now)).toBeNull()
    const e = validatePrediction(prediction({ features: { x: 1, [name]: 2 } }), now)
    expect(codeAndPath(e)).toEqual(['DW_FEATURE_NAME_TOO_LONG', `features.${'n'.repeat(64)}…`])
    expect(e?.message).toContain('is 257 characters, the limit is 256')
  })
})

describe('an empty class_label is refused, never stored as a class of its own', () => {
  it('refuses a label whose class is empty and value null as a label with nothing, DW_MISSING_FIELD at label', () => {
    const e = validateGroundTruth(label({ label: { class_label: '', value: null } }), now)
    expect(codeAndPath(e)).toEqual(['DW_MISSING_FIELD', 'label'])
    expect(e!.message).toBe('label: needs class_label or value; an empty class_label is no class')
  })

  it('refuses an empty class beside a value at label.class_label, and accepts the value with no class', () => {
    expect(codeAndPath(validateGroundTruth(label({ label: { class_label: '', value: 2.5 } }), now))).toEqual(['DW_MISSING_FIELD', 'label.class_label'])
    expect(validateGroundTruth(label({ label: { class_label: null, value: 2.5 } }), now)).toBeNull()
  })

  it.each([
    [{ class_label: '' }],
    [{ class_label: '', score: 0.3 }],
    [{ class_label: '', score: null, probabilities: { a: 0.2, b: 0.8 } }],
  ])('refuses a prediction %j at prediction.class_label', (p) => {
    const e = validatePrediction(prediction({}, p), now)
    expect(codeAndPath(e)).toEqual(['DW_MISSING_FIELD', 'prediction.class_label'])
    expect(e!.message).toBe('prediction.class_label: must not be empty: leave class_label out, or send null, when there is no class')
  })

  it('accepts classes that are not empty, whitespace among them', () => {
    expect(validatePrediction(prediction({}, { class_label: ' ', score: null }), now)).toBeNull()
    expect(validateGroundTruth(label({ label: { class_label: '0', value: null } }), now)).toBeNull()
  })
})
